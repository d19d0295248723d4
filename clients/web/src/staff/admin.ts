// <termin-admin>: an office's closed days, its desks' weekly hours and the
// services each desk does. Edits stay local until "save"; the API answers a
// change that would drop booked visits with 409 and their list: shown here,
// and only an explicit second step saves with cancel_conflicting=true.
import { LitElement, html, css } from 'lit';
import { StaffApi, StaffError, startLang, type Office, type Service } from './api.js';
import { staffMessages } from './i18n.js';
import { langButton } from './lang-switch.js';
import { staffBase } from './styles.js';
import { time, longDate, dateOf } from '../format.js';

const kStore = 'termin.admin';
const kDays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const kRange = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/;

export class TerminAdmin extends LitElement {
  static properties = { lang: { state: true }, key: { state: true }, offices: { state: true }, services: { state: true }, doc: { state: true }, conflict: { state: true }, error: { state: true }, status: { state: true } };
  static styles = [staffBase, css`
    section { border-top: 4px solid #1d70b8; padding-top: 8px; margin-bottom: 24px; }
    fieldset { border: 1px solid #b1b4b6; padding: 12px 16px; margin: 0 0 16px; min-width: 0; }
    legend { font-weight: 700; font-size: 20px; padding: 0 4px; }
    .days { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 0 16px; }
    .days .field { margin-bottom: 8px; }
    .checks { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: 4px 16px; margin: 8px 0 0; padding: 0; border: 0; }
    .checks label { font-weight: 400; display: flex; gap: 8px; align-items: center; min-height: 44px; margin: 0; }
    .checks input { width: 24px; height: 24px; accent-color: #0b0c0c; }
    .conflict { border: 4px solid #d4351c; padding: 16px; margin: 0 0 16px; }
  `];
  lang: 'de' | 'en' = startLang();
  key = sessionStorage.getItem(kStore) || '';
  offices: Office[] = [];
  services: Service[] = [];
  doc: any = null;
  conflict: { reference: string; start: string }[] | null = null;
  error = '';
  status = '';

  connectedCallback() { super.connectedCallback(); this.load(); }
  private get t() { return staffMessages(this.lang); }
  private get api() { return new StaffApi(this.key, this.lang); }
  private async load() { try { [this.offices, this.services] = await Promise.all([this.api.offices(), this.api.services()]); } catch { this.error = this.t.network; } }
  private fail(e: unknown) { this.error = e instanceof StaffError ? (e.status === 401 || e.status === 403 ? this.t.badKey : e.detail || e.type) : this.t.network; }
  private focusOn(sel: string) { this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(sel)?.focus()); }
  private when(iso: string) { return `${longDate(dateOf(iso), this.lang)}, ${time(iso, this.lang)}`; }

  private async signIn(e: Event) {
    e.preventDefault();
    const key = String(new FormData(e.target as HTMLFormElement).get('key') || '').trim();
    try { await new StaffApi(key, this.lang).call('GET', '/v1/admin/services'); } catch (err) { this.error = this.t.badKey; return; }
    this.key = key; sessionStorage.setItem(kStore, key); this.error = '';
  }
  private signOut() { sessionStorage.removeItem(kStore); this.key = ''; this.doc = null; this.conflict = null; }
  private async open(e: Event) {
    e.preventDefault();
    const id = String(new FormData(e.target as HTMLFormElement).get('office'));
    try { this.doc = await this.api.call('GET', `/v1/admin/offices/${encodeURIComponent(id)}`); this.conflict = null; this.error = ''; this.status = ''; } catch (err) { this.fail(err); }
  }
  private addClosure(e: Event) {
    e.preventDefault();
    const form = e.target as HTMLFormElement, f = new FormData(form);
    const date = String(f.get('date') || ''), reason = String(f.get('reason') || '').trim();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return;
    if (!this.doc.closures.some((c: any) => c.date === date)) this.doc = { ...this.doc, closures: [...this.doc.closures, reason ? { date, reason } : { date }].sort((a: any, b: any) => a.date.localeCompare(b.date)) };
    form.reset();
  }
  private removeClosure(date: string) { this.doc = { ...this.doc, closures: this.doc.closures.filter((c: any) => c.date !== date) }; }
  // The form's desk fields back into the document; null when a time is malformed.
  private collect(): any | null {
    const root = this.renderRoot;
    const desks = this.doc.desks.map((d: any, i: number) => {
      const opening: Record<string, string[][]> = {};
      for (const day of kDays) {
        const v = (root.querySelector<HTMLInputElement>(`#h-${i}-${day}`)?.value || '').replace(/\s/g, '');
        if (!v) continue;
        const parts = v.split(',');
        if (!parts.every((p) => kRange.test(p))) throw new Error(day);
        opening[day] = parts.map((p) => p.split('-'));
      }
      const services = [...root.querySelectorAll<HTMLInputElement>(`input[name=s-${i}]:checked`)].map((c) => c.value);
      return { ...d, opening, services };
    });
    return { ...this.doc, desks };
  }
  private async save(cancelConflicting: boolean) {
    let doc;
    try { doc = this.collect(); } catch { this.error = this.t.badHours; return; }
    try {
      const r = await this.api.call('PUT', `/v1/admin/offices/${encodeURIComponent(this.doc.id)}${cancelConflicting ? '?cancel_conflicting=true' : ''}`, doc);
      this.doc = r.office; this.conflict = null; this.error = '';
      this.status = `${this.t.saved}${r.cancelled?.length ? ' ' + this.t.cancelledN(r.cancelled.length) : ''}`;
      this.focusOn('#saved');
    } catch (err) {
      if (err instanceof StaffError && err.status === 409 && Array.isArray(err.data.appointments)) { this.doc = doc; this.conflict = err.data.appointments; this.error = ''; this.focusOn('#conflict'); }
      else this.fail(err);
    }
  }

  render() {
    const t = this.t;
    return html`<div class="root">
      <div class="bar"><h2>${t.adminTitle}</h2><span>${langButton(this.lang, (l) => { this.lang = l; this.load(); })} ${this.key ? html`<button class="btn secondary" @click=${this.signOut}>${t.signOut}</button>` : ''}</span></div>
      <div role="alert">${this.error ? html`<p class="notice bad">${this.error}</p>` : ''}</div>
      ${!this.key ? html`<p>${t.setupHint}</p><form @submit=${this.signIn}>
          <div class="field"><label for="key">${t.keyLabel}</label><input id="key" name="key" type="password" autocomplete="off" required></div>
          <button class="btn" type="submit">${t.signIn}</button></form>`
        : html`<form class="row" @submit=${this.open}>
            <div class="field"><label for="office">${t.officeLabel}</label><select id="office" name="office">${this.offices.map((o) => html`<option value=${o.id} ?selected=${o.id === this.doc?.id}>${o.name}</option>`)}</select></div>
            <div class="field"><button class="btn" type="submit">${t.load}</button></div></form>
          ${this.status ? html`<p class="notice ok" id="saved" tabindex="-1" role="status">${this.status}</p>` : ''}
          ${this.doc ? this.renderDoc() : ''}`}
    </div>`;
  }
  private renderDoc() {
    const t = this.t, d = this.doc;
    const names = new Map(this.services.map((s) => [s.id, s.name]));
    return html`
      ${this.conflict ? html`<div class="conflict" id="conflict" tabindex="-1" role="alert"><h3>${t.affected}</h3>
        <ul>${this.conflict.map((a) => html`<li><strong>${a.reference}</strong>: ${this.when(a.start)}</li>`)}</ul>
        <p>${t.affectedAsk}</p>
        <button class="btn warning" @click=${() => this.save(true)}>${t.saveCancel}</button>
        <button class="btn secondary" @click=${() => { this.conflict = null; }}>${t.keep}</button></div>` : ''}
      <section aria-labelledby="h-cl"><h3 id="h-cl">${t.closures}</h3>
        ${d.closures.length ? html`<table><thead><tr><th scope="col">${t.date}</th><th scope="col">${t.reason}</th><th scope="col"><span class="sr-only">${t.remove}</span></th></tr></thead><tbody>
          ${d.closures.map((c: any) => html`<tr><td>${longDate(c.date, this.lang)}</td><td>${c.reason || ''}</td><td><button class="btn secondary" aria-label=${`${t.remove}: ${longDate(c.date, this.lang)}`} @click=${() => this.removeClosure(c.date)}>${t.remove}</button></td></tr>`)}</tbody></table>` : ''}
        <form class="row" @submit=${this.addClosure}>
          <div class="field"><label for="cl-date">${t.date}</label><input id="cl-date" name="date" type="date" required></div>
          <div class="field"><label for="cl-reason">${t.reason}</label><input id="cl-reason" name="reason" type="text" maxlength="200"></div>
          <div class="field"><button class="btn secondary" type="submit">${t.addClosure}</button></div></form>
      </section>
      <section aria-labelledby="h-desks"><h3 id="h-desks">${t.desks}</h3><p class="hint">${t.hoursHint}</p>
        ${d.desks.map((k: any, i: number) => html`<fieldset><legend>${k.name}</legend>
          <div class="days">${kDays.map((day) => html`<div class="field"><label for=${`h-${i}-${day}`}>${t.days[day]}</label>
            <input id=${`h-${i}-${day}`} type="text" autocomplete="off" .value=${(k.opening?.[day] || []).map((r: string[]) => r.join('-')).join(', ')}></div>`)}</div>
          <fieldset class="checks"><legend class="sr-only">${t.services}: ${k.name}</legend>${d.services.map((s: string) => html`<label><input type="checkbox" name=${`s-${i}`} value=${s} ?checked=${k.services.includes(s)}>${names.get(s) || s}</label>`)}</fieldset>
        </fieldset>`)}
      </section>
      <button class="btn" @click=${() => this.save(false)}>${t.save}</button>`;
  }
}
customElements.define('termin-admin', TerminAdmin);
