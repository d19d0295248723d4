// <termin-kiosk>: the touch terminal at an office's entrance (portrait
// 1080x1920). Check in by reference or by the QR text a keyboard-wedge
// scanner types ("TERMIN:<ref>" + Enter) into the focused field; a walk-in
// picks a service and gets a number, or the refusal with the next free
// appointment. Every screen but the start goes back to the start after 30 s
// without input, and the start screen is cleared then too: no reference,
// ticket or time stays on screen for the next person.
import { LitElement, html, css } from 'lit';
import { StaffApi, StaffError, startLang, type Office, type Service } from './api.js';
import { staffMessages } from './i18n.js';
import { langButton } from './lang-switch.js';
import { staffBase } from './styles.js';
import { time, longDate, dateOf } from '../format.js';

const kStore = 'termin.kiosk';
// ?idle=<seconds> shortens it (tests).
const kIdleMs = (Number(new URLSearchParams(location.search).get('idle')) || 30) * 1000;
type Screen = 'setup' | 'start' | 'ticket' | 'refused';

export class TerminKiosk extends LitElement {
  static properties = { lang: { state: true }, screen: { state: true }, error: { state: true }, services: { state: true }, offices: { state: true }, result: { state: true } };
  static styles = [staffBase, css`
    .root { font-size: 26px; max-width: 1000px; margin: 0 auto; padding: 24px; }
    h2 { font-size: 44px; } h3 { font-size: 32px; margin: 32px 0 12px; }
    .btn { min-height: 72px; font-size: 26px; padding: 14px 24px; }
    input[type=text] { font-size: 30px; min-height: 72px; max-width: none; letter-spacing: .04em; }
    .services { display: grid; grid-template-columns: 1fr; gap: 14px; list-style: none; padding: 0; margin: 0; }
    .services .btn { width: 100%; margin: 0; text-align: left; background: #fff; color: #0b0c0c; border: 3px solid #0b0c0c; box-shadow: 0 3px 0 #0b0c0c; }
    .services .btn:hover { background: #f3f2f1; }
    .services .btn:focus-visible { background: #ffdd00; }
    .ticket { border: 6px solid #0b0c0c; padding: 32px; text-align: center; margin: 24px 0; }
    .ticket .label { font-size: 32px; margin: 0; }
    .ticket .number { font-size: 200px; font-weight: 800; line-height: 1; margin: 16px 0; letter-spacing: .04em; }
    .ticket .wait { font-size: 32px; font-weight: 600; }
    .top { display: flex; justify-content: space-between; align-items: center; gap: 16px; margin-bottom: 16px; }
    .top .office { font-size: 24px; color: #0b0c0c; }
    .printonly { display: none; }
    /* A terminal is portrait 1080 wide; a phone-sized window still reads. */
    @media (max-width: 480px) {
      .root { font-size: 20px; padding: 12px; } h2 { font-size: 30px; } h3 { font-size: 24px; margin: 20px 0 8px; }
      .btn { font-size: 20px; min-height: 56px; padding: 10px 16px; } input[type=text] { font-size: 22px; min-height: 56px; }
      .ticket { padding: 16px; border-width: 4px; } .ticket .label, .ticket .wait { font-size: 22px; } .ticket .number { font-size: 72px; white-space: nowrap; }
      .top { flex-wrap: wrap; } .top .office { font-size: 18px; }
    }
    @media print {
      .noprint { display: none !important; }
      .printonly { display: block; font-size: 10pt; }
      .root { padding: 0; font-size: 12pt; max-width: 72mm; }
      .ticket { border: 0; padding: 0; margin: 0; width: 72mm; }
      .ticket .label, .ticket .wait { font-size: 12pt; }
      .ticket .number { font-size: 56pt; margin: 4mm 0; }
    }
  `];
  lang: 'de' | 'en' = startLang();
  screen: Screen = 'setup';
  error = '';
  services: Service[] = [];
  offices: Office[] = [];
  result: any = null;
  private cfg: { key: string; office: string } | null = null;
  private idle = 0;
  private bump = () => this.armIdle();

  connectedCallback() {
    super.connectedCallback();
    try { this.cfg = JSON.parse(localStorage.getItem(kStore) || 'null'); } catch { this.cfg = null; }
    this.screen = this.cfg ? 'start' : 'setup';
    for (const e of ['pointerdown', 'keydown']) addEventListener(e, this.bump, true);
    this.load();
  }
  disconnectedCallback() {
    super.disconnectedCallback();
    for (const e of ['pointerdown', 'keydown']) removeEventListener(e, this.bump, true);
    clearTimeout(this.idle);
  }
  private get t() { return staffMessages(this.lang); }
  private get api() { return new StaffApi(this.cfg?.key || '', this.lang); }
  private async load() {
    try {
      this.offices = await this.api.offices();
      const all = await this.api.services();
      const office = this.offices.find((o) => o.id === this.cfg?.office);
      this.services = office ? all.filter((s) => office.services.includes(s.id)) : all;
    } catch { this.error = this.t.network; }
  }
  private armIdle() {
    clearTimeout(this.idle);
    if (this.screen === 'setup') return;
    this.idle = window.setTimeout(() => this.home(), kIdleMs);
  }
  private home() {
    this.screen = this.cfg ? 'start' : 'setup';
    this.result = null; this.error = '';
    const input = this.renderRoot.querySelector<HTMLInputElement>('#ref');
    if (input) input.value = '';
    this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>('#ref')?.focus());
  }
  private setLang(l: 'de' | 'en') { this.lang = l; this.load(); }

  private async setup(e: Event) {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const cfg = { key: String(f.get('key') || '').trim(), office: String(f.get('office') || '') };
    // A wrong key shows at once: the check-in of a reference that cannot exist answers 401/403 before 400/404.
    try { await new StaffApi(cfg.key, this.lang).call('POST', '/v1/kiosk/checkins', { reference: 'XXXX-XXXX' }); } catch (err) {
      if (err instanceof StaffError && (err.status === 401 || err.status === 403)) { this.error = this.t.badKey; return; }
    }
    this.cfg = cfg; localStorage.setItem(kStore, JSON.stringify(cfg));
    this.error = ''; await this.load(); this.home();
  }
  private async checkin(e: Event) {
    e.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>('#ref')!;
    const raw = input.value.trim();
    if (!raw) { this.error = this.t.refEmpty; return; }
    const body = /^TERMIN:/i.test(raw) ? { qr: 'TERMIN:' + raw.slice(7).toUpperCase() } : { reference: raw.toUpperCase() };
    try {
      this.result = { kind: 'checkin', ...(await this.api.call('POST', '/v1/kiosk/checkins', body)) };
      input.value = ''; this.error = ''; this.screen = 'ticket'; this.armIdle();
      this.focusHeading();
    } catch (err) {
      input.value = '';
      this.error = err instanceof StaffError ? (err.status === 422 ? this.t.notToday : err.status === 404 || err.status === 400 ? this.t.notFound : err.status === 401 || err.status === 403 ? this.t.badKey : err.detail || this.t.network) : this.t.network;
    }
  }
  private async walkin(s: Service) {
    try {
      this.result = { kind: 'walkin', service: s.name, ...(await this.api.call('POST', '/v1/kiosk/tickets', { services: [s.id] })) };
      this.screen = 'ticket';
    } catch (err) {
      if (err instanceof StaffError && err.status === 409) { this.result = { service: s.name, detail: err.detail, next: err.data.alternatives?.[0]?.start }; this.screen = 'refused'; }
      else { this.error = err instanceof StaffError && err.detail ? err.detail : this.t.network; return; }
    }
    this.error = ''; this.armIdle(); this.focusHeading();
  }
  private focusHeading() { this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('h2')?.focus()); }

  render() {
    const t = this.t;
    return html`<div class="root">
      <div class="top noprint">
        <span class="office">${this.offices.find((o) => o.id === this.cfg?.office)?.name || ''}</span>
        ${langButton(this.lang, (l) => this.setLang(l))}
      </div>
      <div role="alert">${this.error ? html`<p class="notice bad">${this.error}</p>` : ''}</div>
      ${this.screen === 'setup' ? this.renderSetup() : this.screen === 'start' ? this.renderStart() : this.screen === 'ticket' ? this.renderTicket() : this.renderRefused()}
    </div>`;
  }
  private renderSetup() {
    const t = this.t;
    return html`<h2>${t.kioskTitle}</h2><p>${t.setupHint}</p>
      <form @submit=${this.setup}>
        <div class="field"><label for="key">${t.keyLabel}</label><input id="key" name="key" type="password" autocomplete="off" required></div>
        <div class="field"><label for="office">${t.officeLabel}</label><select id="office" name="office">${this.offices.map((o) => html`<option value=${o.id}>${o.name}</option>`)}</select></div>
        <button class="btn" type="submit">${t.signIn}</button>
      </form>`;
  }
  private renderStart() {
    const t = this.t;
    return html`<h2 tabindex="-1">${t.kioskTitle}</h2>
      <section aria-labelledby="h-in"><h3 id="h-in">${t.kioskCheckin}</h3>
        <form @submit=${this.checkin}>
          <div class="field"><label for="ref">${t.refLabel}</label><p class="hint" id="ref-hint">${t.refHint}</p>
            <input id="ref" type="text" autocomplete="off" autocapitalize="characters" spellcheck="false" aria-describedby="ref-hint" autofocus></div>
          <button class="btn" type="submit">${t.checkin}</button>
        </form></section>
      <section aria-labelledby="h-walk"><h3 id="h-walk">${t.kioskWalkin}</h3><p>${t.walkinHint}</p>
        <ul class="services">${this.services.map((s) => html`<li><button class="btn" @click=${() => this.walkin(s)}>${s.name}</button></li>`)}</ul>
      </section>`;
  }
  private renderTicket() {
    const t = this.t, r = this.result;
    return html`<div class="ticket">
        <h2 class="label" tabindex="-1">${t.yourNumber}</h2>
        <p class="number">${r.ticket}</p>
        <p class="wait">${r.kind === 'checkin' ? t.checkedIn(time(r.start, this.lang)) : t.waitAbout(r.expected_wait_minutes ?? 0)}</p>
        <p>${t.watchDisplay}</p>
        <p class="printonly">${this.offices.find((o) => o.id === this.cfg?.office)?.name || ''} · ${longDate(dateOf(new Date().toISOString()), this.lang)}, ${time(new Date().toISOString(), this.lang)}</p>
      </div>
      <div class="noprint">
        <button class="btn" @click=${() => window.print()}>${t.print}</button>
        <button class="btn secondary" @click=${() => this.home()}>${t.done}</button>
        <p class="hint">${t.autoBack}</p>
      </div>`;
  }
  private renderRefused() {
    const t = this.t, r = this.result;
    return html`<h2 tabindex="-1">${t.noTicket}</h2>
      <p class="notice bad">${String(r.detail || '').replace(/\s*(Nächster freier Termin|Next free appointment):.*$/, '')}</p>
      ${r.next ? html`<p>${t.nextAppt(`${longDate(dateOf(r.next), this.lang)}, ${time(r.next, this.lang)}`)}</p>` : ''}
      <button class="btn" @click=${() => this.home()}>${t.back}</button>
      <p class="hint">${t.autoBack}</p>`;
  }
}
customElements.define('termin-kiosk', TerminKiosk);
