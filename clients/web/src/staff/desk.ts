// <termin-desk>: one desk's console. The queue as this desk sees it, the
// visitor at the desk and one key per step (shown on screen; not while typing
// in a field). Polls the queue every 5 s with one timer. The call itself is
// one atomic step in the API: two consoles never get the same visitor.
import { LitElement, html, css } from 'lit';
import { StaffApi, StaffError, startLang, type Office, type Service } from './api.js';
import { staffMessages } from './i18n.js';
import { langButton } from './lang-switch.js';
import { staffBase } from './styles.js';
import { time } from '../format.js';

const kStore = 'termin.desk';
const kPollMs = 5000;
interface Step { key: string; path: string; label: () => string; when: (s: string | undefined) => boolean; kind?: string }

export class TerminDesk extends LitElement {
  static properties = { lang: { state: true }, q: { state: true }, error: { state: true }, status: { state: true }, offices: { state: true } };
  static styles = [staffBase, css`
    .current { border: 4px solid #0b0c0c; padding: 16px; margin: 0 0 16px; }
    .current .number { font-size: 64px; font-weight: 800; line-height: 1; margin: 0 0 8px; }
    .actions { display: flex; flex-wrap: wrap; gap: 0; margin: 8px 0; }
    .actions kbd { margin-left: 6px; }
    td.ticket { font-weight: 700; }
    tr.other td { color: #484949; }
    @media (max-width: 480px) { .current .number { font-size: 44px; } .hide-narrow { display: none; } }
  `];
  lang: 'de' | 'en' = startLang();
  q: any = null;
  error = '';
  status = '';
  offices: Office[] = [];
  private names = new Map<string, string>();
  private cfg: { key: string; desk: string } | null = null;
  private timer = 0;
  private busy = false;
  private onKey = (e: KeyboardEvent) => this.key(e);
  private steps: Step[] = [
    { key: 'n', path: 'call-next', label: () => this.t.callNext, when: (s) => !s },
    { key: 'w', path: 'recall', label: () => this.t.recall, when: (s) => s === 'called', kind: 'secondary' },
    { key: 's', path: 'start', label: () => this.t.start, when: (s) => s === 'called' },
    { key: 'f', path: 'done', label: () => this.t.finish, when: (s) => s === 'serving' },
    { key: 'x', path: 'no-show', label: () => this.t.noShow, when: (s) => s === 'called', kind: 'warning' },
    { key: 'z', path: 'requeue', label: () => this.t.requeue, when: (s) => s === 'called' || s === 'serving', kind: 'secondary' },
  ];

  connectedCallback() {
    super.connectedCallback();
    try { this.cfg = JSON.parse(sessionStorage.getItem(kStore) || 'null'); } catch { this.cfg = null; }
    addEventListener('keydown', this.onKey);
    this.loadNames();
    if (this.cfg) this.poll();
  }
  disconnectedCallback() { super.disconnectedCallback(); removeEventListener('keydown', this.onKey); clearTimeout(this.timer); }
  private get t() { return staffMessages(this.lang); }
  private get api() { return new StaffApi(this.cfg?.key || '', this.lang); }
  private async loadNames() {
    try { const s: Service[] = await this.api.services(); this.names = new Map(s.map((x) => [x.id, x.name])); this.requestUpdate(); } catch { /* ids stay */ }
  }
  private svc(ids: string[]) { return ids.map((i) => this.names.get(i) || i).join(', '); }
  private async poll() {
    clearTimeout(this.timer);
    try { this.q = await this.api.call('GET', `/v1/desk/${encodeURIComponent(this.cfg!.desk)}/queue`); this.error = ''; }
    catch (e) { this.error = e instanceof StaffError && (e.status === 401 || e.status === 403 || e.status === 404) ? this.t.badKey : this.t.network; }
    this.timer = window.setTimeout(() => this.poll(), kPollMs);
  }
  private async signIn(e: Event) {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    this.cfg = { key: String(f.get('key') || '').trim(), desk: String(f.get('desk') || '').trim() };
    await this.poll();
    if (this.error) { this.cfg = null; clearTimeout(this.timer); return; }
    sessionStorage.setItem(kStore, JSON.stringify(this.cfg));
    this.loadNames();
  }
  private signOut() { sessionStorage.removeItem(kStore); this.cfg = null; this.q = null; clearTimeout(this.timer); }
  private async step(path: string, body?: unknown) {
    if (this.busy) return;
    this.busy = true;
    try {
      const r: any = await this.api.call('POST', `/v1/desk/${encodeURIComponent(this.cfg!.desk)}/${path}`, body);
      this.status = path === 'call-next' || path === 'recall' ? this.t.called(r.ticket) : `${r?.ticket ?? ''} ${this.t.stepDone}`;
      this.error = '';
    } catch (e) {
      this.error = e instanceof StaffError ? (e.type === 'queue-empty' ? this.t.queueEmpty : e.detail || e.type) : this.t.network;
    } finally { this.busy = false; }
    await this.poll();
  }
  private key(e: KeyboardEvent) {
    if (!this.cfg || !this.q || e.ctrlKey || e.metaKey || e.altKey) return;
    const target = e.composedPath()[0] as HTMLElement;
    if (target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) return;
    const state = this.q.desk.current?.state;
    if (!this.q.desk.open && e.key.toLowerCase() === 'o') { e.preventDefault(); this.step('open'); return; }
    const s = this.steps.find((x) => x.key === e.key.toLowerCase());
    if (s && this.q.desk.open && s.when(state)) { e.preventDefault(); this.step(s.path); }
    if (e.key.toLowerCase() === 't' && (state === 'called' || state === 'serving')) { e.preventDefault(); this.renderRoot.querySelector<HTMLInputElement>('#to')?.focus(); }
  }
  private transfer(e: Event) {
    e.preventDefault();
    const to = String(new FormData(e.target as HTMLFormElement).get('to') || '').trim();
    if (to) this.step('transfer', { to });
  }

  render() {
    const t = this.t;
    return html`<div class="root">
      <div class="bar"><h2>${t.deskTitle}${this.q ? html` – ${this.q.desk.name}` : ''}</h2>
        <span>${langButton(this.lang, (l) => { this.lang = l; this.loadNames(); })} ${this.cfg ? html`<button class="btn secondary" @click=${this.signOut}>${t.signOut}</button>` : ''}</span></div>
      <div role="alert">${this.error ? html`<p class="notice bad">${this.error}</p>` : ''}</div>
      <div role="status" class="sr-status">${this.status ? html`<p class="notice ok">${this.status}</p>` : ''}</div>
      ${!this.cfg ? this.renderSignIn() : this.q ? this.renderDesk() : ''}
    </div>`;
  }
  private renderSignIn() {
    const t = this.t;
    return html`<p>${t.setupHint}</p><form @submit=${this.signIn}>
      <div class="field"><label for="key">${t.keyLabel}</label><input id="key" name="key" type="password" autocomplete="off" required></div>
      <div class="field"><label for="desk">${t.deskLabel}</label><input id="desk" name="desk" type="text" autocomplete="off" required></div>
      <button class="btn" type="submit">${t.signIn}</button></form>`;
  }
  private renderDesk() {
    const t = this.t, q = this.q, cur = q.desk.current, state = cur?.state;
    return html`
      ${!q.desk.open ? html`<p class="notice">${t.closed}</p><button class="btn" @click=${() => this.step('open')}>${t.open} <kbd>O</kbd></button>` : html`
      <section class="current" aria-labelledby="h-cur"><h3 id="h-cur">${t.current}</h3>
        ${cur ? html`<p class="number">${cur.ticket}</p>
          <p>${t.state[cur.state] || cur.state} · ${cur.kind === 'appointment' ? t.appointment : t.walkIn}${cur.reference ? html` · ${t.reference} ${cur.reference}` : ''} · ${t.calls}: ${cur.calls}</p>
          <p><strong>${t.services}:</strong> ${this.svc(cur.services)}</p>` : html`<p>${t.nobody}</p>`}
        <div class="actions">${this.steps.filter((s) => s.when(state)).map((s) => html`<button class="btn ${s.kind || ''}" @click=${() => this.step(s.path)}>${s.label()} <kbd>${s.key.toUpperCase()}</kbd></button>`)}</div>
        ${state === 'called' || state === 'serving' ? html`<form class="row" @submit=${this.transfer}>
          <div class="field"><label for="to">${t.transferTo} <kbd>T</kbd></label><input id="to" name="to" type="text" autocomplete="off"></div>
          <div class="field"><button class="btn secondary" type="submit">${t.transfer}</button></div></form>` : ''}
      </section>`}
      <section aria-labelledby="h-q"><h3 id="h-q">${t.queue} (${q.waiting.length})</h3>
        <p>${t.expected(q.expected_appointments)}</p>
        ${q.waiting.length ? html`<table><thead><tr><th scope="col">${t.ticket}</th><th scope="col" class="hide-narrow">${t.kind}</th><th scope="col">${t.services}</th><th scope="col" class="hide-narrow">${t.due}</th><th scope="col">${t.wait}</th><th scope="col" class="hide-narrow">${t.forThisDesk}</th></tr></thead>
          <tbody>${q.waiting.map((w: any) => html`<tr class=${w.this_desk ? '' : 'other'}><td class="ticket">${w.ticket}</td><td class="hide-narrow">${w.kind === 'appointment' ? t.appointment : t.walkIn}</td><td>${this.svc(w.services)}</td><td class="hide-narrow">${time(w.due, this.lang)}</td><td>${t.minutes(w.expected_wait_minutes)}</td><td class="hide-narrow">${w.this_desk ? t.yes : t.no}</td></tr>`)}</tbody></table>` : html`<p>${t.queueEmpty}</p>`}
      </section>
      <p class="hint">${t.notesMissing}</p>
      <section class="shortcuts" aria-labelledby="h-keys"><h3 id="h-keys" style="margin-top:0;font-size:18px">${t.shortcuts}</h3><ul>
        <li><kbd>O</kbd> ${t.open}</li>${this.steps.map((s) => html`<li><kbd>${s.key.toUpperCase()}</kbd> ${s.label()}</li>`)}<li><kbd>T</kbd> ${t.transfer}</li></ul></section>`;
  }
}
customElements.define('termin-desk', TerminDesk);
