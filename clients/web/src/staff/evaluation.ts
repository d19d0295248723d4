// <termin-evaluation>: the office manager's evaluation page. One office, a
// month (by day) or a year (by month): desk time planned, booked and served,
// bookings by channel, lead time, waits in the office, no-shows by weekday,
// measured against planned durations, unmet demand, the waitlist's wishes
// and how they ended, and reminders. Each
// chart is an SVG drawn here (bar-chart.ts) with its data table beside it,
// every figure downloadable as CSV for Excel, and a print stylesheet that
// turns the page into a report a council paper can take (controls hidden,
// no chart split across pages). The figures are the API's
// (/v1/admin/offices/{id}/evaluation/{figure}), anonymous by construction.
import { LitElement, html, css } from 'lit';
import { StaffApi, StaffError, startLang, type Office } from './api.js';
import { evalMessages } from './evaluation-i18n.js';
import { langButton } from './lang-switch.js';
import { staffBase } from './styles.js';
import { barChart, kPalette } from './bar-chart.js';

const kStore = 'termin.admin';  // the admin screen's key: one sign-in for both
type Table = { columns: string[]; rows: (string | number | null)[][] };
type Figures = Record<string, Table>;
const kFigures = ['capacity', 'bookings', 'lead_time', 'next_free', 'queue', 'no_shows', 'durations', 'demand', 'waitlist', 'reminders'];

function thisMonth(): string {
  const d = new Date();
  d.setUTCDate(1);
  return d.toISOString().slice(0, 7);
}
function daysIn(month: string): number {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}
// Rows of a table as objects by column name.
function objects(t: Table | undefined): Record<string, any>[] {
  if (!t) return [];
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, r[i]])));
}

export class TerminEvaluation extends LitElement {
  static properties = { lang: { state: true }, key: { state: true }, offices: { state: true }, office: { state: true }, view: { state: true }, month: { state: true }, year: { state: true }, figures: { state: true }, error: { state: true }, busy: { state: true } };
  static styles = [staffBase, css`
    .controls { border-bottom: 1px solid #b1b4b6; margin-bottom: 16px; }
    fieldset.view { border: 0; padding: 0; margin: 0 0 16px; }
    fieldset.view legend { font-weight: 600; margin-bottom: 4px; }
    .radios { display: flex; gap: 16px; }
    .radios label { display: flex; gap: 8px; align-items: center; font-weight: 400; min-height: 44px; }
    .radios input { width: 24px; height: 24px; accent-color: #0b0c0c; }
    section.fig { margin: 0 0 32px; padding: 0; border-top: 4px solid #1d70b8; break-inside: avoid; page-break-inside: avoid; }
    section.fig h3 { margin-top: 8px; }
    svg { width: 100%; height: auto; max-width: 880px; display: block; }
    .legend { display: flex; flex-wrap: wrap; gap: 4px 20px; list-style: none; padding: 0; margin: 4px 0 12px; font-size: 16px; }
    .legend li { display: flex; align-items: center; gap: 6px; }
    svg.swatch { width: 16px; height: 16px; flex: none; }
    /* Wide tables and charts scroll inside their own region at 320 px (the
       page itself never scrolls sideways); the region takes the keyboard. */
    .scroll, .chart { overflow-x: auto; max-width: 100%; }
    .scroll:focus-visible, .chart:focus-visible { outline: 3px solid #ffdd00; box-shadow: 0 0 0 6px #0b0c0c; }
    .scroll th, .scroll td { overflow-wrap: normal; hyphens: manual; white-space: normal; }
    table { font-size: 16px; }
    td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
    caption { text-align: left; font-weight: 600; padding: 4px 0; }
    .report-head p { max-width: 60em; }
    @media (max-width: 480px) {
      .scroll table { table-layout: auto; width: auto; min-width: 100%; }
      .scroll th, .scroll td { overflow-wrap: normal; hyphens: manual; }
      .chart svg { min-width: 560px; }
    }
    @media print {
      .controls, .bar button, .csv, .noprint { display: none !important; }
      .root { font-size: 11pt; }
      h2 { font-size: 16pt; } h3 { font-size: 13pt; }
      table { font-size: 9pt; } th, td { padding: 2px 4px; }
      .scroll, .chart { overflow: visible; }
      .chart svg { min-width: 0; }
      section.fig { break-inside: avoid; border-top-width: 2px; }
      svg { max-width: 100%; }
    }
  `];
  lang: 'de' | 'en' = startLang();
  key = sessionStorage.getItem(kStore) || '';
  offices: Office[] = [];
  serviceNames = new Map<string, string>();
  office = '';
  view: 'month' | 'year' = 'month';
  month = thisMonth();
  year = thisMonth().slice(0, 4);
  figures: Figures | null = null;
  error = '';
  busy = false;

  connectedCallback() {
    super.connectedCallback();
    const q = new URLSearchParams(location.search);
    if (q.get('office')) this.office = q.get('office')!;
    if (/^\d{4}-\d{2}$/.test(q.get('month') || '')) { this.month = q.get('month')!; this.view = 'month'; }
    if (/^\d{4}$/.test(q.get('year') || '')) { this.year = q.get('year')!; this.view = 'year'; }
    this.loadOffices();
  }
  private get t() { return evalMessages(this.lang); }
  private get api() { return new StaffApi(this.key, this.lang); }
  private nf(digits = 0) { return new Intl.NumberFormat(this.lang === 'en' ? 'en-GB' : 'de-DE', { maximumFractionDigits: digits }); }
  private num(v: any, digits = 0) { return v == null ? '–' : this.nf(digits).format(Number(v)); }
  private pct(v: any) { return v == null ? '–' : new Intl.NumberFormat(this.lang === 'en' ? 'en-GB' : 'de-DE', { style: 'percent', maximumFractionDigits: 1 }).format(Number(v)); }
  private async loadOffices() {
    try {
      const [offices, services] = await Promise.all([this.api.offices(), this.api.services()]);
      this.offices = offices;
      this.serviceNames = new Map(services.map((x) => [x.id, x.name]));
      if (!this.office && this.offices.length) this.office = this.offices[0].id;
      if (this.key && this.office) this.load();
    } catch { this.error = this.t.network; }
  }
  private range(): { from: string; to: string; period: string } {
    if (this.view === 'year') return { from: `${this.year}-01-01`, to: `${this.year}-12-31`, period: 'month' };
    return { from: `${this.month}-01`, to: `${this.month}-${String(daysIn(this.month)).padStart(2, '0')}`, period: 'day' };
  }
  private path(figure: string, csv = false) {
    const r = this.range();
    return `/v1/admin/offices/${encodeURIComponent(this.office)}/evaluation/${figure}?from=${r.from}&to=${r.to}&period=${r.period}${csv ? '&format=csv' : ''}`;
  }
  private async load() {
    this.busy = true;
    try {
      const all = await Promise.all(kFigures.map((f) => this.api.call<Table>('GET', this.path(f))));
      this.figures = Object.fromEntries(kFigures.map((f, i) => [f, all[i]]));
      this.error = '';
    } catch (e) {
      this.figures = null;
      this.error = e instanceof StaffError && (e.status === 401 || e.status === 403) ? this.t.badKey : e instanceof StaffError ? e.detail || e.type : this.t.network;
    }
    this.busy = false;
  }
  private async signIn(e: Event) {
    e.preventDefault();
    const key = String(new FormData(e.target as HTMLFormElement).get('key') || '').trim();
    try { await new StaffApi(key, this.lang).call('GET', '/v1/admin/services'); } catch { this.error = this.t.badKey; return; }
    this.key = key; sessionStorage.setItem(kStore, key); this.error = '';
    this.load();
  }
  private signOut() { sessionStorage.removeItem(kStore); this.key = ''; this.figures = null; }
  private show(e: Event) {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    this.office = String(f.get('office') || this.office);
    this.view = f.get('view') === 'year' ? 'year' : 'month';
    const m = String(f.get('month') || ''), y = String(f.get('year') || '');
    if (/^\d{4}-\d{2}$/.test(m)) this.month = m;
    if (/^\d{4}$/.test(y)) this.year = y;
    const q = new URLSearchParams(location.search);
    q.set('office', this.office); q.delete('month'); q.delete('year');
    q.set(this.view, this.view === 'year' ? this.year : this.month);
    history.replaceState(null, '', `${location.pathname}?${q}`);
    this.load();
  }
  private async csv(figure: string, title: string) {
    // The key goes in a header, so the download is fetched here and handed
    // to the browser as a file (a plain link could not carry it).
    try {
      const res = await fetch(this.path(figure, true), { headers: { Authorization: `Bearer ${this.key}` } });
      if (!res.ok) throw new Error(String(res.status));
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = `${this.office}-${figure}-${this.view === 'year' ? this.year : this.month}.csv`;
      document.body.append(a); a.click(); a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch { this.error = `${this.t.network} (${title})`; }
  }

  // The periods the charts run over: every day of the month, every month of the year.
  // A service key ("a+b", sorted ids) as the services' names.
  private svc(key: string) { return String(key).split('+').map((id) => this.serviceNames.get(id) || id).join(' + '); }
  private periods(): { key: string; label: string }[] {
    if (this.view === 'year') {
      const fmt = new Intl.DateTimeFormat(this.lang === 'en' ? 'en-GB' : 'de-DE', { month: 'short', timeZone: 'UTC' });
      return Array.from({ length: 12 }, (_, i) => { const key = `${this.year}-${String(i + 1).padStart(2, '0')}`; return { key, label: fmt.format(new Date(`${key}-15T12:00:00Z`)) }; });
    }
    return Array.from({ length: daysIn(this.month) }, (_, i) => ({ key: `${this.month}-${String(i + 1).padStart(2, '0')}`, label: String(i + 1) }));
  }
  private periodName(): string {
    if (this.view === 'year') return this.year;
    return new Intl.DateTimeFormat(this.lang === 'en' ? 'en-GB' : 'de-DE', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${this.month}-15T12:00:00Z`));
  }

  render() {
    const t = this.t;
    const officeName = this.offices.find((o) => o.id === this.office)?.name || this.office;
    return html`<div class="root">
      <div class="bar"><h2>${this.figures ? t.reportTitle(officeName, this.periodName()) : t.title}</h2>
        <span>${langButton(this.lang, (l) => { this.lang = l; this.loadOffices(); })}
        ${this.figures ? html`<button class="btn secondary" @click=${() => window.print()}>${t.print}</button>` : ''}
        ${this.key ? html`<button class="btn secondary" @click=${this.signOut}>${t.signOut}</button>` : ''}</span></div>
      <div role="alert">${this.error ? html`<p class="notice bad">${this.error}</p>` : ''}</div>
      ${!this.key ? html`<p>${t.setupHint}</p><form @submit=${this.signIn}>
          <div class="field"><label for="key">${t.keyLabel}</label><input id="key" name="key" type="password" autocomplete="off" required></div>
          <button class="btn" type="submit">${t.signIn}</button></form>`
        : html`<form class="controls" @submit=${this.show}>
            <div class="row">
              <div class="field"><label for="office">${t.office}</label><select id="office" name="office">${this.offices.map((o) => html`<option value=${o.id} ?selected=${o.id === this.office}>${o.name}</option>`)}</select></div>
              <fieldset class="view field"><legend>${t.view}</legend><div class="radios">
                <label><input type="radio" name="view" value="month" ?checked=${this.view === 'month'} @change=${() => { this.view = 'month'; }}>${t.month}</label>
                <label><input type="radio" name="view" value="year" ?checked=${this.view === 'year'} @change=${() => { this.view = 'year'; }}>${t.year}</label></div></fieldset>
              ${this.view === 'month'
                ? html`<div class="field"><label for="month">${t.monthLabel}</label><input id="month" name="month" type="text" inputmode="numeric" pattern="\\d{4}-\\d{2}" .value=${this.month}></div>`
                : html`<div class="field"><label for="year">${t.yearLabel}</label><input id="year" name="year" type="text" inputmode="numeric" pattern="\\d{4}" .value=${this.year}></div>`}
              <div class="field"><button class="btn" type="submit">${t.show}</button></div>
            </div></form>
          <div role="status">${this.busy ? html`<p>${t.loading}</p>` : ''}</div>
          ${this.figures ? this.renderReport() : ''}`}
    </div>`;
  }

  private figureHead(id: string, title: string, desc: string, figure: string) {
    return html`<h3 id=${`h-${id}`}>${title}</h3>${desc ? html`<p class="hint">${desc}</p>` : ''}
      <button class="btn secondary csv" @click=${() => this.csv(figure, title)}>${this.t.csv(title)}</button>`;
  }
  private table(caption: string, head: string[], rows: (string | number)[][], numeric: boolean[]) {
    return html`<div class="scroll" tabindex="0" role="region" aria-label=${caption}><table><caption class="sr-only">${caption}</caption>
      <thead><tr>${head.map((h, i) => html`<th scope="col" class=${numeric[i] ? 'n' : ''}>${h}</th>`)}</tr></thead>
      <tbody>${rows.map((r) => html`<tr>${r.map((c, i) => i === 0 ? html`<th scope="row">${c}</th>` : html`<td class=${numeric[i] ? 'n' : ''}>${c}</td>`)}</tr>`)}</tbody></table></div>`;
  }

  private renderReport() {
    const t = this.t, f = this.figures!;
    const periods = this.periods();
    const label = (key: string) => periods.find((p) => p.key === key)?.label ?? key;
    const periodHead = this.view === 'year' ? t.month : t.day;
    const sumBy = (rows: Record<string, any>[], key: string, col: string) => {
      const m = new Map<string, number>();
      for (const r of rows) m.set(r[key], (m.get(r[key]) || 0) + Number(r[col] || 0));
      return m;
    };
    const empty = Object.values(f).every((tb) => tb.rows.length === 0 || tb === f.capacity);
    // Capacity: all desks together per period.
    const cap = objects(f.capacity);
    const planned = sumBy(cap, 'period', 'planned_minutes'), offered = sumBy(cap, 'period', 'offered_ahead_minutes'), booked = sumBy(cap, 'period', 'booked_minutes'), served = sumBy(cap, 'period', 'served_minutes');
    const capRows = periods.map((p) => [p.label, this.num(planned.get(p.key) || 0), this.num(offered.get(p.key) || 0), this.num(booked.get(p.key) || 0), this.num(served.get(p.key) || 0),
      this.pct((planned.get(p.key) || 0) > 0 ? (booked.get(p.key) || 0) / planned.get(p.key)! : null), this.pct((planned.get(p.key) || 0) > 0 ? (served.get(p.key) || 0) / planned.get(p.key)! : null)]);
    const perDesk = new Map<string, { planned: number; booked: number; served: number }>();
    for (const r of cap) { const d = perDesk.get(r.desk) || { planned: 0, booked: 0, served: 0 }; d.planned += r.planned_minutes; d.booked += r.booked_minutes; d.served += r.served_minutes; perDesk.set(r.desk, d); }
    // Bookings by channel per period.
    const bk = objects(f.bookings);
    const channels = ['web', 'hotline', 'kiosk'];
    const byChannel = channels.map((c) => sumBy(bk.filter((r) => r.channel === c), 'period', 'bookings'));
    const byService = new Map<string, Record<string, number>>();
    for (const r of bk) {
      const s = byService.get(r.service) || { bookings: 0, moves: 0, visits_due: 0, cancellations: 0, cancelled_under_2h: 0, cancelled_under_24h: 0, cancelled_under_72h: 0, cancelled_earlier: 0, opt_ins: 0, opt_ins_confirmed: 0, not_confirmed: 0 };
      for (const k of Object.keys(s)) s[k] += Number(r[k] || 0);
      byService.set(r.service, s);
    }
    // Lead time per period (median over services, weighted by bookings, is not
    // derivable from medians: the chart shows each service's median).
    const lead = objects(f.lead_time);
    const leadServices = [...new Set(lead.map((r) => r.service))].slice(0, 4);
    const nx = objects(f.next_free);
    const nxServices = [...new Set(nx.map((r) => r.service))].slice(0, 4);
    // Queue.
    const q = objects(f.queue);
    const qOf = (kind: string, col: string) => new Map(q.filter((r) => r.kind === kind).map((r) => [r.period, r[col]]));
    const ns = objects(f.no_shows);
    const nsByDay = Array.from({ length: 7 }, (_, i) => {
      const rows = ns.filter((r) => r.weekday === i + 1);
      const due = rows.reduce((a, r) => a + r.visits_due, 0), n = rows.reduce((a, r) => a + r.no_shows, 0);
      return { due, n, rate: due > 0 ? n / due : null };
    });
    const dur = objects(f.durations);
    const demand = objects(f.demand), rem = objects(f.reminders);
    // The waitlist: how the wishes of each period ended (four series: the
    // palette's colours; the table has every outcome).
    const wl = objects(f.waitlist);
    const wlOf = (col: string) => new Map(wl.map((r) => [r.period, Number(r[col] || 0)]));
    const wlSeries: [string, string][] = [['accepted', t.wlAccepted], ['declined', t.wlDeclined], ['lapsed', t.wlLapsed], ['expired', t.wlExpired]];
    const wlCols = ['wishes', 'offers', 'accepted', 'declined', 'withdrawn', 'lapsed', 'expired'];
    return html`
      <div class="report-head"><p>${t.reportIntro}</p>${empty ? html`<p class="notice">${t.noData}</p>` : ''}</div>

      <section class="fig" aria-labelledby="h-cap">${this.figureHead('cap', t.capacity, t.capacityDesc, 'capacity')}
        ${barChart('c-cap', t.capacity, `${t.capacityDesc} ${t.planned}, ${t.offered}, ${t.booked}, ${t.served}.`, periods.map((p) => p.label),
          [{ name: t.planned, color: kPalette[0], values: periods.map((p) => planned.get(p.key) ?? 0) },
           { name: t.offered, color: kPalette[3], values: periods.map((p) => offered.get(p.key) ?? 0) },
           { name: t.booked, color: kPalette[1], values: periods.map((p) => booked.get(p.key) ?? 0) },
           { name: t.served, color: kPalette[2], values: periods.map((p) => served.get(p.key) ?? 0) }], (n) => this.num(n))}
        ${this.table(t.capacity, [periodHead, t.planned, t.offered, t.booked, t.served, t.bookedShare, t.servedShare], capRows, [false, true, true, true, true, true, true])}
        ${this.table(`${t.capacity}: ${t.desk}`, [t.desk, t.planned, t.booked, t.served, t.idle], [...perDesk].map(([d, v]) => [d, this.num(v.planned), this.num(v.booked), this.num(v.served), this.num(Math.max(0, v.planned - v.served))]), [false, true, true, true, true])}
      </section>

      <section class="fig" aria-labelledby="h-bk">${this.figureHead('bk', t.bookings, t.bookingsDesc, 'bookings')}
        ${barChart('c-bk', t.bookings, `${t.bookingsDesc} ${channels.map((c) => (t as any)[c]).join(', ')}.`, periods.map((p) => p.label),
          channels.map((c, i) => ({ name: (t as any)[c], color: kPalette[i], values: periods.map((p) => byChannel[i].get(p.key) ?? 0) })), (n) => this.num(n))}
        ${this.table(t.bookings, [periodHead, ...channels.map((c) => (t as any)[c]), t.total],
          periods.filter((p) => byChannel.some((m) => m.get(p.key))).map((p) => { const v = byChannel.map((m) => m.get(p.key) || 0); return [p.label, ...v.map((x) => this.num(x)), this.num(v.reduce((a, b) => a + b, 0))]; }),
          [false, true, true, true, true])}
        ${this.table(`${t.bookings}: ${t.service}`, [t.service, t.count, t.moves, t.due, t.cancellations, t.cx2h, t.cx24h, t.cx72h, t.cxEarlier, t.optIns, t.optInsConfirmed, t.notConfirmed],
          [...byService].map(([s, v]) => [this.svc(s), ...['bookings', 'moves', 'visits_due', 'cancellations', 'cancelled_under_2h', 'cancelled_under_24h', 'cancelled_under_72h', 'cancelled_earlier', 'opt_ins', 'opt_ins_confirmed', 'not_confirmed'].map((k) => this.num(v[k]))]),
          [false, true, true, true, true, true, true, true, true, true, true, true])}
      </section>

      <section class="fig" aria-labelledby="h-lead">${this.figureHead('lead', t.lead, t.leadDesc, 'lead_time')}
        ${barChart('c-lead', t.lead, `${t.leadDesc} ${t.median}, ${t.days}.`, periods.map((p) => p.label),
          leadServices.map((s, i) => ({ name: `${this.svc(s)}: ${t.median}`, color: kPalette[i], values: periods.map((p) => lead.find((r) => r.period === p.key && r.service === s)?.median_days ?? null) })), (n) => this.num(n, 1))}
        ${this.table(t.lead, [periodHead, t.service, t.count, t.sameDay, `${t.median} (${t.days})`, `${t.p90} (${t.days})`, `${t.mean} (${t.days})`],
          lead.map((r) => [label(r.period), this.svc(r.service), this.num(r.bookings), this.num(r.same_day), this.num(r.median_days), this.num(r.p90_days), this.num(r.mean_days, 1)]),
          [false, false, true, true, true, true, true])}
      </section>

      <section class="fig" aria-labelledby="h-nx">${this.figureHead('nx', t.nextFree, t.nextFreeDesc, 'next_free')}
        ${barChart('c-nx', t.nextFree, `${t.nextFreeDesc} ${t.median}, ${t.days}.`, periods.map((p) => p.label),
          nxServices.map((s, i) => ({ name: `${this.svc(s)}: ${t.median}`, color: kPalette[i], values: periods.map((p) => nx.find((r) => r.period === p.key && r.service === s)?.median_days ?? null) })), (n) => this.num(n, 1))}
        ${this.table(t.nextFree, [periodHead, t.service, t.samples, t.noneFree, `${t.median} (${t.days})`, `${t.p90} (${t.days})`, `${t.max} (${t.days})`],
          nx.map((r) => [label(r.period), this.svc(r.service), this.num(r.samples), this.num(r.none_free), this.num(r.median_days), this.num(r.p90_days), this.num(r.max_days)]),
          [false, false, true, true, true, true, true])}
      </section>

      <section class="fig" aria-labelledby="h-q">${this.figureHead('q', t.queue, t.queueDesc, 'queue')}
        ${barChart('c-q', t.queue, `${t.queueDesc} ${t.median}: ${t.kindBooked}, ${t.kindWalkIn}.`, periods.map((p) => p.label),
          [{ name: `${t.kindBooked}: ${t.median}`, color: kPalette[0], values: periods.map((p) => qOf('booked', 'wait_median_minutes').get(p.key) ?? null) },
           { name: `${t.kindWalkIn}: ${t.median}`, color: kPalette[1], values: periods.map((p) => qOf('walk_in', 'wait_median_minutes').get(p.key) ?? null) }], (n) => this.num(n))}
        ${this.table(t.queue, [periodHead, t.kind, t.visitors, t.refused, t.called, `${t.median} (${t.minutes})`, `${t.p90} (${t.minutes})`],
          q.map((r) => [label(r.period), r.kind === 'booked' ? t.kindBooked : t.kindWalkIn, this.num(r.visitors), this.num(r.refused), this.num(r.called), this.num(r.wait_median_minutes), this.num(r.wait_p90_minutes)]),
          [false, false, true, true, true, true, true])}
      </section>

      <section class="fig" aria-labelledby="h-ns">${this.figureHead('ns', t.noShows, t.noShowsDesc, 'no_shows')}
        ${barChart('c-ns', t.noShows, `${t.noShowsDesc}`, t.weekdays.map((w) => w.slice(0, 2)),
          [{ name: t.rate, color: kPalette[2], values: nsByDay.map((d) => d.rate == null ? null : d.rate * 100) }], (n) => `${this.num(n)} %`, 5)}
        ${this.table(t.noShows, [t.weekday, t.due, t.noShowCount, t.rate], nsByDay.map((d, i) => [t.weekdays[i], this.num(d.due), this.num(d.n), this.pct(d.rate)]), [false, true, true, true])}
      </section>

      <section class="fig" aria-labelledby="h-dur">${this.figureHead('dur', t.durations, t.durationsDesc, 'durations')}
        ${barChart('c-dur', t.durations, `${t.durationsDesc}`, dur.map((r) => this.svc(r.service)),
          [{ name: t.measured, color: kPalette[0], values: dur.map((r) => r.median_minutes) },
           { name: t.configured, color: kPalette[3], values: dur.map((r) => r.configured_minutes) }], (n) => this.num(n))}
        ${this.table(t.durations, [t.service, t.servedCount, t.measured, t.measuredP90, t.configured, t.suggestion],
          dur.map((r) => [this.svc(r.service), this.num(r.served), this.num(r.median_minutes), this.num(r.p90_minutes), this.num(r.configured_minutes), r.suggested_minutes == null ? '–' : this.num(r.suggested_minutes)]),
          [false, true, true, true, true, true])}
      </section>

      <section class="fig" aria-labelledby="h-dem">${this.figureHead('dem', t.demand, '', 'demand')}
        ${this.table(t.demand, [periodHead, t.searchesEmpty, t.walkinsRefused, t.conflicts], demand.map((r) => [label(r.period), this.num(r.searches_empty), this.num(r.walkins_refused), this.num(r.conflicts)]), [false, true, true, true])}
      </section>
      <section class="fig" aria-labelledby="h-wl">${this.figureHead('wl', t.waitlist, t.waitlistDesc, 'waitlist')}
        ${barChart('c-wl', t.waitlist, `${t.waitlistDesc} ${wlSeries.map(([, n]) => n).join(', ')}.`, periods.map((p) => p.label),
          wlSeries.map(([col, name], i) => ({ name, color: kPalette[i], values: periods.map((p) => wlOf(col).get(p.key) ?? 0) })), (n) => this.num(n))}
        ${this.table(t.waitlist, [periodHead, t.wishes, t.wlOffers, t.wlAccepted, t.wlDeclined, t.wlWithdrawn, t.wlLapsed, t.wlExpired],
          wl.map((r) => [label(r.period), ...wlCols.map((c) => this.num(r[c]))]), [false, true, true, true, true, true, true, true])}
      </section>
      <section class="fig" aria-labelledby="h-rem">${this.figureHead('rem', t.reminders, '', 'reminders')}
        ${this.table(t.reminders, [periodHead, t.sent, t.bounced, t.dead], rem.map((r) => [label(r.period), this.num(r.sent), this.num(r.bounced), this.num(r.dead_lettered)]), [false, true, true, true])}
      </section>`;
  }
}
customElements.define('termin-evaluation', TerminEvaluation);
