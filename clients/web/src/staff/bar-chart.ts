// A bar chart drawn by hand as SVG (no chart library): grouped bars of a few
// series over labelled categories, with a scale, gridlines and a legend. The
// picture is for the eye; the numbers are in the table the caller puts
// beside it (each chart has its table), so the SVG is one image with a title
// and a description for screen readers, not a maze of tiny elements.
import { svg, html, type TemplateResult } from 'lit';

export interface Series { name: string; values: (number | null)[]; color: string }

// Colours that keep 3:1 against white and against each other's neighbours,
// with a pattern-free legend that names each (colour is never the only cue:
// the table holds every number).
export const kPalette = ['#1d70b8', '#00703c', '#d4351c', '#4c2c92'];

// A step of 1, 2 or 5 times a power of ten, at least `min`, so that four
// steps reach `v`: the scale reads 0, 5, 10, 15, 20, never 2.5 or 7.5.
function niceStep(v: number, min: number): number {
  const raw = Math.max(min, v / 4);
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

export function barChart(id: string, title: string, desc: string, labels: string[], series: Series[],
  fmt: (n: number) => string, minStep = 1): TemplateResult {
  const step = niceStep(Math.max(0, ...series.flatMap((s) => s.values.map((v) => v ?? 0))), minStep);
  const max = 4 * step;
  const ticks = [0, 1, 2, 3, 4].map((k) => k * step);
  // Room on the left for the longest scale label (about 8.5 px a character at 14 px).
  const left = Math.max(40, 12 + Math.ceil(8.5 * Math.max(...ticks.map((t) => fmt(t).length))));
  const W = 720, H = 280, right = 8, top = 12, bottom = 44;
  const plotW = W - left - right, plotH = H - top - bottom;
  const n = Math.max(1, labels.length);
  const band = plotW / n;
  const barW = Math.max(1, (band * 0.8) / Math.max(1, series.length));
  const y = (v: number) => top + plotH - (v / max) * plotH;
  // Every k-th category label, so they never overlap (31 days fit as 1, 6, 11, ...).
  const every = Math.max(1, Math.ceil(n / 12));
  return html`<div class="chart" tabindex="0" role="region" aria-label=${title}><svg viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${id}-t ${id}-d" preserveAspectRatio="xMidYMid meet">
    ${svg`<title id="${id}-t">${title}</title><desc id="${id}-d">${desc}</desc>
    ${ticks.map((t) => svg`<line x1=${left} x2=${W - right} y1=${y(t)} y2=${y(t)} stroke="#b1b4b6" stroke-width="1"></line>
      <text x=${left - 6} y=${y(t) + 5} text-anchor="end" font-size="14" fill="#0b0c0c">${fmt(t)}</text>`)}
    ${labels.map((l, i) => svg`${series.map((s, k) => {
      const v = s.values[i];
      if (v == null || v <= 0) return svg``;
      return svg`<rect x=${left + i * band + band * 0.1 + k * barW} y=${y(v)} width=${barW} height=${top + plotH - y(v)} fill=${s.color}></rect>`;
    })}${i % every === 0 ? svg`<text x=${left + i * band + band / 2} y=${H - bottom + 20} text-anchor="middle" font-size="14" fill="#0b0c0c">${l}</text>` : svg``}`)}
    <line x1=${left} x2=${W - right} y1=${top + plotH} y2=${top + plotH} stroke="#0b0c0c" stroke-width="2"></line>`}
  </svg></div>
  <ul class="legend" aria-hidden="true">${series.map((s) => html`<li><svg class="swatch" viewBox="0 0 16 16" width="16" height="16">${svg`<rect x="0.5" y="0.5" width="15" height="15" fill=${s.color} stroke="#0b0c0c"></rect>`}</svg>${s.name}</li>`)}</ul>`;
}
