// <termin-hotline>: the phone hotline's console, keyboard first. The key lives
// in sessionStorage only (gone with the tab). Find the next free starts
// across offices, book for the caller and read the reference back (spelled);
// search by reference, phone or name; open one to add a note, move or cancel.
// Alt+1 / Alt+2 / Alt+3 jump to the three parts; Escape closes the open one.
import { LitElement, html, css } from 'lit';
import { StaffApi, StaffError, startLang, type Office, type Service } from './api.js';
import { staffMessages } from './i18n.js';
import { langButton } from './lang-switch.js';
import { staffBase } from './styles.js';
import { time, longDate, dateOf } from '../format.js';

const kStore = 'termin.hotline';
interface Start { office: string; start: string; free: number }

export class TerminHotline extends LitElement {
  static properties = { lang: { state: true }, key: { state: true }, offices: { state: true }, services: { state: true }, starts: { state: true }, picked: { state: true },
    booked: { state: true }, results: { state: true }, open: { state: true }, moveStarts: { state: true }, error: { state: true }, status: { state: true }, asking: { state: true } };
  static styles = [staffBase, css`
    .cols { display: grid; grid-template-columns: 1fr 1fr; gap: 24px 40px; }
    section { border-top: 4px solid #1d70b8; padding-top: 8px; margin-bottom: 24px; min-width: 0; }
    .starts li, .results li { margin: 0 0 6px; }
    .starts .btn, .results .btn { width: 100%; text-align: left; margin: 0; }
    .ref { font-size: 40px; font-weight: 800; letter-spacing: .06em; margin: 0; }
    dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
    dt { font-weight: 700; } dd { margin: 0; }
    @media (max-width: 900px) { .cols { grid-template-columns: 1fr; } }
    @media (max-width: 480px) { dl { grid-template-columns: 1fr; } .ref { font-size: 30px; } }
  `];
  lang: 'de' | 'en' = startLang();
  key = sessionStorage.getItem(kStore) || '';
  offices: Office[] = [];
  services: Service[] = [];
  starts: Start[] | null = null;
  picked: Start | null = null;
  booked: any = null;
  results: any[] | null = null;
  open: any = null;
  moveStarts: Start[] | null = null;
  error = '';
  status = '';
  asking = false;
  private lastServices: string[] = [];
  private onKey = (e: KeyboardEvent) => {
    if (e.altKey && ['1', '2', '3'].includes(e.key)) { e.preventDefault(); this.renderRoot.querySelector<HTMLElement>(['#service', '#term', '#detail'][Number(e.key) - 1])?.focus(); }
    if (e.key === 'Escape' && (this.open || this.picked)) { this.open = null; this.picked = null; this.moveStarts = null; this.asking = false; }
  };
  connectedCallback() { super.connectedCallback(); addEventListener('keydown', this.onKey); this.load(); }
  disconnectedCallback() { super.disconnectedCallback(); removeEventListener('keydown', this.onKey); }
  private get t() { return staffMessages(this.lang); }
  private get api() { return new StaffApi(this.key, this.lang); }
  private async load() { try { [this.offices, this.services] = await Promise.all([this.api.offices(), this.api.services()]); } catch { this.error = this.t.network; } }
  private officeName(id: string) { return this.offices.find((o) => o.id === id)?.name || id; }
  private when(iso: string) { return `${longDate(dateOf(iso), this.lang)}, ${time(iso, this.lang)}`; }
  private fail(e: unknown) { this.error = e instanceof StaffError ? (e.status === 401 || e.status === 403 ? this.t.badKey : e.status === 409 ? this.t.taken : e.detail || e.type) : this.t.network; }
  private focusOn(sel: string) { this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(sel)?.focus()); }

  private async signIn(e: Event) {
    e.preventDefault();
    const key = String(new FormData(e.target as HTMLFormElement).get('key') || '').trim();
    try { await new StaffApi(key, this.lang).call('GET', '/v1/hotline/appointments?reference=XXXX-XXXX'); } catch (err) {
      if (err instanceof StaffError && (err.status === 401 || err.status === 403)) { this.error = this.t.badKey; return; }
    }
    this.key = key; sessionStorage.setItem(kStore, key); this.error = ''; this.focusOn('#service');
  }
  private signOut() { sessionStorage.removeItem(kStore); this.key = ''; this.open = this.booked = this.results = this.starts = null; }
  private async find(e: Event) {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    this.lastServices = [String(f.get('service'))];
    const q = new URLSearchParams({ services: this.lastServices.join(','), limit: '10' });
    if (f.get('office')) q.set('offices', String(f.get('office')));
    try { this.starts = (await this.api.call('GET', `/v1/availability/next?${q}`)).slots; this.error = ''; this.picked = null; this.booked = null; this.focusOn('.starts button'); } catch (err) { this.fail(err); }
  }
  private async book(e: Event) {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const name = String(f.get('name') || '').trim(), phone = String(f.get('phone') || '').trim(), email = String(f.get('email') || '').trim();
    if (!name || !phone) { this.error = this.t.required; return; }
    const contact: Record<string, unknown> = { name, phone, language: String(f.get('language') || 'de') };
    if (email) contact.email = email;
    try {
      this.booked = await this.api.call('POST', '/v1/hotline/appointments', { office: this.picked!.office, services: this.lastServices, start: this.picked!.start, contact });
      this.picked = null; this.starts = null; this.error = ''; this.status = `${this.t.booked} ${this.booked.reference}`;
      this.focusOn('#booked');
    } catch (err) { this.fail(err); }
  }
  private async search(e: Event) {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const q = new URLSearchParams({ [String(f.get('by'))]: String(f.get('term') || '').trim() });
    try { this.results = (await this.api.call('GET', `/v1/hotline/appointments?${q}`)).appointments; this.error = ''; this.status = `${this.t.results}: ${this.results!.length}`; } catch (err) { this.fail(err); }
  }
  private async show(ref: string) {
    try { this.open = await this.api.call('GET', `/v1/hotline/appointments/${encodeURIComponent(ref)}`); this.moveStarts = null; this.asking = false; this.error = ''; this.focusOn('#detail'); } catch (err) { this.fail(err); }
  }
  private async note(e: Event) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const text = String(new FormData(form).get('note') || '').trim();
    if (!text) return;
    try { this.open = await this.api.call('POST', `/v1/hotline/appointments/${this.open.reference}/notes`, { text }); form.reset(); } catch (err) { this.fail(err); }
  }
  private async loadMove() {
    const q = new URLSearchParams({ services: this.open.services.join(','), offices: this.open.office, limit: '10' });
    try { this.moveStarts = (await this.api.call('GET', `/v1/availability/next?${q}`)).slots.filter((s: Start) => s.start !== this.open.start); this.focusOn('.move button'); } catch (err) { this.fail(err); }
  }
  private async move(s: Start) {
    try { this.open = await this.api.call('POST', `/v1/hotline/appointments/${this.open.reference}/move`, { start: s.start }); this.moveStarts = null; this.status = this.t.moved; } catch (err) { this.fail(err); }
  }
  private async cancel() {
    try { this.open = await this.api.call('POST', `/v1/hotline/appointments/${this.open.reference}/cancel`); this.asking = false; this.status = this.t.cancelled; } catch (err) { this.fail(err); }
  }

  render() {
    const t = this.t;
    return html`<div class="root">
      <div class="bar"><h2>${t.hotlineTitle}</h2><span>${langButton(this.lang, (l) => { this.lang = l; this.load(); })} ${this.key ? html`<button class="btn secondary" @click=${this.signOut}>${t.signOut}</button>` : ''}</span></div>
      <div role="alert">${this.error ? html`<p class="notice bad">${this.error}</p>` : ''}</div>
      <div role="status" class="sr-only">${this.status}</div>
      ${this.key ? this.renderConsole() : html`<p>${t.setupHint}</p><form @submit=${this.signIn}>
        <div class="field"><label for="key">${t.keyLabel}</label><input id="key" name="key" type="password" autocomplete="off" required></div>
        <button class="btn" type="submit">${t.signIn}</button></form>`}
    </div>`;
  }
  private renderConsole() {
    const t = this.t;
    return html`<div class="shortcuts" aria-label=${t.shortcuts} role="note"><ul>
        <li><kbd>Alt</kbd>+<kbd>1</kbd> ${t.findTitle}</li><li><kbd>Alt</kbd>+<kbd>2</kbd> ${t.searchTitle}</li><li><kbd>Alt</kbd>+<kbd>3</kbd> ${t.show}</li><li><kbd>Esc</kbd> ${t.close}</li><li><kbd>Tab</kbd> / <kbd>Enter</kbd></li></ul></div>
      <div class="cols">
      <section aria-labelledby="h-find"><h3 id="h-find">${t.findTitle}</h3>
        <form @submit=${this.find}>
          <div class="field"><label for="service">${t.service}</label><select id="service" name="service">${this.services.map((s) => html`<option value=${s.id}>${s.name}</option>`)}</select></div>
          <div class="field"><label for="office">${t.officeLabel}</label><select id="office" name="office"><option value="">${t.anyOffice}</option>${this.offices.map((o) => html`<option value=${o.id}>${o.name}</option>`)}</select></div>
          <button class="btn" type="submit">${t.find}</button>
        </form>
        ${this.starts ? html`<h3>${t.freeStarts}</h3>${this.starts.length ? html`<ul class="plain starts">${this.starts.map((s) => html`<li><button class="btn secondary" @click=${() => { this.picked = s; this.focusOn('#name'); }}>${this.when(s.start)} – ${this.officeName(s.office)}</button></li>`)}</ul>` : html`<p>${t.noneFree}</p>`}` : ''}
        ${this.picked ? html`<h3>${t.bookTitle}</h3><p><strong>${this.when(this.picked.start)}</strong>, ${this.officeName(this.picked.office)}</p>
          <form @submit=${this.book}>
            <div class="field"><label for="name">${t.name}</label><input id="name" name="name" type="text" autocomplete="off"></div>
            <div class="field"><label for="phone">${t.phone}</label><input id="phone" name="phone" type="tel" autocomplete="off"></div>
            <div class="field"><label for="email">${t.email}</label><input id="email" name="email" type="email" autocomplete="off"></div>
            <div class="field"><label for="language">${t.language}</label><select id="language" name="language"><option value="de">Deutsch</option><option value="en">English</option></select></div>
            <button class="btn" type="submit">${t.book}</button></form>` : ''}
        ${this.booked ? html`<div class="notice ok" id="booked" tabindex="-1"><p>${t.booked}</p><p class="ref">${this.booked.reference}</p>
          <p>${t.spelled}: ${[...this.booked.reference].map((c) => (c === '-' ? '–' : c)).join(' ')}</p><p>${this.when(this.booked.start)}, ${this.officeName(this.booked.office)}</p></div>` : ''}
      </section>
      <section aria-labelledby="h-search"><h3 id="h-search">${t.searchTitle}</h3>
        <form @submit=${this.search}>
          <div class="field"><label for="by">${t.by}</label><select id="by" name="by"><option value="reference">${t.byRef}</option><option value="phone" selected>${t.byPhone}</option><option value="name">${t.byName}</option></select></div>
          <div class="field"><label for="term">${t.term}</label><input id="term" name="term" type="text" autocomplete="off" required></div>
          <button class="btn" type="submit">${t.find}</button></form>
        ${this.results ? html`<h3>${t.results} (${this.results.length})</h3>${this.results.length ? html`<ul class="plain results">${this.results.map((a) => html`<li><button class="btn secondary" @click=${() => this.show(a.reference)}>${a.reference} – ${a.contact?.name || ''} – ${this.when(a.start)} (${t.statuses[a.status] || a.status})</button></li>`)}</ul>` : html`<p>${t.noResults}</p>`}` : ''}
        ${this.open ? this.renderDetail() : ''}
      </section></div>`;
  }
  private renderDetail() {
    const t = this.t, a = this.open, live = a.status === 'confirmed';
    return html`<div aria-labelledby="detail"><h3 id="detail" tabindex="-1">${a.reference}</h3>
      <dl><dt>${t.status}</dt><dd>${t.statuses[a.status] || a.status}</dd><dt>${t.when}</dt><dd>${this.when(a.start)}</dd><dt>${t.where}</dt><dd>${this.officeName(a.office)}</dd>
        <dt>${t.services}</dt><dd>${a.services.map((s: string) => this.services.find((x) => x.id === s)?.name || s).join(', ')}</dd>
        <dt>${t.contact}</dt><dd>${a.contact?.name || ''}${a.contact?.phone ? html`, ${a.contact.phone}` : ''}${a.contact?.email ? html`, ${a.contact.email}` : ''}</dd></dl>
      <h3>${t.notes}</h3>${a.notes?.length ? html`<ul>${a.notes.map((n: any) => html`<li>${time(n.at, this.lang)} ${n.author}: ${n.text}</li>`)}</ul>` : ''}
      <form @submit=${this.note}><div class="field"><label for="note">${t.note}</label><textarea id="note" name="note" rows="2"></textarea></div><button class="btn secondary" type="submit">${t.addNote}</button></form>
      ${live ? html`<button class="btn secondary" @click=${this.loadMove}>${t.move}</button>
        ${this.asking ? html`<button class="btn warning" @click=${this.cancel}>${t.cancelYes}</button>` : html`<button class="btn warning" @click=${() => { this.asking = true; this.focusOn('.warning'); }}>${t.cancel}</button>`}` : ''}
      ${this.moveStarts ? html`<h3>${t.moveTo}</h3><ul class="plain starts move">${this.moveStarts.map((s) => html`<li><button class="btn secondary" @click=${() => this.move(s)}>${this.when(s.start)}</button></li>`)}</ul>` : ''}
    </div>`;
  }
}
customElements.define('termin-hotline', TerminHotline);
