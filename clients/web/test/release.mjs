// Browser test of a fair release (#14): the widget on a day being released.
// The Rathaus (open around the clock) opens day +20 at this very minute
// with a pre-queue window ending some 25 s from now, admitting 1 a second.
// Twelve other clients (other addresses through the trusted proxy header)
// are in the queue. The citizen picks a time on the opening day, lands in
// the waiting state (de and en at once: one address, one ticket), waits
// for the draw and her turn, and continues to the contact step with the
// time held. Screenshots: $TERMIN_SCREENSHOTS (default build/web-screenshots).
//   node test/release.mjs --api-bin build/bin/termin-api [--store redis://127.0.0.1:6379]
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, start, launchChromium } from './processes.mjs';
import { axeAuditor, brokenWords, roundTheClockCity } from './checks.mjs';

const arg = (n, d) => { const i = process.argv.indexOf(n); return i > 0 ? process.argv[i + 1] : d; };
const root = new URL('../../../', import.meta.url).pathname;
const apiBin = arg('--api-bin', join(root, 'build/bin/termin-api'));
const store = arg('--store', 'memory');
const shots = process.env.TERMIN_SCREENSHOTS || join(root, 'build/web-screenshots');
mkdirSync(shots, { recursive: true });
const t0 = Date.now();
let failures = 0;
const check = (ok, what) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); if (!ok) failures++; };

// The release minute must stay today in Berlin.
const berlin = (d) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(d);
if (berlin(new Date()) > '23:58:00') { console.log('skipped: too close to midnight in Berlin'); process.exit(0); }

const cityFile = roundTheClockCity(root, join(shots, 'release-city.json'));
const apiPort = await freePort();
const api = `http://127.0.0.1:${apiPort}`;
const proc = await start(apiBin, ['--port', String(apiPort), '--bind', '127.0.0.1', '--store', store, '--seed', cityFile, '--keys', join(root, 'data/demo-keys.json'),
  '--web-root', join(root, 'clients/web/dist'), '--no-access-log', '--threads', '2', '--trusted-proxy', '127.0.0.1'], /listening on/);
const admin = { Authorization: 'Bearer demo-admin', 'Content-Type': 'application/json' };

try {
  // The rules: released this minute, the draw 25 s from now.
  const now = berlin(new Date());
  const window = Number(now.slice(6, 8)) + 25;
  const doc = await (await fetch(`${api}/v1/admin/offices/aalen-rathaus`, { headers: admin })).json();
  Object.assign(doc.rules, { max_days_ahead: 20, release_time: now.slice(0, 5), release_window_seconds: window, release_admit_per_second: 1 });
  const put = await fetch(`${api}/v1/admin/offices/aalen-rathaus`, { method: 'PUT', headers: admin, body: JSON.stringify(doc) });
  check(put.status === 200, `the release rules are set (${put.status})`);
  for (let i = 1; i <= 12; i++) {
    const r = await fetch(`${api}/v1/offices/aalen-rathaus/release-queue`, { method: 'POST', headers: { 'X-Forwarded-For': `10.1.0.${i}` } });
    if (r.status !== 200) check(false, `client ${i} joins (${r.status})`);
  }

  const browser = await launchChromium(chromium, 'de-DE');
  const { audit, counts: axe } = axeAuditor(check);
  async function shot(page, name) {
    for (const w of [1280, 320]) {
      await page.setViewportSize({ width: w, height: 900 });
      await page.screenshot({ path: join(shots, `release-${name}-${w}.png`), fullPage: true });
      if (w === 320) {
        check(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), `${name}: no horizontal scrolling at 320 px`);
        const broken = await brokenWords(page);
        check(broken.length === 0, `${name}: no word broken mid-word at 320 px${broken.length ? ` (${broken.slice(0, 5).join(', ')})` : ''}`);
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  }
  const T = {
    de: { free: /freie Termine?$/, note: 'Neue Termine werden täglich um', queue: 'Neue Termine werden gerade freigegeben', draw: 'wird um', place: /Sie sind auf Platz \d+ von 13/, contact: 'Ihre Kontaktdaten' },
    en: { free: /free appointments?$/, note: 'New appointments are released every day at', queue: 'New appointments are being released', draw: 'is drawn at', place: /You are number \d+ of 13/, contact: 'Your contact details' },
  };
  const pages = {};
  for (const lang of ['de', 'en']) {
    const t = T[lang];
    const page = await (await browser.newContext({ locale: lang === 'de' ? 'de-DE' : 'en-GB', viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' })).newPage();
    pages[lang] = page;
    await page.goto(`${api}/book?office=aalen-rathaus&service=personalausweis&lang=${lang}`);
    const w = page.locator('termin-booking');
    await w.getByText(t.note).waitFor();
    check(true, `${lang}: the day step says when new days are released`);
    // The last free day of the calendar is the opening day (+20).
    await w.getByRole('button', { name: t.free }).last().click();
    await w.locator('ul.times button').first().click();
    await w.getByRole('heading', { name: t.queue }).waitFor();
    const text = await w.locator('.notice').innerText();
    check(text.includes(t.draw), `${lang}: the waiting state says when the order is drawn`);
    if (lang === 'de') await audit(page, 'release queue, waiting for the draw', 'termin-booking');
    await shot(page, `${lang}-waiting`);
  }
  // After the draw: a place in the queue (unless drawn first), then the turn.
  for (const lang of ['de', 'en']) {
    const w = pages[lang].locator('termin-booking');
    const first = await Promise.race([
      w.locator('.notice').getByText(T[lang].place).waitFor({ timeout: 60000 }).then(() => false),
      w.getByRole('heading', { name: T[lang].contact }).waitFor({ timeout: 60000 }).then(() => true),
    ]);
    if (!first) {
      check(true, `${lang}: after the draw the widget shows the place in the queue`);
      if (lang === 'de') await audit(pages[lang], 'release queue, queued', 'termin-booking');
      await shot(pages[lang], `${lang}-queued`);
    } else {
      console.log(`note ${lang}: drawn first, admitted at the draw`);
    }
  }
  for (const lang of ['de', 'en']) {
    const w = pages[lang].locator('termin-booking');
    const reached = await w.getByRole('heading', { name: T[lang].contact }).waitFor({ timeout: 40000 }).then(() => true, () => false);
    check(reached, `${lang}: at its turn the widget holds the time and asks for the contact details`);
  }
  await browser.close();
  console.log(`release browser test (${store}): ${failures} failures; axe: ${axe.runs} screens, ${axe.violations} violations; ${((Date.now() - t0) / 1000).toFixed(1)} s`);
} catch (e) {
  console.log(`FAIL ${e.stack || e}`);
  failures++;
} finally {
  proc.kill();
}
process.exit(failures ? 1 : 0);
