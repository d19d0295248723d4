// slot-calendar: the days of a range as a list; days with free places are
// buttons named with the full date and the count ("Donnerstag, 10. Dezember
// 2026, 12 freie Termine"), days without are plain text that says so, both
// visibly and to screen readers. Beside it, a typed date (GOV.UK's date
// input: day, month, year), never a calendar-only control.
// Fires `day-chosen` with detail {date}.
import { LitElement, html, css } from 'lit';
import { base } from '../styles.js';
import { longDate, shortDay } from '../format.js';
import type { Messages } from '../i18n/index.js';

export class SlotCalendar extends LitElement {
  static properties = {
    m: { attribute: false },
    from: {},
    days: { type: Number },
    counts: { attribute: false },
    typedError: { state: true },
  };
  declare m: Messages;
  declare from: string;
  declare days: number;
  declare counts: Map<string, number>;
  declare typedError: string;

  static styles = [base, css`
    ul.days { list-style: none; padding: 0; margin: 0 0 20px; display: grid; gap: 8px; grid-template-columns: repeat(auto-fill, minmax(108px, 1fr)); }
    .day { display: block; width: 100%; min-height: 72px; padding: 6.4px 8px; text-align: left; border: 2px solid #0b0c0c; background: #fff; color: #0b0c0c; }
    button.day:hover { background: #e8f1f8; }
    button.day .n { color: #00703c; font-weight: 700; }
    .day .wd { display: block; font-weight: 700; }
    .day.none { border: 2px dashed #6f7172; background: #f3f2f1; color: #484949; }
    .day.none .n { text-decoration: line-through; text-decoration-thickness: 1px; }
    .date-input { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-end; margin-bottom: 12px; }
    .date-input label { font-weight: 400; }
    .date-input input { width: 56px; }
    .date-input .year input { width: 80px; }
  `];

  private choose(date: string) {
    this.dispatchEvent(new CustomEvent('day-chosen', { detail: { date }, bubbles: true, composed: true }));
  }

  private typed(e: Event) {
    e.preventDefault();
    const f = e.target as HTMLFormElement;
    const v = (n: string) => (f.elements.namedItem(n) as HTMLInputElement).value.trim();
    const d = Number(v('day')), mo = Number(v('month')), y = Number(v('year'));
    const date = `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    const real = Number.isInteger(d) && Number.isInteger(mo) && Number.isInteger(y) && y >= 2000 && y < 2100 &&
      !isNaN(Date.parse(date + 'T12:00:00Z')) && new Date(date + 'T12:00:00Z').getUTCDate() === d;
    if (!real) { this.typedError = this.m.typedInvalid; return; }
    if (!(this.counts.get(date) ?? 0)) { this.typedError = this.m.typedNoSlots(longDate(date, this.m.locale)); return; }
    this.typedError = '';
    this.choose(date);
  }

  render() {
    const m = this.m;
    const list = [];
    for (let i = 0; i < this.days; i++) {
      const d = new Date(this.from + 'T12:00:00Z');
      d.setUTCDate(d.getUTCDate() + i);
      list.push(d.toISOString().slice(0, 10));
    }
    const err = this.typedError;
    return html`<div class="root plain">
      <ul class="days">
        ${list.map((date) => {
          const n = this.counts.get(date) ?? 0;
          const s = shortDay(date, m.locale);
          return html`<li>${n > 0
            ? html`<button class="day" aria-label="${longDate(date, m.locale)}, ${m.dayFree(n)}" @click=${() => this.choose(date)}>
                <span class="wd">${s.weekday}</span> ${s.day}<br><span class="n">${m.dayFree(n)}</span></button>`
            : html`<span class="day none"><span class="sr-only">${longDate(date, m.locale)}, ${m.dayNoneLong}</span>
                <span aria-hidden="true"><span class="wd">${s.weekday}</span> ${s.day}<br><span class="n">${m.dayNone}</span></span></span>`}</li>`;
        })}
      </ul>
      <form @submit=${this.typed} novalidate>
        <fieldset role="group" aria-describedby="date-hint${err ? ' date-error' : ''}">
          <legend>${m.typedLegend}</legend>
          <p class="hint" id="date-hint">${m.typedHint}</p>
          ${err ? html`<p class="error-message" id="date-error" role="alert">${err}</p>` : ''}
          <div class="date-input">
            <div><label for="d">${m.dayLabel}</label><input type="text" id="d" name="day" inputmode="numeric" maxlength="2" autocomplete="off" aria-invalid=${err ? 'true' : 'false'}></div>
            <div><label for="mo">${m.monthLabel}</label><input type="text" id="mo" name="month" inputmode="numeric" maxlength="2" autocomplete="off" aria-invalid=${err ? 'true' : 'false'}></div>
            <div class="year"><label for="y">${m.yearLabel}</label><input type="text" id="y" name="year" inputmode="numeric" maxlength="4" autocomplete="off" aria-invalid=${err ? 'true' : 'false'}></div>
          </div>
          <button class="btn secondary" type="submit">${m.typedSubmit}</button>
        </fieldset>
      </form>
    </div>`;
  }
}
customElements.define('slot-calendar', SlotCalendar);
