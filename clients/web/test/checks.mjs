// Checks the browser tests share: axe-core per screen, words broken across
// lines, and the demo city with its Rathaus open around the clock.
import AxeBuilder from '@axe-core/playwright';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const axeTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

// audit(page, name): one axe-core run (WCAG 2.1 A and AA), reported through
// `check`; `counts` sums the screens and violations for the summary line.
export function axeAuditor(check) {
  const counts = { runs: 0, violations: 0 };
  const audit = async (page, name) => {
    const r = await new AxeBuilder({ page }).withTags(axeTags).analyze();
    counts.runs++; counts.violations += r.violations.length;
    check(r.violations.length === 0, `axe ${name}: ${r.violations.map((v) => `${v.id} (${v.nodes.length}: ${v.nodes[0]?.target})`).join(', ') || '0 violations'}`);
  };
  return { audit, counts };
}

// Words (split at spaces and hyphens) whose letters land on two lines: a
// squeezed layout breaking "Meldebesc|heinigung" or a ticket "A00|2";
// through shadow roots.
export const brokenWords = (page) => page.evaluate(() => {
  const out = [];
  const scan = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      for (const m of n.textContent.matchAll(/[^\s\-–·,/()]{3,}/g)) {
        const r = document.createRange();
        r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length);
        const tops = new Set([...r.getClientRects()].filter((x) => x.width > 1).map((x) => Math.round(x.top)));
        if (tops.size > 1) out.push(m[0]);
      }
    }
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) scan(el.shadowRoot);
  };
  scan(document.body);
  return out;
});

// The demo city with the Rathaus open around the clock, no breaks, closures
// or minimum notice, written to `file` (the --seed of the test's termin-api).
export function roundTheClockCity(root, file) {
  const city = JSON.parse(readFileSync(join(root, 'data/demo-city.json'), 'utf8'));
  const allDay = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '23:55']]]));
  const rathaus = city.offices.find((o) => o.id === 'aalen-rathaus');
  rathaus.opening = allDay; delete rathaus.breaks; rathaus.rules.min_notice_minutes = 0; rathaus.closures = [];
  for (const d of rathaus.desks) { d.opening = allDay; delete d.breaks; delete d.exceptions; }
  writeFileSync(file, JSON.stringify(city));
  return file;
}
