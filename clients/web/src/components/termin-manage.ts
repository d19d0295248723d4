// termin-manage: the page behind the link in the confirmation. The link
// carries reference and manage secret in the URL fragment (#ref=…&secret=…),
// which browsers never send to a server, so no log holds it. View, move
// (day and time within the same office), cancel after a confirming click
// (never a GET that cancels: mail scanners follow links), .ics.
import { LitElement, html, nothing } from 'lit';
import { base } from '../styles.js';
import { Api, ApiError, type Appointment, type Day, type Office, type Service } from '../api.js';
import { pickLang, messages, type Lang, type Messages } from '../i18n/index.js';
import { addDays, dateOf, longDate, time, today } from '../format.js';
import { apiBase } from './termin-booking.js';
import './slot-calendar.js';

type View = 'loading' | 'missing' | 'notfound' | 'show' | 'confirm-cancel' | 'move-day' | 'move-time';

export class TerminManage extends LitElement {
  static properties = { lang: {}, view: { state: true }, notice: { state: true }, announce: { state: true } };
  declare lang: string;
  declare view: View;
  declare notice: string;
  declare announce: string;
  static styles = [base];

  private l: Lang = 'de';
  m: Messages = messages('de');
  private api!: Api;
  private ref = '';
  private secret = '';
  private a: Appointment | null = null;
  private offices: Office[] = [];
  private services: Service[] = [];
  private days: Day[] = [];
  private date = '';
  private focusNext = false;

  connectedCallback() {
    super.connectedCallback();
    const frag = new URLSearchParams(location.hash.slice(1));
    this.l = pickLang(this.getAttribute('lang') || frag.get('lang'));
    this.m = messages(this.l);
    this.api = new Api(apiBase(this), this.l);
    this.ref = frag.get('ref') || '';
    this.secret = frag.get('secret') || '';
    this.view = 'loading';
    void this.load();
  }
  private set(view: View, announce = '') { this.view = view; this.announce = announce; this.focusNext = true; }
  updated() {
    if (this.focusNext) { this.focusNext = false; (this.renderRoot.querySelector('h2, h3') as HTMLElement | null)?.focus(); }
  }

  private async load() {
    if (!this.ref || !this.secret) { this.view = 'missing'; return; }
    try {
      [this.a, this.offices, this.services] = await Promise.all([
        this.api.appointment(this.ref, this.secret), this.api.offices(), this.api.services()]);
      this.view = 'show';
    } catch {
      this.view = 'notfound';
    }
  }
  private async cancel() {
    try {
      this.a = await this.api.cancel(this.ref, this.secret);
      this.notice = this.m.cancelled;
      this.set('show', this.m.cancelled);
    } catch { this.notice = this.m.genericError; this.set('show'); }
  }
  private async confirmOptIn() {
    try {
      this.a = await this.api.confirmOptIn(this.ref, this.secret);
      this.notice = this.m.optInDone;
      this.set('show', this.m.optInDone);
    } catch (e) {
      this.notice = e instanceof ApiError && e.status === 410 ? this.m.optInLapsed : this.m.genericError;
      this.a = await this.api.appointment(this.ref, this.secret).catch(() => this.a);
      this.set('show', this.notice);
    }
  }
  private async startMove() {
    const from = today();
    this.days = await this.api.availability(this.a!.services, this.a!.office, from, addDays(from, 27)).catch(() => []);
    this.set('move-day');
  }
  private async moveTo(start: string) {
    try {
      this.a = await this.api.move(this.ref, this.secret, start);
      this.notice = this.m.moved;
      this.set('show', this.m.moved);
    } catch (e) {
      this.notice = e instanceof ApiError && e.status === 409 ? this.m.taken : this.m.genericError;
      this.set('move-day', this.notice);
    }
  }

  render() {
    return html`<div class="root" lang=${this.l}><p class="sr-only" role="status" aria-live="polite">${this.announce}</p>${this.body()}</div>`;
  }
  private body() {
    const m = this.m;
    const a = this.a;
    switch (this.view) {
      case 'loading': return html`<h2 tabindex="-1">${m.manageTitle}</h2><p>${m.loading}</p>`;
      case 'missing': return html`<h2 tabindex="-1">${m.manageTitle}</h2><div class="notice bad"><p>${m.manageMissing}</p></div>`;
      case 'notfound': return html`<h2 tabindex="-1">${m.manageTitle}</h2><div class="notice bad"><p>${m.manageNotFound}</p></div>`;
      case 'move-day': {
        const counts = new Map<string, number>();
        for (const d of this.days) counts.set(d.date, (counts.get(d.date) ?? 0) + d.slots.length);
        return html`<h2 tabindex="-1">${m.moveHeading}</h2>
          ${this.notice ? html`<div class="notice bad" role="alert"><p>${this.notice}</p></div>` : nothing}
          <p class="hint">${m.dayHint}</p>
          <slot-calendar .m=${m} from=${today()} days=${28} .counts=${counts}
            @day-chosen=${(e: CustomEvent) => { this.date = e.detail.date; this.notice = ''; this.set('move-time'); }}></slot-calendar>
          <button class="btn secondary" @click=${() => { this.notice = ''; this.set('show'); }}>${m.back}</button>`;
      }
      case 'move-time': {
        const starts = this.days.filter((d) => d.date === this.date).flatMap((d) => d.slots.map((s) => s.start));
        return html`<h2 tabindex="-1">${m.timeHeading(longDate(this.date, m.locale))}</h2>
          <p class="hint">${m.timeZoneNote}</p>
          <ul class="times">${starts.map((s) => html`<li><button class="btn secondary" @click=${() => this.moveTo(s)}>${m.timeAt(time(s, m.locale))}</button></li>`)}</ul>
          <button class="btn secondary" @click=${() => this.set('move-day')}>${m.back}</button>`;
      }
      default: {
        if (!a) return nothing;
        const office = this.offices.find((o) => o.id === a.office);
        const names = a.services.map((id) => this.services.find((s) => s.id === id)?.name ?? id).join(', ');
        const cancelled = a.status === 'cancelled';
        const pre = a.status === 'preconfirmed';
        return html`<h2 tabindex="-1">${m.manageTitle}</h2>
          ${this.notice ? html`<div class="notice"><p>${this.notice}</p></div>` : nothing}
          <div class="panel"><span>${m.doneReference}</span><strong>${a.reference}</strong></div>
          <dl class="summary">
            <dt>${m.statusLabel}</dt><dd>${cancelled ? m.statusCancelled : pre ? m.statusPreconfirmed : m.statusConfirmed}</dd>
            <dt>${m.summaryServices}</dt><dd>${names}</dd>
            <dt>${m.summaryOffice}</dt><dd>${office?.name ?? a.office}${office ? html`<br>${office.address.street}, ${office.address.postal_code} ${office.address.city}` : nothing}</dd>
            <dt>${m.summaryWhen}</dt><dd>${longDate(dateOf(a.start), m.locale)}, ${m.timeAt(time(a.start, m.locale))}</dd>
          </dl>
          ${pre ? html`<div class="notice warn"><p>${m.optInNeeded(time(a.confirm_by ?? a.start, m.locale))}</p>
            <button class="btn" @click=${this.confirmOptIn}>${m.optInButton}</button></div>` : nothing}
          ${cancelled ? html`<p><a href="${this.api.base}/book${this.l === 'en' ? '?lang=en' : ''}">${m.bookNew}</a></p>` : html`
            <p><a href=${this.api.icsUrl(a.reference, this.secret)} download="termin-${a.reference}.ics">${m.doneIcs}</a></p>
            ${this.view === 'confirm-cancel' ? html`<div class="notice warn" role="alertdialog" aria-labelledby="cq">
                <h3 id="cq" tabindex="-1">${m.cancelQuestion}</h3>
                <button class="btn warning" @click=${this.cancel}>${m.cancelYes}</button>
                <button class="btn secondary" @click=${() => this.set('show')}>${m.cancelNo}</button></div>`
              : html`<button class="btn" @click=${this.startMove}>${m.move}</button>
                <button class="btn warning" @click=${() => { this.notice = ''; this.set('confirm-cancel'); }}>${m.cancel}</button>`}`}`;
      }
    }
  }
}
customElements.define('termin-manage', TerminManage);
