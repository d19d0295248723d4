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
    td.ticket, .ticket { font-weight: 700; }
    .ref { font-family: "DejaVu Sans Mono", monospace; white-space: nowrap; }
    tr.other td, li.other { color: #484949; }
    ul.notes { margin: 4px 0 12px; padding-left: 24px; }
    .note-text { font-weight: 600; }
    .visit-notes { background: #fff7bf; border-left: 6px solid #0b0c0c; padding: 8px 12px; margin: 0 0 12px; }
    .visit-notes p.hint { margin: 0; }
    ul.cards { list-style: none; padding: 0; margin: 0 0 16px; }
    ul.cards li { border: 1px solid #b1b4b6; border-left: 6px solid #1d70b8; padding: 8px 12px; margin: 0 0 8px; }
    ul.cards li.other { border-left-color: #b1b4b6; }
    ul.cards p { margin: 0 0 4px; }
    .card-head { display: flex; flex-wrap: wrap; gap: 0 12px; align-items: baseline; }
    .card-head .ticket { font-size: 22px; }
    .shortcuts h3 { margin-top: 0; font-size: 18px; }
    .narrow { display: none; }
    @media (max-width: 640px) { .wide { display: none; } .narrow { display: block; } }
    @media (max-width: 480px) { .current { padding: 12px; } .current .number { font-size: 44px; } .actions .btn { width: 100%; margin-right: 0; } }
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
    if (e.key.toLowerCase() === 't' && (state === 'called' || state === 'serving')) { e.preventDefault(); this.renderRoot.querySelector<HTMLElement>('#to')?.focus(); }
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
  private notes(list: any[] | undefined) {
    const t = this.t;
    if (!list?.length) return html`<p class="hint">${t.noNotes}</p>`;
    return html`<ul class="notes">${list.map((n: any) => html`<li><span class="note-text">${n.text}</span> <span class="hint">(${n.author}, ${time(n.at, this.lang)})</span></li>`)}</ul>`;
  }
  // Who waits: a table on wide screens, a list of cards on narrow ones
  // (both in the DOM, one hidden: a squeezed table breaks words mid-word).
  private renderWaiting() {
    const t = this.t, q = this.q;
    if (!q.waiting.length) return html`<p>${t.queueEmpty}</p>`;
    const kind = (w: any) => (w.kind === 'appointment' ? t.appointment : t.walkIn);
    return html`<table class="wide"><thead><tr><th scope="col">${t.ticket}</th><th scope="col">${t.kind}</th><th scope="col">${t.services}</th><th scope="col">${t.due}</th><th scope="col">${t.wait}</th><th scope="col">${t.forThisDesk}</th></tr></thead>
      <tbody>${q.waiting.map((w: any) => html`<tr class=${w.this_desk ? '' : 'other'}><td class="ticket">${w.ticket}</td><td>${kind(w)}</td><td>${this.svc(w.services)}</td><td>${time(w.due, this.lang)}</td><td>${t.minutes(w.expected_wait_minutes)}</td><td>${w.this_desk ? t.yes : t.no}</td></tr>`)}</tbody></table>
      <ul class="cards narrow">${q.waiting.map((w: any) => html`<li class=${w.this_desk ? '' : 'other'}><p class="card-head"><span class="ticket">${w.ticket}</span> <span>${kind(w)} · ${time(w.due, this.lang)}</span></p>
        <p>${this.svc(w.services)}</p><p class="hint">${t.wait}: ${t.minutes(w.expected_wait_minutes)} · ${w.this_desk ? t.thisDeskYes : t.thisDeskNo}</p></li>`)}</ul>`;
  }
  private renderAhead() {
    const t = this.t, list: any[] = this.q.appointments || [];
    if (!list.length) return html`<p>${t.noneAhead}</p>`;
    const arrived = (a: any) => (a.checked_in ? t.arrivedAs(a.ticket || '') : t.notArrived);
    return html`<table class="wide"><thead><tr><th scope="col">${t.timeCol}</th><th scope="col">${t.services}</th><th scope="col">${t.reference}</th><th scope="col">${t.checkedInCol}</th><th scope="col">${t.notes}</th></tr></thead>
      <tbody>${list.map((a: any) => html`<tr class=${a.this_desk ? '' : 'other'}><td class="ticket">${time(a.start, this.lang)}</td><td>${this.svc(a.services)}${a.this_desk ? '' : html`<br><span class="hint">${t.thisDeskNo}</span>`}</td><td class="ref">${a.reference}</td><td>${arrived(a)}</td><td>${a.notes.map((n: any) => html`<div>${n.text}</div>`)}</td></tr>`)}</tbody></table>
      <ul class="cards narrow">${list.map((a: any) => html`<li class=${a.this_desk ? '' : 'other'}><p class="card-head"><span class="ticket">${time(a.start, this.lang)}</span> <span class="ref">${a.reference}</span></p>
        <p>${this.svc(a.services)}</p><p class="hint">${t.checkedInCol}: ${arrived(a)}${a.this_desk ? '' : ` · ${t.thisDeskNo}`}</p>${a.notes.length ? html`<p>${t.notes}: ${a.notes.map((n: any) => n.text).join(' · ')}</p>` : ''}</li>`)}</ul>`;
  }
  private renderDesk() {
    const t = this.t, q = this.q, cur = q.desk.current, state = cur?.state;
    return html`
      ${!q.desk.open ? html`<p class="notice">${t.closed}</p><button class="btn" @click=${() => this.step('open')}>${t.open} <kbd>O</kbd></button>` : html`
      <section class="current" aria-labelledby="h-cur"><h3 id="h-cur">${t.current}</h3>
        ${cur ? html`<p class="number">${cur.ticket}</p>
          <p>${t.state[cur.state] || cur.state} · ${cur.kind === 'appointment' ? t.appointment : t.walkIn}${cur.reference ? html` · ${t.reference} <span class="ref">${cur.reference}</span>` : ''} · ${t.calls}: ${cur.calls}</p>
          <p class="visit-services"><strong>${t.services}:</strong> ${this.svc(cur.services)}</p>
          ${cur.kind === 'appointment' ? html`<div class="visit-notes"><strong>${t.notes}:</strong> ${this.notes(cur.notes)}</div>` : ''}` : html`<p>${t.nobody}</p>`}
        <div class="actions">${this.steps.filter((s) => s.when(state)).map((s) => html`<button class="btn ${s.kind || ''}" @click=${() => this.step(s.path)}>${s.label()} <kbd>${s.key.toUpperCase()}</kbd></button>`)}</div>
        ${state === 'called' || state === 'serving' ? html`<form class="row" @submit=${this.transfer}>
          <div class="field"><label for="to">${t.transferTo} <kbd>T</kbd></label>${q.desks?.length
            ? html`<select id="to" name="to" @keydown=${(e: KeyboardEvent) => { if (e.key === 'Enter') { e.preventDefault(); (e.target as HTMLSelectElement).form?.requestSubmit(); } }}>
                ${q.desks.map((d: any) => html`<option value=${d.id}>${d.name} (${d.open ? t.deskOpen : t.deskClosed})</option>`)}</select>`
            : html`<input id="to" name="to" type="text" autocomplete="off">`}</div>
          <div class="field"><button class="btn secondary" type="submit">${t.transfer}</button></div></form>` : ''}
      </section>`}
      <section aria-labelledby="h-q"><h3 id="h-q">${t.queue} (${q.waiting.length})</h3>${this.renderWaiting()}</section>
      <section aria-labelledby="h-ahead"><h3 id="h-ahead">${t.ahead} (${(q.appointments || []).length})</h3>
        ${q.expected_appointments ? html`<p class="hint">${t.expected(q.expected_appointments)}</p>` : ''}${this.renderAhead()}</section>
      <section class="shortcuts" aria-labelledby="h-keys"><h3 id="h-keys">${t.shortcuts}</h3><ul>
        <li><kbd>O</kbd> ${t.open}</li>${this.steps.map((s) => html`<li><kbd>${s.key.toUpperCase()}</kbd> ${s.label()}</li>`)}<li><kbd>T</kbd> ${t.transfer}</li></ul></section>`;
  }
}
customElements.define('termin-desk', TerminDesk);
