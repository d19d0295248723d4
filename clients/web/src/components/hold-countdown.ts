// hold-countdown: how long the hold still lasts (WCAG 2.2.1 Timing
// Adjustable). The visible clock ticks every second but is not a live
// region (that would talk every second); a separate polite live region
// speaks once when the warning starts (the last 2 minutes, or the last
// third of a short hold) and once when the hold has ended.
// Fires `hold-extend` (button) and `hold-expired`. With no extension left
// the button gives way to a sentence saying so.
import { LitElement, html } from 'lit';
import { base } from '../styles.js';
import { clock } from '../format.js';
import type { Messages } from '../i18n/index.js';

export class HoldCountdown extends LitElement {
  static properties = {
    m: { attribute: false },
    expiresAt: { attribute: false },
    totalSeconds: { type: Number },
    extensionsLeft: { attribute: false },
    left: { state: true },
    said: { state: true },
  };
  declare m: Messages;
  declare expiresAt: number;
  declare totalSeconds: number;
  declare extensionsLeft: number;
  declare left: number;
  declare said: string;
  private timer?: number;
  private warned = false;
  private ended = false;

  static styles = [base];

  connectedCallback() {
    super.connectedCallback();
    this.tick();
    this.timer = window.setInterval(() => this.tick(), 1000);
  }
  disconnectedCallback() {
    super.disconnectedCallback();
    window.clearInterval(this.timer);
  }
  updated(changed: Map<string, unknown>) {
    // The button just gave way to the sentence: the focus goes there, not to the page.
    if (changed.has('extensionsLeft') && changed.get('extensionsLeft') !== undefined && this.extensionsLeft === 0) {
      (this.renderRoot.querySelector('#no-more') as HTMLElement | null)?.focus();
    }
    if (changed.has('expiresAt') && changed.get('expiresAt') !== undefined) {
      this.warned = false;
      this.ended = false;
      this.said = this.m.holdExtended;
      this.tick();
    }
  }
  private warnAt(): number {
    return Math.min(120, Math.max(5, Math.floor((this.totalSeconds || 600) / 3)));
  }
  private tick() {
    this.left = Math.max(0, (this.expiresAt - Date.now()) / 1000);
    if (!this.warned && this.left <= this.warnAt() && this.left > 0) {
      this.warned = true;
      this.said = this.m.holdWarn(clock(this.left), this.extensionsLeft !== 0);
    }
    if (!this.ended && this.left <= 0) {
      this.ended = true;
      this.dispatchEvent(new CustomEvent('hold-expired', { bubbles: true, composed: true }));
    }
  }
  render() {
    const m = this.m;
    const warn = this.left <= this.warnAt();
    return html`<div class="root plain"><div class="notice ${warn ? 'warn' : ''}">
      <p><strong>${m.holdLeft(clock(this.left))}</strong></p>
      <p class="sr-only" aria-live="polite" role="status">${this.said || ''}</p>
      ${warn ? html`<p aria-hidden="true">${m.holdWarn(clock(this.left), this.extensionsLeft !== 0)}</p>` : ''}
      ${this.extensionsLeft === 0 ? html`<p id="no-more" tabindex="-1">${m.holdNoMore}</p>`
        : html`<button class="btn secondary" type="button" @click=${() => this.dispatchEvent(new CustomEvent('hold-extend', { bubbles: true, composed: true }))}>${m.holdExtend}</button>`}
    </div></div>`;
  }
}
customElements.define('hold-countdown', HoldCountdown);
