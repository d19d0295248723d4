// <termin-anzeige>: the call display on the waiting room's TV (1920x1080),
// no key. Polls GET /v1/offices/{office}/calls every 1.5 s with If-None-Match
// (304 costs nothing) through one timer; renders at most kShown calls, so the
// DOM and memory stay flat for days. A new call (higher seq) is announced in
// an aria-live region (its text replaced, not appended) and, if on, a gong:
// two WebAudio sine tones, one AudioContext for the page's life.
import { LitElement, html, css } from 'lit';
import { startLang } from './api.js';
import { staffMessages } from './i18n.js';
import { langButton } from './lang-switch.js';
import { staffBase } from './styles.js';
import { time } from '../format.js';

const kPollMs = 1500;
const kShown = 7;
interface Call { ticket: string; desk: string; at: string; seq: number }

export class TerminAnzeige extends LitElement {
  static properties = { lang: { state: true }, calls: { state: true }, gong: { state: true }, announce: { state: true }, officeName: { state: true }, error: { state: true } };
  static styles = [staffBase, css`
    :host { background: #0b0c0c; color: #fff; }
    .root { color: #fff; background: #0b0c0c; min-height: 100vh; padding: 24px 40px; font-size: 28px; }
    .bar h2 { font-size: 40px; margin: 0; color: #fff; }
    .bar .btn.secondary { background: #fff; color: #0b0c0c; }
    .newest { background: #ffdd00; color: #0b0c0c; padding: 24px 40px; display: flex; align-items: baseline; justify-content: space-between; gap: 24px; margin: 0 0 32px; }
    .newest .num { font-size: 220px; font-weight: 800; line-height: 1; letter-spacing: .03em; }
    .newest .desk { font-size: 96px; font-weight: 700; }
    .newest .to { font-size: 40px; display: block; font-weight: 400; }
    h3 { font-size: 36px; color: #fff; border-bottom: 2px solid #fff; padding-bottom: 8px; }
    ol { list-style: none; padding: 0; margin: 0; display: grid; grid-template-columns: repeat(2, 1fr); gap: 12px 48px; }
    ol li { display: flex; flex-wrap: wrap; gap: 0 24px; justify-content: space-between; font-size: 64px; font-weight: 700; border-bottom: 1px solid #6f777b; padding: 4px 0; }
    ol li .d { font-weight: 400; }
    .empty { font-size: 48px; }
    .notice.bad { color: #0b0c0c; }
    @media (max-width: 900px) { .newest { flex-direction: column; } .newest .num { font-size: 120px; } .newest .desk { font-size: 56px; } ol { grid-template-columns: 1fr; } ol li { font-size: 40px; } }
    @media (max-width: 480px) { .root { padding: 12px; font-size: 20px; } .bar h2 { font-size: 28px; } .newest { padding: 12px 16px; } h3 { font-size: 24px; } .empty { font-size: 28px; } .newest .to { font-size: 24px; } .newest .num { font-size: 88px; } .newest .desk { font-size: 36px; } ol li { font-size: 28px; gap: 0 12px; } }
  `];
  lang: 'de' | 'en' = startLang();
  calls: Call[] = [];
  gong = localStorage.getItem('termin.gong') !== 'off';
  announce = '';
  officeName = '';
  error = '';
  private office = new URLSearchParams(location.search).get('office') || '';
  private etag = '';
  private lastSeq = -1;
  private timer = 0;
  private audio: AudioContext | null = null;

  connectedCallback() {
    super.connectedCallback();
    this.start();
  }
  disconnectedCallback() { super.disconnectedCallback(); clearTimeout(this.timer); }
  private get t() { return staffMessages(this.lang); }
  private async start() {
    try {
      const offices = (await (await fetch('/v1/offices')).json()).offices as { id: string; name: string }[];
      if (!this.office) this.office = offices[0]?.id || '';
      this.officeName = offices.find((o) => o.id === this.office)?.name || '';
    } catch { /* the poll shows the error */ }
    this.poll();
  }
  private async poll() {
    clearTimeout(this.timer);
    try {
      const res = await fetch(`/v1/offices/${encodeURIComponent(this.office)}/calls`, { headers: this.etag ? { 'If-None-Match': this.etag } : {}, cache: 'no-store' });
      if (res.status === 200) {
        this.etag = res.headers.get('ETag') || '';
        const data = await res.json();
        // A recall is a new line in the API's list; here each ticket shows once, at its latest call.
        const seen = new Set<string>();
        const calls: Call[] = (data.calls || []).filter((c: Call) => !seen.has(c.ticket) && !!seen.add(c.ticket)).slice(0, kShown);
        const newest = calls[0];
        if (newest && this.lastSeq >= 0 && newest.seq > this.lastSeq) { this.announce = this.t.announce(newest.ticket, newest.desk); this.ding(); }
        else if (newest && this.lastSeq < 0) this.announce = this.t.announce(newest.ticket, newest.desk);
        this.lastSeq = newest ? newest.seq : 0;
        this.calls = calls;
        this.error = '';
      } else if (res.status !== 304) this.error = this.t.network;
    } catch { this.error = this.t.network; }
    this.timer = window.setTimeout(() => this.poll(), kPollMs);
  }
  private ding() {
    if (!this.gong) return;
    try {
      this.audio ??= new AudioContext();
      const a = this.audio, now = a.currentTime;
      for (const [i, f] of [[0, 660], [1, 523]] as const) {
        const o = a.createOscillator(), g = a.createGain();
        o.frequency.value = f; o.type = 'sine';
        g.gain.setValueAtTime(0.0001, now + i * 0.6); g.gain.exponentialRampToValueAtTime(0.4, now + i * 0.6 + 0.02); g.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.6 + 1.2);
        o.connect(g).connect(a.destination); o.start(now + i * 0.6); o.stop(now + i * 0.6 + 1.3);
      }
    } catch { /* no audio device: silent */ }
  }
  private toggleGong() {
    this.gong = !this.gong;
    localStorage.setItem('termin.gong', this.gong ? 'on' : 'off');
    if (this.gong) { this.audio ??= new AudioContext(); this.audio.resume(); }
  }

  render() {
    const t = this.t, [newest, ...older] = this.calls;
    return html`<div class="root">
      <div class="bar"><h2>${this.officeName || t.displayTitle}</h2>
        <span>${langButton(this.lang, (l) => { this.lang = l; })}
        <button class="btn secondary" aria-pressed=${this.gong ? 'true' : 'false'} @click=${this.toggleGong}>Gong<span aria-hidden="true">: ${this.gong ? t.gongOn : t.gongOff}</span></button></span></div>
      <div class="sr-only" aria-live="assertive" aria-atomic="true">${this.announce}</div>
      ${this.error ? html`<p class="notice bad">${this.error}</p>` : ''}
      ${newest ? html`<section class="newest" aria-label=${t.displayTitle}>
          <span class="num"><span class="sr-only">${t.numberLabel} </span>${newest.ticket}</span>
          <span class="desk"><span class="to">${t.goTo}</span>${newest.desk}</span></section>
        <section aria-labelledby="h-old"><h3 id="h-old">${t.lastCalls}</h3>
          <ol>${older.slice(0, kShown - 1).map((c) => html`<li><span>${c.ticket}</span><span class="d">${c.desk} · ${time(c.at, this.lang)}</span></li>`)}</ol></section>`
        : html`<p class="empty">${t.noCalls}</p>`}
    </div>`;
  }
}
customElements.define('termin-anzeige', TerminAnzeige);
