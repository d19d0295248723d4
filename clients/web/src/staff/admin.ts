// <termin-admin>: an office's closed days (Schließtage), its holidays (the
// Land's and its own), its booking rules, and its desks: each desk's weekly
// hours and breaks, its dated exceptions (closed, or other hours) and the
// services it does; desks added and removed. Edits stay in a local model
// until "save"; the API answers a change that would drop booked visits with
// 409 and their list: shown here, and only an explicit second step saves
// with cancel_conflicting=true (those visits are cancelled and told).
import { LitElement, html, css } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { StaffApi, StaffError, startLang, type Office, type Service } from './api.js';
import { staffMessages } from './i18n.js';
import { langButton, pageChrome } from './lang-switch.js';
import { kRuleGroups, readRules, rulesText, type RuleField } from './admin-rules.js';
import { staffBase } from './styles.js';
import { time, longDate, dateOf } from '../format.js';

const kStore = 'termin.admin';
const kDays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const kRange = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/;
const kId = /^[a-z0-9][a-z0-9-]{0,63}$/;
const kDate = /^\d{4}-\d{2}-\d{2}$/;
const kRegions = ['DE-BW', 'DE-BY', 'DE-BE', 'DE-HE', 'DE-NW'];
interface Holiday { date?: string; every_year?: string; name: string }
// Where a holiday falls in the year, for sorting and duplicates (a yearly one has no year).
const holidayKey = (h: Holiday) => h.every_year ? `0000-${h.every_year}` : h.date!;

type Intervals = string[][];
interface Exception { date: string; closed?: boolean; hours?: Intervals }
// A desk as the form edits it: times as the text the admin types.
interface DeskEdit { id: string; name: string; services: string[]; hours: Record<string, string>; breaks: Record<string, string>; exceptions: Exception[]; fresh: boolean; open: boolean }

const show = (r: Intervals | undefined) => (r || []).map((x) => x.join('-')).join(', ');
// "08:00-12:00, 13:00-16:00" -> [["08:00","12:00"],["13:00","16:00"]]; null if malformed.
function parse(text: string): Intervals | null {
  const v = text.replace(/\s/g, '');
  if (!v) return [];
  const parts = v.split(',');
  return parts.every((p) => kRange.test(p)) ? parts.map((p) => p.split('-')) : null;
}
// Minutes of "HH:MM" and back ("24:00" ends a day).
const mins = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
// The rest of the day around sorted disjoint intervals: an office closure
// keeps the hours every desk may be open ("hours"), the admin types the
// hours it is closed; each is the other's complement within 00:00-24:00.
function complement(r: Intervals): Intervals {
  const out: Intervals = [];
  let at = 0;
  for (const [a, b] of r) { if (mins(a) > at) out.push([hhmm(at), a]); at = mins(b); }
  if (at < 1440) out.push([hhmm(at), '24:00']);
  return out;
}
// Sorted, each beginning before it ends, none overlapping.
const ordered = (r: Intervals) => r.every(([a, b], i) => mins(a) < mins(b) && (i === 0 || mins(r[i - 1][1]) <= mins(a)));
function week(w: Record<string, Intervals> | undefined) { return Object.fromEntries(kDays.map((d) => [d, show(w?.[d])])); }

export class TerminAdmin extends LitElement {
  static properties = { lang: { state: true }, key: { state: true }, offices: { state: true }, services: { state: true }, doc: { state: true }, desks: { state: true }, rules: { state: true }, fieldErrors: { state: true }, summary: { state: true }, conflict: { state: true }, error: { state: true }, status: { state: true } };
  static styles = [staffBase, css`
    section { border-top: 4px solid #1d70b8; padding-top: 8px; margin-bottom: 24px; }
    details.desk { border: 1px solid #b1b4b6; margin: 0 0 12px; }
    details.desk > summary { cursor: pointer; padding: 10px 12px; min-height: 44px; font-weight: 700; font-size: 20px; background: #f3f2f1; }
    details.desk > summary .sum { display: block; font-weight: 400; font-size: 16px; color: #484949; }
    details.desk > summary:focus-visible { outline: 3px solid #ffdd00; box-shadow: inset 0 0 0 3px #0b0c0c; }
    .desk-body { padding: 12px 16px; }
    fieldset { border: 0; padding: 0; margin: 0 0 16px; min-width: 0; }
    legend { font-weight: 700; font-size: 18px; padding: 0; margin-bottom: 4px; }
    .week-head, .dayrow { display: grid; grid-template-columns: 130px minmax(0, 1fr) minmax(0, 1fr); gap: 4px 12px; align-items: center; }
    .week-head { font-weight: 600; border-bottom: 1px solid #b1b4b6; padding-bottom: 4px; margin-bottom: 6px; }
    .dayrow { margin-bottom: 6px; }
    .dayrow .field { margin: 0; }
    .dayrow label { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    .checks { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: 4px 16px; margin: 8px 0 16px; }
    .checks label { font-weight: 400; display: flex; gap: 8px; align-items: center; min-height: 44px; margin: 0; }
    .checks input { width: 24px; height: 24px; flex: none; accent-color: #0b0c0c; }
    ul.exc { list-style: none; padding: 0; margin: 0 0 8px; }
    ul.exc li { display: flex; flex-wrap: wrap; gap: 4px 12px; align-items: center; border-bottom: 1px solid #b1b4b6; padding: 4px 0; }
    ul.exc li .btn { margin: 4px 0; }
    .conflict { border: 4px solid #d4351c; padding: 16px; margin: 0 0 16px; }
    .conflict li { margin-bottom: 4px; }
    h4 { margin: 16px 0 8px; font-size: 19px; }
    .rules fieldset { border-left: 4px solid #b1b4b6; padding-left: 12px; margin-bottom: 24px; }
    .rules legend { font-size: 20px; margin-bottom: 12px; }
    .error-summary { border: 4px solid #d4351c; padding: 16px; margin: 0 0 20px; }
    .error-summary h3 { margin: 0 0 8px; }
    .error-summary ul { margin: 0; padding-left: 20px; }
    .error-summary:focus { outline: 3px solid #ffdd00; outline-offset: 0; }
    input[aria-invalid=true] { border-color: #d4351c; border-width: 3px; }
    .rule { max-width: 44em; }
    .rule .hint { font-size: 16px; margin-bottom: 4px; }
    .with-unit { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 8px; }
    .with-unit input.short { width: 8em; }
    .with-unit input.wide { width: 16em; max-width: 100%; }
    .unit { font-weight: 600; }
    .field-error { color: #d4351c; font-weight: 700; margin: 0 0 4px; }
    .has-error { border-left: 4px solid #d4351c; padding-left: 12px; }
    .radios { display: flex; flex-wrap: wrap; gap: 0 24px; }
    .radios label { font-weight: 400; display: flex; gap: 8px; align-items: center; min-height: 44px; margin: 0; }
    .radios input { width: 24px; height: 24px; flex: none; accent-color: #0b0c0c; margin: 0; }
    .error-summary a { color: #d4351c; font-weight: 700; }
    .error-summary a:focus { color: #0b0c0c; background: #ffdd00; }
    ul.affected { list-style: none; padding: 0; margin: 0 0 12px; }
    ul.affected li { display: flex; flex-wrap: wrap; gap: 0 16px; padding: 6px 0; border-bottom: 1px solid #b1b4b6; }
    ul.affected strong { min-width: 7.5em; font-family: "DejaVu Sans Mono", monospace; }
    .savebar { border-top: 4px solid #1d70b8; padding-top: 12px; }
    @media (max-width: 640px) {
      .week-head { display: none; }
      .dayrow { grid-template-columns: minmax(0, 1fr); gap: 2px; margin-bottom: 12px; }
      .dayrow .dayname { font-weight: 700; }
      .dayrow label { position: static; width: auto; height: auto; overflow: visible; clip: auto; white-space: normal; font-weight: 400; margin: 4px 0 2px; }
      .dayrow label .lday { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
      .checks { grid-template-columns: minmax(0, 1fr); }
      .desk-body { padding: 8px; }
      .conflict, .error-summary { padding: 12px; }
      .rules fieldset { padding-left: 8px; }
      .has-error { padding-left: 8px; }
    }
  `];
  lang: 'de' | 'en' = startLang();
  key = sessionStorage.getItem(kStore) || '';
  offices: Office[] = [];
  services: Service[] = [];
  doc: any = null;
  desks: DeskEdit[] = [];
  rules: Record<string, string> = {};
  // Messages next to fields, by field key (a rule's key, 'cl-date', 'hol-name', 'hol-date').
  fieldErrors: Record<string, string> = {};
  // The error summary at the top: each entry links to its field (input id), or is text only.
  summary: { id: string; text: string }[] = [];
  conflict: { reference: string; start: string }[] | null = null;
  error = '';
  status = '';

  connectedCallback() { super.connectedCallback(); this.load(); }
  // The page around the element speaks the screen's language too (lang, title, header).
  protected willUpdate(changed: Map<string, unknown>) { if (changed.has('lang')) pageChrome(this.lang, this.t.adminTitle); }
  private get t() { return staffMessages(this.lang); }
  // English as read in Germany: "Thursday 24 December 2026", not the US order.
  private get loc() { return this.lang === 'de' ? 'de-DE' : 'en-GB'; }
  private get api() { return new StaffApi(this.key, this.lang); }
  private async load() { try { [this.offices, this.services] = await Promise.all([this.api.offices(), this.api.services()]); } catch { this.error = this.t.network; } }
  private fail(e: unknown) { this.error = e instanceof StaffError ? (e.status === 401 || e.status === 403 ? this.t.badKey : e.detail || e.type) : this.t.network; this.focusOn('#error'); }
  private focusOn(sel: string) { this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(sel)?.focus()); }
  private when(iso: string) { return `${longDate(dateOf(iso), this.loc)}, ${time(iso, this.loc)}${this.lang === 'de' ? ' Uhr' : ''}`; }

  private async signIn(e: Event) {
    e.preventDefault();
    const key = String(new FormData(e.target as HTMLFormElement).get('key') || '').trim();
    try { await new StaffApi(key, this.lang).call('GET', '/v1/admin/services'); } catch (err) { this.error = this.t.badKey; return; }
    this.key = key; sessionStorage.setItem(kStore, key); this.error = '';
  }
  private signOut() { sessionStorage.removeItem(kStore); this.key = ''; this.doc = null; this.desks = []; this.conflict = null; }
  private setDoc(doc: any) {
    const open = new Set(this.desks.filter((d) => d.open).map((d) => d.id));
    this.doc = doc;
    this.rules = rulesText(doc.rules); this.fieldErrors = {}; this.summary = [];
    this.desks = doc.desks.map((d: any) => ({ id: d.id, name: d.name, services: [...(d.services || [])], hours: week(d.opening), breaks: week(d.breaks), exceptions: [...(d.exceptions || [])], fresh: false, open: open.has(d.id) }));
  }
  private async fetchOffice(id: string) { this.setDoc(await this.api.call('GET', `/v1/admin/offices/${encodeURIComponent(id)}`)); this.conflict = null; this.error = ''; }
  private async open(e: Event) {
    e.preventDefault();
    const id = String(new FormData(e.target as HTMLFormElement).get('office'));
    this.desks = [];
    try { await this.fetchOffice(id); this.status = ''; } catch (err) { this.fail(err); }
  }
  private async discard() { try { await this.fetchOffice(this.doc.id); this.status = this.t.discarded; this.focusOn('#saved'); } catch (err) { this.fail(err); } }
  // Any edit: the last "saved" message no longer describes the form.
  private edit(i: number, change: Partial<DeskEdit>) { this.desks = this.desks.map((d, j) => (j === i ? { ...d, ...change } : d)); this.status = ''; }

  private addClosure(e: Event) {
    e.preventDefault();
    const form = e.target as HTMLFormElement, f = new FormData(form);
    const date = String(f.get('date') || ''), reason = String(f.get('reason') || '').trim(), closed = parse(String(f.get('closed') || ''));
    const bad = !kDate.test(date) ? this.t.dateMissing : this.doc.closures.some((c: any) => c.date === date) ? this.t.closureExists : '';
    const badTimes = !closed || !ordered(closed) ? this.t.closedTimesBad : '';
    this.fieldErrors = { ...this.fieldErrors, 'cl-date': bad, 'cl-closed': badTimes };
    if (bad || badTimes) { this.focusOn(bad ? '#cl-date' : '#cl-closed'); return; }
    // Closed part of the day: the hours around it are what every desk keeps.
    const open = closed!.length ? complement(closed!) : [];
    const entry: any = { date, ...(reason ? { reason } : {}), ...(open.length ? { hours: open } : {}) };
    this.status = this.t.closureAdded(longDate(date, this.loc));
    this.doc = { ...this.doc, closures: [...this.doc.closures, entry].sort((a: any, b: any) => a.date.localeCompare(b.date)) };
    form.reset();
  }
  private removeClosure(date: string) { this.doc = { ...this.doc, closures: this.doc.closures.filter((c: any) => c.date !== date) }; this.status = this.t.closureRemoved(longDate(date, this.loc)); this.focusOn('#saved'); }
  private holidayText(h: Holiday) {
    return h.every_year
      ? this.t.everyYear(new Intl.DateTimeFormat(this.loc, { day: 'numeric', month: 'long', timeZone: 'UTC' }).format(new Date(`2000-${h.every_year}T12:00:00Z`)))
      : this.t.onceOn(longDate(h.date!, this.loc));
  }
  private addHoliday(e: Event) {
    e.preventDefault();
    const form = e.target as HTMLFormElement, f = new FormData(form);
    const name = String(f.get('name') || '').trim(), date = String(f.get('date') || ''), yearly = f.get('kind') === 'yearly';
    const h: Holiday = yearly ? { every_year: date.slice(5), name } : { date, name };
    const list: Holiday[] = this.doc.holidays || [];
    const errs = { ...this.fieldErrors, 'hol-name': name ? '' : this.t.holidayNameMissing,
      'hol-date': !kDate.test(date) ? this.t.dateMissing : list.some((x) => holidayKey(x) === holidayKey(h)) ? this.t.holidayExists : '' };
    this.fieldErrors = errs;
    if (errs['hol-name'] || errs['hol-date']) { this.focusOn(errs['hol-name'] ? '#hol-name' : '#hol-date'); return; }
    this.doc = { ...this.doc, holidays: [...list, h].sort((a, b) => holidayKey(a).localeCompare(holidayKey(b))) };
    this.status = this.t.holidayAdded(name);
    form.reset();
  }
  private removeHoliday(h: Holiday) {
    this.doc = { ...this.doc, holidays: (this.doc.holidays || []).filter((x: Holiday) => x !== h) };
    this.status = this.t.holidayRemoved(h.name); this.focusOn('#saved');
  }
  private setRule(key: string, value: string) { this.rules = { ...this.rules, [key]: value }; this.status = ''; }
  // Shows the field errors and the summary that links to them, and focuses it.
  private showProblems(general: string[] = []) {
    const labels: Record<string, string> = { 'cl-date': this.t.closureDate, 'cl-closed': this.t.closedTimes, 'hol-name': this.t.holidayName, 'hol-date': this.t.holidayDate };
    this.summary = [
      ...Object.entries(this.fieldErrors).filter(([, m]) => m).map(([k, m]) => ({ id: labels[k] ? k : `r-${k}`, text: `${labels[k] || this.t.ruleLabels[k]?.[0] || k}: ${m}` })),
      ...general.map((text) => ({ id: '', text })),
    ];
    this.error = '';
    this.focusOn('#summary');
  }
  private addException(e: Event, i: number) {
    e.preventDefault();
    const form = e.target as HTMLFormElement, f = new FormData(form);
    const date = String(f.get('date') || ''), hours = parse(String(f.get('hours') || ''));
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return;
    if (!hours) { this.error = this.t.badHours; this.focusOn('#error'); return; }
    const ex: Exception = hours.length ? { date, hours } : { date, closed: true };
    const list = [...this.desks[i].exceptions.filter((x) => x.date !== date), ex].sort((a, b) => a.date.localeCompare(b.date));
    this.edit(i, { exceptions: list }); this.error = '';
    form.reset();
  }
  private addDesk(e: Event) {
    e.preventDefault();
    const form = e.target as HTMLFormElement, f = new FormData(form);
    const id = String(f.get('id') || '').trim().toLowerCase(), name = String(f.get('name') || '').trim();
    if (!kId.test(id)) { this.error = this.t.badDeskId; this.focusOn('#error'); return; }
    if (this.desks.some((d) => d.id === id)) { this.error = this.t.deskExists(id); this.focusOn('#error'); return; }
    // A new desk starts with the first desk's hours and breaks and every
    // service of the office: the admin narrows them before saving.
    const first = this.desks[0];
    this.desks = [...this.desks, { id, name: name || id, services: [...this.doc.services], hours: { ...(first?.hours || week(undefined)) }, breaks: { ...(first?.breaks || week(undefined)) }, exceptions: [], fresh: true, open: true }];
    this.error = ''; this.status = this.t.deskAdded(name || id);
    form.reset();
    this.focusOn(`#d-${id} > summary`);
  }
  private removeDesk(i: number) {
    const gone = this.desks[i];
    this.desks = this.desks.filter((_, j) => j !== i);
    this.status = this.t.deskRemoved(gone.name);
    this.focusOn('#saved');
  }
  private copyTimes(i: number) {
    const src = this.desks[i];
    this.desks = this.desks.map((d) => ({ ...d, hours: { ...src.hours }, breaks: { ...src.breaks } }));
    this.status = this.t.timesCopied(src.name);
    this.focusOn('#saved');
  }
  // The model back into the office document; throws the field's label when a time is malformed.
  private collect(): any {
    const desks = this.desks.map((d) => {
      const opening: Record<string, Intervals> = {}, breaks: Record<string, Intervals> = {};
      for (const day of kDays) {
        const h = parse(d.hours[day] || ''), b = parse(d.breaks[day] || '');
        if (!h) throw new Error(`${d.name}, ${this.t.days[day]}: ${this.t.hours}`);
        if (!b) throw new Error(`${d.name}, ${this.t.days[day]}: ${this.t.breaks}`);
        if (h.length) opening[day] = h;
        if (b.length) breaks[day] = b;
      }
      return { id: d.id, name: d.name.trim() || d.id, services: d.services, opening, breaks, exceptions: d.exceptions };
    });
    return { ...this.doc, desks };
  }
  private async save(cancelConflicting: boolean) {
    const { rules, problems } = readRules(this.rules);
    this.fieldErrors = Object.fromEntries(Object.entries(problems).map(([k, p]) => [k, this.t.ruleProblem(p)]));
    if (Object.keys(problems).length) { this.conflict = null; this.showProblems(); return; }
    this.summary = [];
    let doc;
    try { doc = { ...this.collect(), rules }; } catch (e) { this.error = `${this.t.badHours} (${(e as Error).message})`; this.focusOn('#error'); return; }
    try {
      const r = await this.api.call('PUT', `/v1/admin/offices/${encodeURIComponent(this.doc.id)}${cancelConflicting ? '?cancel_conflicting=true' : ''}`, doc);
      this.setDoc(r.office); this.conflict = null; this.error = '';
      this.status = `${this.t.saved}${r.cancelled?.length ? ' ' + this.t.cancelledN(r.cancelled.length) : ''}`;
      this.focusOn('#saved');
    } catch (err) {
      if (err instanceof StaffError && err.status === 409 && Array.isArray(err.data.appointments)) { this.conflict = err.data.appointments; this.error = ''; this.status = ''; this.focusOn('#conflict'); }
      else if (err instanceof StaffError && err.status === 409) { this.conflict = null; this.error = this.t.changedMeanwhile; this.focusOn('#error'); }
      else if (err instanceof StaffError && err.status === 400 && Array.isArray(err.data.errors)) {
        // problem+json field errors: a rule's next to its field, the rest in the summary.
        const general: string[] = [];
        const fields: Record<string, string> = {};
        for (const x of err.data.errors) {
          const m = /^rules\.([a-z_]+)/.exec(String(x.field || ''));
          if (m && this.t.ruleLabels[m[1]]) fields[m[1]] = this.t.serverSays(x.message);
          else general.push(this.t.serverSays(`${x.field ? `${x.field}: ` : ''}${x.message}`));
        }
        this.fieldErrors = fields; this.conflict = null; this.status = '';
        this.showProblems(general);
      }
      else this.fail(err);
    }
  }
  private keepEditing() { this.conflict = null; this.status = this.t.notSaved; this.focusOn('#saved'); }

  render() {
    const t = this.t;
    return html`<div class="root">
      <div class="bar"><h2>${t.adminTitle}</h2><span>${langButton(this.lang, (l) => { this.lang = l; this.load(); })} ${this.key ? html`<button class="btn secondary" @click=${this.signOut}>${t.signOut}</button>` : ''}</span></div>
      <div role="alert">${this.error ? html`<p class="notice bad" id="error" tabindex="-1">${this.error}</p>` : ''}</div>
      ${this.summary.length ? html`<div class="error-summary" id="summary" tabindex="-1" role="alert" aria-labelledby="h-summary"><h3 id="h-summary">${t.errorSummary}</h3>
        <ul>${this.summary.map((x) => html`<li>${x.id ? html`<a href=${`#${x.id}`} @click=${(e: Event) => { e.preventDefault(); this.renderRoot.querySelector<HTMLElement>(`#${x.id}`)?.focus(); }}>${x.text}</a>` : x.text}</li>`)}</ul></div>` : ''}
      ${!this.key ? html`<p>${t.setupHint}</p><form @submit=${this.signIn}>
          <div class="field"><label for="key">${t.keyLabel}</label><input id="key" name="key" type="password" autocomplete="off" required></div>
          <button class="btn" type="submit">${t.signIn}</button></form>`
        : html`<form class="row" @submit=${this.open}>
            <div class="field"><label for="office">${t.officeLabel}</label><select id="office" name="office">${this.offices.map((o) => html`<option value=${o.id} ?selected=${o.id === this.doc?.id}>${o.name}</option>`)}</select></div>
            <div class="field"><button class="btn" type="submit">${t.load}</button></div></form>
          <div role="status">${this.status ? html`<p class="notice ok" id="saved" tabindex="-1">${this.status}</p>` : ''}</div>
          ${this.doc ? this.renderDoc() : ''}`}
    </div>`;
  }
  private renderConflict() {
    const t = this.t;
    return html`<div class="conflict" id="conflict" tabindex="-1" role="alert" aria-labelledby="h-conflict"><h3 id="h-conflict">${t.affected}</h3>
      <p>${t.affectedLead(this.conflict!.length)}</p>
      <ul class="affected">${this.conflict!.map((a) => html`<li><strong>${a.reference}</strong> <span>${this.when(a.start)}</span></li>`)}</ul>
      <p>${t.affectedAsk}</p>
      <button class="btn warning" @click=${() => this.save(true)}>${t.saveCancel}</button>
      <button class="btn secondary" @click=${this.keepEditing}>${t.keep}</button></div>`;
  }
  private renderDoc() {
    const t = this.t, d = this.doc;
    return html`
      ${this.conflict ? this.renderConflict() : ''}
      <section aria-labelledby="h-cl"><h3 id="h-cl">${t.closures}</h3><p class="hint">${t.closuresHint}</p>
        ${d.closures.length ? html`<ul class="exc">${d.closures.map((c: any) => html`<li><span><strong>${longDate(c.date, this.loc)}</strong>, ${c.hours?.length ? t.closedFrom(show(complement(c.hours)).replace(/-/g, '–')) : t.closedAllDay}${c.reason ? html` – ${c.reason}` : ''}</span>
          <button class="btn secondary" aria-label=${`${t.remove}: ${longDate(c.date, this.loc)}`} @click=${() => this.removeClosure(c.date)}>${t.remove}</button></li>`)}</ul>` : html`<p>${t.noClosures}</p>`}
        <form novalidate @submit=${this.addClosure}>
          <div class="row">${this.dateField('cl-date', t.closureDate)}
          <div class="field"><label for="cl-reason">${t.reason}</label><input id="cl-reason" name="reason" type="text" maxlength="200"></div></div>
          ${this.textField('cl-closed', 'closed', t.closedTimes, t.closedTimesHint)}
          <button class="btn secondary" type="submit">${t.addClosure}</button></form>
      </section>
      ${this.renderHolidays()}
      ${this.renderRules()}
      <section aria-labelledby="h-desks"><h3 id="h-desks">${t.desks} (${this.desks.length})</h3><p class="hint">${t.hoursHint}</p>
        ${repeat(this.desks, (k) => k.id, (k, i) => this.renderDesk(k, i))}
        <form @submit=${this.addDesk} aria-labelledby="h-add"><h4 id="h-add">${t.addDesk}</h4>
          <div class="row"><div class="field"><label for="nd-id">${t.newDeskId}</label><input id="nd-id" name="id" type="text" autocomplete="off" required maxlength="64"></div>
          <div class="field"><label for="nd-name">${t.newDeskName}</label><input id="nd-name" name="name" type="text" autocomplete="off" required maxlength="200"></div>
          <div class="field"><button class="btn secondary" type="submit">${t.addDesk}</button></div></div>
          <p class="hint">${t.addDeskHint}</p></form>
      </section>
      <div class="savebar"><button class="btn" @click=${() => this.save(false)}>${t.save}</button>
        <button class="btn secondary" @click=${this.discard}>${t.discard}</button></div>`;
  }
  // A date input with its message; the browser shows it in its own locale's order (dd.mm.yyyy in German).
  private dateField(id: string, label: string) {
    const err = this.fieldErrors[id];
    return html`<div class="field ${err ? 'has-error' : ''}"><label for=${id}>${label}</label>
      ${err ? html`<p class="field-error" id=${`${id}-err`}>${err}</p>` : ''}
      <input id=${id} name="date" type="date" min="2000-01-01" max="2099-12-31" aria-invalid=${err ? 'true' : 'false'} aria-describedby=${err ? `${id}-err` : ''}></div>`;
  }
  private textField(id: string, name: string, label: string, hint: string) {
    const err = this.fieldErrors[id];
    return html`<div class="field ${err ? 'has-error' : ''}"><label for=${id}>${label}</label><p class="hint" id=${`${id}-hint`}>${hint}</p>
      ${err ? html`<p class="field-error" id=${`${id}-err`}>${err}</p>` : ''}
      <input id=${id} name=${name} type="text" autocomplete="off" spellcheck="false" aria-invalid=${err ? 'true' : 'false'} aria-describedby=${`${id}-hint${err ? ` ${id}-err` : ''}`}></div>`;
  }
  private renderHolidays() {
    const t = this.t, d = this.doc, list: Holiday[] = d.holidays || [], nameErr = this.fieldErrors['hol-name'];
    return html`<section aria-labelledby="h-hol"><h3 id="h-hol">${t.holidays}</h3>
      <div class="field"><label for="region">${t.region}</label><p class="hint" id="region-hint">${t.regionHint}</p>
        <select id="region" aria-describedby="region-hint" @change=${(e: Event) => { this.doc = { ...this.doc, holiday_region: (e.target as HTMLSelectElement).value }; this.status = ''; }}>
          <option value="" ?selected=${!d.holiday_region}>${t.regionNone}</option>
          ${kRegions.map((r) => html`<option value=${r} ?selected=${d.holiday_region === r}>${t.regions[r]}</option>`)}</select></div>
      <h4 id="h-own">${t.ownHolidays}</h4><p class="hint">${t.ownHolidaysHint}</p>
      ${list.length ? html`<ul class="exc" aria-labelledby="h-own">${list.map((h) => html`<li><span><strong>${h.name}</strong> – ${this.holidayText(h)}</span>
        <button class="btn secondary" aria-label=${`${t.remove}: ${h.name}`} @click=${() => this.removeHoliday(h)}>${t.remove}</button></li>`)}</ul>` : html`<p>${t.noHolidays}</p>`}
      <form novalidate @submit=${this.addHoliday} aria-labelledby="h-own">
        <div class="row"><div class="field ${nameErr ? 'has-error' : ''}"><label for="hol-name">${t.holidayName}</label>${nameErr ? html`<p class="field-error" id="hol-name-err">${nameErr}</p>` : ''}
          <input id="hol-name" name="name" type="text" maxlength="200" autocomplete="off" aria-invalid=${nameErr ? 'true' : 'false'} aria-describedby=${nameErr ? 'hol-name-err' : ''}></div>
        ${this.dateField('hol-date', t.holidayDate)}</div>
        <fieldset><legend>${t.holidayKind}</legend><div class="radios">
          <label><input type="radio" name="kind" value="once" checked>${t.holidayOnce}</label>
          <label><input type="radio" name="kind" value="yearly">${t.holidayYearly}</label></div></fieldset>
        <button class="btn secondary" type="submit">${t.addHoliday}</button></form>
    </section>`;
  }
  private renderRules() {
    const t = this.t;
    return html`<section class="rules" aria-labelledby="h-rules"><h3 id="h-rules">${t.rules}</h3><p class="hint">${t.rulesHint}</p>
      ${kRuleGroups.map((g) => html`<fieldset><legend>${t.ruleGroups[g.id]}</legend>${g.fields.map((f) => this.renderRule(f))}</fieldset>`)}
    </section>`;
  }
  private renderRule(f: RuleField) {
    const [label, unit, help] = this.t.ruleLabels[f.key], id = `r-${f.key}`, err = this.fieldErrors[f.key];
    return html`<div class="field rule ${err ? 'has-error' : ''}"><label for=${id}>${label}</label>
      <p class="hint" id=${`${id}-hint`}>${help}</p>
      ${err ? html`<p class="field-error" id=${`${id}-err`}>${err}</p>` : ''}
      <div class="with-unit"><input id=${id} type="text" class=${f.kind === 'list' ? 'wide' : 'short'} inputmode=${f.kind === 'int' && f.min >= 0 ? 'numeric' : 'text'} autocomplete="off" spellcheck="false"
        .value=${this.rules[f.key] ?? ''} aria-invalid=${err ? 'true' : 'false'} aria-describedby=${`${id}-unit ${id}-hint${err ? ` ${id}-err` : ''}`}
        @input=${(e: Event) => this.setRule(f.key, (e.target as HTMLInputElement).value)}><span class="unit" id=${`${id}-unit`}>${unit}</span></div></div>`;
  }
  private renderDesk(k: DeskEdit, i: number) {
    const t = this.t, names = new Map(this.services.map((s) => [s.id, s.name]));
    const days = kDays.filter((day) => k.hours[day]).map((day) => t.days[day].slice(0, 2)).join(', ') || t.neverOpen;
    const p = `${i}`;
    return html`<details class="desk" id=${`d-${k.id}`} ?open=${k.open} @toggle=${(e: Event) => { k.open = (e.target as HTMLDetailsElement).open; }}>
      <summary>${k.name} <span class="sr-only">(${k.id})</span>${k.fresh ? html` – ${t.newDesk}` : ''}<span class="sum">${k.id} · ${days} · ${t.servicesN(k.services.length)}${k.exceptions.length ? ` · ${t.exceptionsN(k.exceptions.length)}` : ''}</span></summary>
      <div class="desk-body">
        <div class="field"><label for=${`n-${p}`}>${t.deskName}</label><input id=${`n-${p}`} type="text" maxlength="200" .value=${k.name} @input=${(e: Event) => this.edit(i, { name: (e.target as HTMLInputElement).value })}></div>
        <fieldset><legend>${t.week}<span class="sr-only">: ${k.name}</span></legend>
          <div class="week-head" aria-hidden="true"><span>${t.day}</span><span>${t.hours}</span><span>${t.breaks}</span></div>
          ${kDays.map((day) => html`<div class="dayrow"><span class="dayname">${t.days[day]}</span>
            <div class="field"><label for=${`h-${p}-${day}`}><span class="lday">${t.days[day]}: </span>${t.hours}</label><input id=${`h-${p}-${day}`} type="text" autocomplete="off" .value=${k.hours[day]} @input=${(e: Event) => this.edit(i, { hours: { ...k.hours, [day]: (e.target as HTMLInputElement).value } })}></div>
            <div class="field"><label for=${`b-${p}-${day}`}><span class="lday">${t.days[day]}: </span>${t.breaks}</label><input id=${`b-${p}-${day}`} type="text" autocomplete="off" .value=${k.breaks[day]} @input=${(e: Event) => this.edit(i, { breaks: { ...k.breaks, [day]: (e.target as HTMLInputElement).value } })}></div></div>`)}
          ${this.desks.length > 1 ? html`<button class="btn secondary" aria-label=${`${t.copyTimes} (${k.name})`} @click=${() => this.copyTimes(i)}>${t.copyTimes}</button>` : ''}
        </fieldset>
        <fieldset><legend>${t.services}<span class="sr-only">: ${k.name}</span></legend><div class="checks">
          ${this.doc.services.map((s: string) => html`<label><input type="checkbox" .checked=${k.services.includes(s)} @change=${(e: Event) => this.edit(i, { services: (e.target as HTMLInputElement).checked ? [...k.services, s].sort() : k.services.filter((x) => x !== s) })}>${names.get(s) || s}</label>`)}</div></fieldset>
        <fieldset><legend>${t.exceptions}<span class="sr-only">: ${k.name}</span></legend>
          ${k.exceptions.length ? html`<ul class="exc">${k.exceptions.map((x) => html`<li><span><strong>${longDate(x.date, this.loc)}</strong>: ${x.closed ? t.closedDay : `${show(x.hours)}`}</span>
            <button class="btn secondary" aria-label=${`${t.remove}: ${k.name}, ${longDate(x.date, this.loc)}`} @click=${() => this.edit(i, { exceptions: k.exceptions.filter((y) => y.date !== x.date) })}>${t.remove}</button></li>`)}</ul>` : html`<p class="hint">${t.noExceptions}</p>`}
          <form class="row" @submit=${(e: Event) => this.addException(e, i)}>
            <div class="field"><label for=${`x-${p}-date`}>${t.exceptionDate}</label><input id=${`x-${p}-date`} name="date" type="date" required></div>
            <div class="field"><label for=${`x-${p}-hours`}>${t.exceptionHours}</label><input id=${`x-${p}-hours`} name="hours" type="text" autocomplete="off"></div>
            <div class="field"><button class="btn secondary" type="submit" aria-label=${`${t.addException} (${k.name})`}>${t.addException}</button></div></form>
        </fieldset>
        <button class="btn warning" aria-label=${`${t.removeDesk}: ${k.name}`} @click=${() => this.removeDesk(i)}>${t.removeDesk}</button>
      </div></details>`;
  }
}
customElements.define('termin-admin', TerminAdmin);
