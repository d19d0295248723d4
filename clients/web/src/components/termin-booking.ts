// termin-booking: the citizen's booking flow, the element a city embeds.
//   <termin-booking lang="de" office="aalen-rathaus" service="personalausweis">
// Steps: concern(s) -> office or "any office, soonest" -> day -> time (held
// at once) -> contact details -> confirmation with reference, .ics and the
// manage link. Presets skip their step. Each step's heading takes the focus
// when it appears, and a polite live region says what happened.
import { LitElement, html, nothing } from 'lit';
import { base } from '../styles.js';
import { Api, ApiError, type Alternative, type Appointment, type Day, type Hold, type Office, type ReleaseTicket, type Service } from '../api.js';
import { pickLang, messages, type Lang, type Messages } from '../i18n/index.js';
import { addDays, dateOf, longDate, time, timeSeconds, today } from '../format.js';
import './slot-calendar.js';
import './hold-countdown.js';
import './contact-form.js';

type Step = 'loading' | 'failed' | 'services' | 'office' | 'day' | 'time' | 'contact' | 'expired' | 'done' | 'wish' | 'wished' | 'queue';
const kDays = 28;

export function apiBase(el: HTMLElement): string {
  return el.getAttribute('api') || new URL(import.meta.url).origin;
}

export class TerminBooking extends LitElement {
  static properties = {
    lang: {}, office: {}, service: {},
    step: { state: true }, error: { state: true }, wishError: { state: true }, announce: { state: true }, busy: { state: true },
  };
  declare lang: string;
  declare office: string;
  declare service: string;
  declare step: Step;
  declare error: string;
  declare wishError: string;
  declare announce: string;
  declare busy: boolean;

  static styles = [base];

  m: Messages = messages('de');
  private l: Lang = 'de';
  private api!: Api;
  private services: Service[] = [];
  private offices: Office[] = [];
  private chosen: string[] = [];
  private where = '';            // office id or 'any'
  private days: Day[] = [];
  private date = '';
  private hold: Hold | null = null;
  private holdTotal = 600;
  private alternatives: Alternative[] | null = null;
  private appointment: Appointment | null = null;
  private moveFocus = false;
  private latest = '';      // the wish's last day (YYYY-MM-DD)
  // A fair release: the start picked while its day is being released, and
  // the pre-queue ticket that will buy its hold.
  private pending: { office: string; start: string } | null = null;
  private ticket: ReleaseTicket | null = null;
  private queueTimer = 0;

  connectedCallback() {
    super.connectedCallback();
    this.l = pickLang(this.getAttribute('lang'));
    this.m = messages(this.l);
    this.api = new Api(apiBase(this), this.l);
    this.step = 'loading';
    void this.load();
  }

  private async load() {
    this.step = 'loading';
    try {
      [this.services, this.offices] = await Promise.all([this.api.services(), this.api.offices()]);
    } catch {
      this.step = 'failed';
      return;
    }
    const preset = (this.service || '').split(',').filter((id) => this.services.some((s) => s.id === id));
    if (preset.length) {
      this.chosen = preset;
      if (this.office && this.officesFor().some((o) => o.id === this.office)) {
        this.where = this.office;
        await this.loadDays();
        return;
      }
      this.go('office', false);
      return;
    }
    this.go('services', false);
  }

  private go(step: Step, focus = true, say = '') {
    this.error = '';
    this.step = step;
    this.moveFocus = focus;
    this.announce = say;
  }
  updated() {
    if (this.moveFocus) {
      this.moveFocus = false;
      (this.renderRoot.querySelector('h2') as HTMLElement | null)?.focus();
    }
  }

  private officesFor(): Office[] {
    return this.offices.filter((o) => this.chosen.every((s) => o.services.includes(s)));
  }
  private officeName(id: string) { return this.offices.find((o) => o.id === id)?.name ?? id; }
  private serviceNames() { return this.chosen.map((id) => this.services.find((s) => s.id === id)?.name ?? id).join(', '); }

  private async loadDays() {
    this.busy = true;
    try {
      const from = today();
      this.days = await this.api.availability(this.chosen, this.where === 'any' ? null : this.where, from, addDays(from, kDays - 1));
      this.go('day');
    } catch {
      this.go('failed');
    } finally {
      this.busy = false;
    }
  }
  // The days again, in place (after a 409: the list was read before the start was taken).
  private async refreshDays() {
    const from = today();
    try {
      this.days = await this.api.availability(this.chosen, this.where === 'any' ? null : this.where, from, addDays(from, kDays - 1));
      this.requestUpdate();
    } catch { /* the old list stays; a pick from it answers 409 again */ }
  }
  private counts(): Map<string, number> {
    const c = new Map<string, number>();
    for (const d of this.days) c.set(d.date, (c.get(d.date) ?? 0) + d.slots.length);
    return c;
  }
  private startsOn(date: string): { office: string; start: string }[] {
    return this.days.filter((d) => d.date === date)
      .flatMap((d) => d.slots.map((s) => ({ office: d.office, start: s.start })))
      .sort((a, b) => a.start.localeCompare(b.start));
  }

  // --- step actions ---
  private submitServices(e: Event) {
    e.preventDefault();
    const f = e.target as HTMLFormElement;
    this.chosen = Array.from(f.querySelectorAll<HTMLInputElement>('input[name=service]:checked')).map((i) => i.value);
    if (!this.chosen.length) { this.error = this.m.servicesError; this.focusError(); return; }
    const offices = this.officesFor();
    if (this.office && offices.some((o) => o.id === this.office)) { this.where = this.office; void this.loadDays(); return; }
    this.go('office');
  }
  private submitOffice(e: Event) {
    e.preventDefault();
    const picked = (e.target as HTMLFormElement).querySelector<HTMLInputElement>('input[name=office]:checked');
    if (!picked) { this.error = this.m.officeError; this.focusError(); return; }
    this.where = picked.value;
    void this.loadDays();
  }
  private focusError() {
    this.updateComplete.then(() => (this.renderRoot.querySelector('.error-summary') as HTMLElement | null)?.focus());
  }
  disconnectedCallback() {
    super.disconnectedCallback();
    clearTimeout(this.queueTimer);
  }

  private async pick(office: string, start: string, pass = '') {
    this.busy = true;
    this.alternatives = null;
    try {
      if (this.hold) { await this.api.release(this.hold).catch(() => undefined); this.hold = null; }
      this.hold = await this.api.hold(office, this.chosen, start, pass);
      this.holdTotal = Math.max(1, (Date.parse(this.hold.expires_at) - Date.now()) / 1000);
      this.date = dateOf(start);
      this.go('contact', true, this.m.held(this.when(this.hold.office, this.hold.start)));
    } catch (e) {
      if (e instanceof ApiError && e.status === 429 && e.type === 'release-queue' && !pass) {
        await this.joinQueue(office, start);
      } else if (e instanceof ApiError && e.status === 409) {
        void this.refreshDays();  // the taken time goes from the list below the alternatives
        this.alternatives = e.alternatives;
        this.error = this.m.taken;
        this.announce = this.m.taken;
        this.step = 'time';
        this.updateComplete.then(() => (this.renderRoot.querySelector('#taken') as HTMLElement | null)?.focus());
      } else {
        if (this.step === 'queue') this.go('time');
        this.error = this.m.genericError;
      }
    } finally {
      this.busy = false;
    }
  }

  // --- a fair release: wait in the pre-queue, then hold with its pass ---
  private async joinQueue(office: string, start: string) {
    try {
      this.ticket = await this.api.joinRelease(office);
    } catch {
      this.error = this.m.genericError;
      return;
    }
    this.pending = { office, start };
    this.go('queue', true, this.m.queueHeading);
    this.pollLater();
  }
  // Polls at the draw, at the admission time, and every few seconds between.
  private pollLater() {
    clearTimeout(this.queueTimer);
    const t = this.ticket;
    if (!t) return;
    const target = Date.parse(t.state === 'waiting-for-draw' ? t.draw_at : t.admit_at ?? t.draw_at);
    const wait = Math.min(5000, Math.max(500, target - Date.now() + 150));
    this.queueTimer = window.setTimeout(() => void this.pollQueue(), wait);
  }
  private async pollQueue() {
    if (this.step !== 'queue' || !this.ticket || !this.pending) return;
    const before = this.ticket.state;
    try {
      this.ticket = await this.api.releaseTicket(this.ticket.office, this.ticket.ticket);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) this.leaveQueue(this.m.queueLost);
      else this.pollLater();
      return;
    }
    const t = this.ticket;
    if (t.state === 'admitted' && t.pass) {
      this.announce = this.m.queueTurn;
      this.requestUpdate();
      const { office, start } = this.pending;
      await this.pick(office, start, t.pass);
      this.pending = null;
      return;
    }
    if (t.state !== before && t.position) this.announce = this.m.queuePlace(t.position, t.queue_length);
    this.requestUpdate();
    this.pollLater();
  }
  private leaveQueue(error = '') {
    clearTimeout(this.queueTimer);
    this.ticket = null;
    this.pending = null;
    this.go('time');
    this.error = error;
  }
  // Gives the hold more time in one step (POST .../extend): same desk, same
  // start, nothing given back in between. Over the limit the countdown says
  // so and the button goes; an expired or voided hold ends the step.
  private async extend() {
    if (!this.hold || this.busy) return;
    this.busy = true;
    try {
      const more = await this.api.extend(this.hold);
      this.hold = { ...this.hold, expires_at: more.expires_at, extensions_left: more.extensions_left };
      this.holdTotal = Math.max(1, (Date.parse(more.expires_at) - Date.now()) / 1000);
      this.error = '';  // the countdown announces the extension itself
    } catch (e) {
      if (e instanceof ApiError && e.status === 410) this.expired();
      else if (e instanceof ApiError && e.type === 'hold-extension-limit') {
        this.hold = { ...this.hold, extensions_left: 0 };
        this.announce = this.m.holdNoMore;
      } else {
        this.error = this.m.genericError;
      }
    } finally {
      this.busy = false;
    }
  }
  private expired() {
    this.hold = null;
    this.go('expired', true, this.m.holdExpired);
  }
  private async confirm(e: CustomEvent) {
    if (!this.hold) return;
    this.busy = true;
    try {
      this.appointment = await this.api.confirm(this.hold, e.detail.contact);
      this.hold = null;
      this.go('done', true, this.m.doneHeading);
    } catch (err) {
      if (err instanceof ApiError && (err.status === 410 || err.type === 'hold-expired' || err.type === 'hold-void')) this.expired();
      else this.error = this.m.genericError;
    } finally {
      this.busy = false;
    }
  }

  // --- rendering ---
  private when(office: string, start: string) {
    return `${longDate(dateOf(start), this.m.locale)}, ${this.m.timeAt(time(start, this.m.locale))}, ${this.officeName(office)}`;
  }
  // An alternative as short as it can be read: the time alone on the day
  // already shown, the office only when the alternatives are at several
  // (the accessible name always says all).
  private shortWhen(a: Alternative, all: Alternative[]) {
    const several = new Set(all.map((x) => x.office)).size > 1;
    const at = this.m.timeAt(time(a.start, this.m.locale));
    if (dateOf(a.start) !== this.date) return this.when(a.office, a.start);
    return several ? `${at}, ${this.officeName(a.office)}` : at;
  }
  // Where the chosen office opens new days at a set time, it says so.
  private releaseNote() {
    const r = this.offices.find((o) => o.id === this.where)?.release;
    return r ? html`<p class="hint">${this.m.releaseNote(r.time, r.days_ahead)}</p>` : nothing;
  }
  private errorSummary() {
    return this.error ? html`<div class="error-summary" tabindex="-1" role="alert"><h3>${this.m.errorSummary}</h3><p>${this.error}</p></div>` : nothing;
  }
  private stepLine(n: number) { return html`<p class="step">${this.m.step(n, 5)}</p>`; }
  private backButton(to: Step) {
    return html`<button class="btn secondary" type="button" @click=${() => this.go(to)}>${this.m.back}</button>`;
  }

  // The day's starts as a wrapping row of time buttons; with `named`, each
  // button's accessible name also says the office.
  private timeButtons(starts: { office: string; start: string }[], named: boolean) {
    const m = this.m;
    return html`<ul class="times">${starts.map((s) => html`<li><button class="btn secondary" ?disabled=${this.busy}
        @click=${() => this.pick(s.office, s.start)}
        aria-label=${named ? `${m.timeAt(time(s.start, m.locale))}, ${this.officeName(s.office)}` : m.timeAt(time(s.start, m.locale))}>
        ${m.timeAt(time(s.start, m.locale))}</button></li>`)}</ul>`;
  }

  // "Any office": one group per office, the office with the soonest start first,
  // so a citizen scans a few short rows instead of one long list.
  private timesByOffice(starts: { office: string; start: string }[]) {
    const groups = new Map<string, { office: string; start: string }[]>();
    for (const s of starts) {
      if (!groups.has(s.office)) groups.set(s.office, []);
      groups.get(s.office)!.push(s);
    }
    return html`${[...groups].map(([office, list]) => html`<section class="office-times">
        <h3>${this.officeName(office)}</h3>${this.timeButtons(list, true)}</section>`)}`;
  }

  render() {
    const m = this.m;
    return html`<div class="root" lang=${this.l}>
      <p class="sr-only" role="status" aria-live="polite">${this.announce}</p>
      ${this.renderStep()}
      <div class="footer-links">
        <a href="${this.api.base}/leichte-sprache" target="_blank" rel="noopener">${m.easyLink}</a>
        <a href="${this.api.base}/barrierefreiheit${this.l === 'en' ? '?lang=en' : ''}" target="_blank" rel="noopener">${m.a11yLink}</a>
      </div>
    </div>`;
  }

  private renderStep() {
    const m = this.m;
    switch (this.step) {
      case 'loading':
        return html`<h2 tabindex="-1">${m.title}</h2><p>${m.loading}</p>`;
      case 'failed':
        return html`<h2 tabindex="-1">${m.title}</h2><div class="notice bad" role="alert"><p>${m.loadError}</p></div>
          <button class="btn" @click=${() => this.load()}>${m.retry}</button>`;
      case 'services':
        return html`${this.stepLine(1)}<h2 tabindex="-1" id="h">${m.servicesHeading}</h2>
          ${this.errorSummary()}
          <form @submit=${this.submitServices} novalidate>
            <fieldset aria-labelledby="h" aria-describedby="sh">
              <p class="hint" id="sh">${m.servicesHint}</p>
              ${this.services.map((s) => html`<div class="choice"><input type="checkbox" id="s-${s.id}" name="service" value=${s.id} ?checked=${this.chosen.includes(s.id)}>
                <label for="s-${s.id}">${s.name}<span class="sub">${m.minutes(s.duration_minutes)}</span></label></div>`)}
            </fieldset>
            <button class="btn" type="submit">${m.continue}</button>
          </form>`;
      case 'office':
        return html`${this.stepLine(2)}<h2 tabindex="-1" id="h">${m.officeHeading}</h2>
          ${this.errorSummary()}
          <form @submit=${this.submitOffice} novalidate>
            <fieldset aria-labelledby="h">
              <div class="choice"><input type="radio" id="o-any" name="office" value="any" ?checked=${this.where === 'any'}>
                <label for="o-any"><strong>${m.anyOffice}</strong><span class="sub">${m.anyOfficeHint}</span></label></div>
              ${this.officesFor().map((o) => html`<div class="choice"><input type="radio" id="o-${o.id}" name="office" value=${o.id} ?checked=${this.where === o.id}>
                <label for="o-${o.id}">${o.name}<span class="sub">${o.address.street}, ${o.address.postal_code} ${o.address.city}</span></label></div>`)}
            </fieldset>
            ${this.backButton('services')}<button class="btn" type="submit" ?disabled=${this.busy}>${m.continue}</button>
          </form>`;
      case 'day': {
        const counts = this.counts();
        return html`${this.stepLine(3)}<h2 tabindex="-1">${m.dayHeading}</h2>
          <p class="hint">${this.serviceNames()} · ${this.where === 'any' ? m.anyOffice : this.officeName(this.where)}</p>
          <p class="hint">${m.dayHint}</p>
          ${this.releaseNote()}
          ${this.days.length ? nothing : html`<div class="notice warn"><p>${m.noDays}</p></div>`}
          <p class="hint">${m.wishLinkHint} <button class="link" type="button" @click=${() => this.go('wish')}>${m.wishLink}</button></p>
          <slot-calendar .m=${m} from=${today()} days=${kDays} .counts=${counts}
            @day-chosen=${(e: CustomEvent) => { this.date = e.detail.date; this.alternatives = null; this.go('time'); }}></slot-calendar>
          ${this.backButton(this.office && this.chosen.length ? 'services' : 'office')}`;
      }
      case 'queue': {
        const t = this.ticket!;
        const secs = t.admit_at ? Math.max(0, Math.round((Date.parse(t.admit_at) - Date.now()) / 1000)) : 0;
        return html`<h2 tabindex="-1">${m.queueHeading}</h2>
          <div class="notice"><p>${m.queueIntro(longDate(t.day, m.locale))}</p>
            ${t.state === 'waiting-for-draw' ? html`<p><strong>${m.queueDraw(timeSeconds(t.draw_at, m.locale))}</strong></p>`
              : t.state === 'queued' ? html`<p><strong>${m.queuePlace(t.position!, t.queue_length)}</strong></p>
                  <p>${m.queueWait(timeSeconds(t.admit_at!, m.locale), secs)}</p>`
              : html`<p><strong>${m.queueTurn}</strong></p>`}</div>
          ${this.pending ? html`<p>${m.queueChosen(this.when(this.pending.office, this.pending.start))}</p>` : nothing}
          <button class="btn secondary" type="button" @click=${() => this.leaveQueue()}>${m.queueLeave}</button>`;
      }
      case 'time': {
        const starts = this.startsOn(this.date);
        const showOffice = this.where === 'any';
        return html`${this.stepLine(4)}<h2 tabindex="-1">${m.timeHeading(longDate(this.date, m.locale))}</h2>
          ${this.alternatives ? html`<div class="notice bad" id="taken" tabindex="-1" role="alert"><p><strong>${m.taken}</strong></p>
              <p>${this.alternatives.length ? m.takenAlternatives : m.takenNone}</p>
              <ul class="times">${this.alternatives.map((a) => html`<li><button class="btn" aria-label=${this.when(a.office, a.start)}
                @click=${() => this.pick(a.office, a.start)}>${this.shortWhen(a, this.alternatives!)}</button></li>`)}</ul></div>`
            : html`<p class="hint">${m.timeHint} ${m.timeZoneNote}</p>`}
          ${this.error && !this.alternatives ? this.errorSummary() : nothing}
          ${showOffice ? this.timesByOffice(starts) : this.timeButtons(starts, false)}
          ${this.backButton('day')}`;
      }
      case 'contact': {
        const h = this.hold!;
        return html`${this.stepLine(5)}<h2 tabindex="-1">${m.contactHeading}</h2>
          ${this.summary(h.office, h.start)}
          <hold-countdown .m=${m} .expiresAt=${Date.parse(h.expires_at)} totalSeconds=${this.holdTotal}
            .extensionsLeft=${h.extensions_left ?? 1}
            @hold-extend=${this.extend} @hold-expired=${this.expired}></hold-countdown>
          ${this.errorSummary()}
          <contact-form .m=${m} lang=${this.l} ?busy=${this.busy} @contact-submit=${this.confirm}></contact-form>
          <button class="link" type="button" @click=${() => this.go('time')}>${m.pickAgain}</button>`;
      }
      case 'wish': {
        const err = this.wishError;
        return html`<h2 tabindex="-1">${m.wishHeading}</h2>
          <p class="hint">${this.serviceNames()} · ${this.where === 'any' ? m.anyOffice : this.officeName(this.where)}</p>
          <p>${m.wishHint}</p>
          ${this.error ? this.errorSummary() : nothing}
          <div class="field ${err ? 'error' : ''}">
            <label for="latest">${m.wishLatestLabel}</label>
            <p class="hint" id="latest-hint">${m.wishLatestHint}</p>
            ${err ? html`<p class="error-message" id="latest-error"><span class="sr-only">${this.l === 'en' ? 'Error:' : 'Fehler:'}</span> ${err}</p>` : nothing}
            <input id="latest" name="latest" type="date" min=${today()} .value=${this.latest}
              aria-invalid=${err ? 'true' : 'false'} aria-describedby=${err ? 'latest-hint latest-error' : 'latest-hint'}
              @change=${(e: Event) => { this.latest = (e.target as HTMLInputElement).value; }}>
          </div>
          <contact-form .m=${m} lang=${this.l} ?busy=${this.busy} wish .submitLabel=${m.wishSubmit} @contact-submit=${this.submitWish}></contact-form>
          ${this.backButton('day')}`;
      }
      case 'wished':
        return html`<h2 tabindex="-1">${m.wishDoneHeading}</h2>
          ${this.summaryWish()}
          <p>${m.wishDoneText}</p>`;
      case 'expired':
        return html`<h2 tabindex="-1">${m.holdExpired}</h2>
          <button class="btn" @click=${() => this.loadDays()}>${m.pickAgain}</button>
          <button class="btn secondary" @click=${() => { this.chosen = []; this.where = ''; this.go('services'); }}>${m.startAgain}</button>`;
      case 'done': {
        const a = this.appointment!;
        const manage = `${this.api.base}/manage${this.l === 'en' ? '?lang=en' : ''}#ref=${encodeURIComponent(a.reference)}&secret=${encodeURIComponent(a.manage_secret ?? '')}&lang=${this.l}`;
        const bring = this.chosen.map((id) => this.services.find((s) => s.id === id)?.bring).filter(Boolean);
        return html`<h2 tabindex="-1">${m.doneHeading}</h2>
          <div class="panel"><span>${m.doneReference}</span><strong>${a.reference}</strong></div>
          ${this.summary(a.office, a.start)}
          ${bring.length ? html`<p><strong>${m.doneBring}</strong> ${bring.join(' ')}</p>` : nothing}
          <p>${a.status === 'preconfirmed' ? m.doneOptIn : m.doneMail}</p>
          <p><a href=${this.api.icsUrl(a.reference, a.manage_secret ?? '')} download="termin-${a.reference}.ics">${m.doneIcs}</a></p>
          <p><a href=${manage} target="_blank" rel="noopener">${m.doneManage}</a><br><span class="hint">${m.doneManageHint}</span></p>`;
      }
    }
  }

  private summaryWish() {
    const m = this.m;
    return html`<dl class="summary">
      <dt>${m.summaryServices}</dt><dd>${this.serviceNames()}</dd>
      <dt>${m.summaryOffice}</dt><dd>${this.where === 'any' ? m.anyOffice : this.officeName(this.where)}</dd>
      <dt>${m.wishLatestLabel}</dt><dd>${longDate(this.latest, m.locale)}</dd>
    </dl>`;
  }

  private async submitWish(e: CustomEvent) {
    const latest = (this.renderRoot.querySelector('#latest') as HTMLInputElement | null)?.value ?? this.latest;
    this.latest = latest;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(latest) || latest < today()) {
      this.wishError = this.m.wishLatestError;
      this.updateComplete.then(() => (this.renderRoot.querySelector('#latest') as HTMLElement | null)?.focus());
      return;
    }
    this.wishError = '';
    this.busy = true;
    try {
      await this.api.wish(this.chosen, this.where === 'any' ? [] : [this.where], latest, e.detail.contact);
      this.go('wished', true, this.m.wishDoneHeading);
    } catch (err) {
      this.error = !(err instanceof ApiError) ? this.m.genericError
        : err.status === 422 ? this.m.wishNone
        : err.status === 409 ? this.m.wishTooMany : this.m.genericError;
    } finally {
      this.busy = false;
    }
  }

  private summary(office: string, start: string) {
    const m = this.m;
    const o = this.offices.find((x) => x.id === office);
    return html`<h3>${m.summaryHeading}</h3><dl class="summary">
      <dt>${m.summaryServices}</dt><dd>${this.serviceNames()}</dd>
      <dt>${m.summaryOffice}</dt><dd>${this.officeName(office)}${o ? html`<br>${o.address.street}, ${o.address.postal_code} ${o.address.city}` : nothing}</dd>
      <dt>${m.summaryWhen}</dt><dd>${longDate(dateOf(start), m.locale)}, ${m.timeAt(time(start, m.locale))}</dd>
    </dl>`;
  }
}
customElements.define('termin-booking', TerminBooking);
