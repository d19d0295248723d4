// termin-offer: the page behind the link in a waitlist offer ("Ein Termin
// ist frei geworden"). The link carries the offer's id and token in the URL
// fragment (#o=…&t=…), which browsers never send to a server. It
// shows the place kept for the citizen and accepts or declines it after a
// click (never a GET that books: mail scanners follow links).
import { LitElement, html, nothing } from 'lit';
import { base } from '../styles.js';
import { Api, ApiError, type Appointment, type Office, type Service } from '../api.js';
import { pickLang, messages, type Lang, type Messages } from '../i18n/index.js';
import { dateOf, longDate, time } from '../format.js';
import { apiBase } from './termin-booking.js';

type View = 'loading' | 'missing' | 'gone' | 'show' | 'accepted' | 'declined';

export class TerminOffer extends LitElement {
  static properties = { lang: {}, view: { state: true }, busy: { state: true }, error: { state: true } };
  declare lang: string;
  declare view: View;
  declare busy: boolean;
  declare error: string;
  static styles = [base];

  private l: Lang = 'de';
  m: Messages = messages('de');
  private api!: Api;
  private offerId = '';
  private token = '';
  private offer: { office: string; services: string[]; start: string; expires_at: string; open: boolean } | null = null;
  private offices: Office[] = [];
  private services: Service[] = [];
  private appointment: Appointment | null = null;
  private focusNext = false;

  connectedCallback() {
    super.connectedCallback();
    const frag = new URLSearchParams(location.hash.slice(1));
    this.l = pickLang(this.getAttribute('lang') || frag.get('lang'));
    this.m = messages(this.l);
    this.api = new Api(apiBase(this), this.l);
    this.offerId = frag.get('o') || '';
    this.token = frag.get('t') || '';
    this.view = 'loading';
    void this.load();
  }
  private set(view: View) { this.view = view; this.focusNext = true; }
  updated() {
    if (this.focusNext) { this.focusNext = false; (this.renderRoot.querySelector('h2') as HTMLElement | null)?.focus(); }
  }

  private async load() {
    if (!this.offerId || !this.token) { this.view = 'missing'; return; }
    try {
      [this.offer, this.offices, this.services] = await Promise.all([
        this.api.offer(this.offerId, this.token), this.api.offices(), this.api.services()]);
      this.view = this.offer.open ? 'show' : 'gone';
    } catch {
      this.view = 'gone';
    }
  }

  private async answer(accept: boolean) {
    this.busy = true;
    this.error = '';
    try {
      if (accept) {
        this.appointment = await this.api.acceptOffer(this.offerId, this.token);
        this.set('accepted');
      } else {
        await this.api.declineOffer(this.offerId, this.token);
        this.set('declined');
      }
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 410)) this.set('gone');
      else this.error = this.m.genericError;
    } finally {
      this.busy = false;
    }
  }

  render() {
    const m = this.m;
    return html`<div class="root" lang=${this.l}>${this.body(m)}</div>`;
  }

  private body(m: Messages) {
    switch (this.view) {
      case 'loading': return html`<h2 tabindex="-1">${m.offerHeading}</h2><p>${m.loading}</p>`;
      case 'missing':
      case 'gone': return html`<h2 tabindex="-1">${m.offerGone}</h2><p>${m.offerGoneText}</p>`;
      case 'declined': return html`<h2 tabindex="-1">${m.offerDeclined}</h2><p>${m.offerDeclinedText}</p>`;
      case 'accepted': {
        const a = this.appointment!;
        const manage = `${this.api.base}/manage${this.l === 'en' ? '?lang=en' : ''}#ref=${encodeURIComponent(a.reference)}&secret=${encodeURIComponent(a.manage_secret ?? '')}&lang=${this.l}`;
        return html`<h2 tabindex="-1">${m.doneHeading}</h2>
          <div class="panel"><span>${m.doneReference}</span><strong>${a.reference}</strong></div>
          ${this.summary(a.office, a.services, a.start)}
          <p>${m.doneMail}</p>
          <p><a href=${manage}>${m.doneManage}</a></p>`;
      }
      case 'show': {
        const o = this.offer!;
        return html`<h2 tabindex="-1">${m.offerHeading}</h2>
          ${this.summary(o.office, o.services, o.start)}
          <p>${m.offerUntil(time(o.expires_at, m.locale))}</p>
          ${this.error ? html`<div class="error-summary" tabindex="-1" role="alert"><h3>${m.errorSummary}</h3><p>${this.error}</p></div>` : nothing}
          <button class="btn" type="button" ?disabled=${this.busy} @click=${() => this.answer(true)}>${m.offerAccept}</button>
          <button class="btn secondary" type="button" ?disabled=${this.busy} @click=${() => this.answer(false)}>${m.offerDecline}</button>`;
      }
    }
  }

  private summary(office: string, services: string[], start: string) {
    const m = this.m;
    const o = this.offices.find((x) => x.id === office);
    const names = services.map((id) => this.services.find((s) => s.id === id)?.name ?? id).join(', ');
    return html`<dl class="summary">
      <dt>${m.summaryServices}</dt><dd>${names}</dd>
      <dt>${m.summaryOffice}</dt><dd>${o?.name ?? office}${o ? html`<br>${o.address.street}, ${o.address.postal_code} ${o.address.city}` : nothing}</dd>
      <dt>${m.summaryWhen}</dt><dd>${longDate(dateOf(start), m.locale)}, ${m.timeAt(time(start, m.locale))}</dd>
    </dl>`;
  }
}
customElements.define('termin-offer', TerminOffer);
