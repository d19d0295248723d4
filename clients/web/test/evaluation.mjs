// Browser test of the evaluation page (/auswertung): Debian's chromium through
// playwright-core against a real termin-api (embedded store, or Redis with
// --store redis://…) with the demo keys. Some bookings, check-ins, walk-ins
// and desk calls are made through the API first, so the charts have data.
// Checks: sign-in, month and year views in German and English, each chart
// with its table, axe-core (WCAG 2.1 AA) 0 violations, no horizontal scroll
// at 320 px, the CSV download (BOM, ';', header row), the print view. Screenshots
// and a printed PDF go to $TERMIN_SCREENSHOTS (default build/web-screenshots).
//   node clients/web/test/evaluation.mjs --api-bin build/bin/termin-api
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { freePort, start } from './processes.mjs';
import { axeAuditor, roundTheClockCity } from './checks.mjs';
import { join } from 'node:path';

const arg = (n, d) => { const i = process.argv.indexOf(n); return i > 0 ? process.argv[i + 1] : d; };
const root = new URL('../../../', import.meta.url).pathname;
const apiBin = arg('--api-bin', join(root, 'build/bin/termin-api'));
const store = arg('--store', 'memory');
const shots = process.env.TERMIN_SCREENSHOTS || join(root, 'build/web-screenshots');
mkdirSync(shots, { recursive: true });
let failures = 0;
const check = (ok, what) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); if (!ok) failures++; };

// The demo city with the Rathaus open around the clock (as in staff.mjs).
const cityFile = roundTheClockCity(root, join(shots, 'evaluation-city.json'));

const port = await freePort();
const api = `http://127.0.0.1:${port}`;
const proc = await start(apiBin, ['--port', String(port), '--bind', '127.0.0.1', '--store', store, '--seed', cityFile, '--keys', join(root, 'data/demo-keys.json'),
  '--web-root', join(root, 'clients/web/dist'), '--no-access-log', '--threads', '2', '--staff-requests-per-minute', '100000'], /listening on/);
const call = async (method, path, key, body) => {
  const r = await fetch(api + path, { method, headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', 'Idempotency-Key': Math.random().toString(36).slice(2) }, body: body ? JSON.stringify(body) : undefined });
  return { status: r.status, data: await r.json().catch(() => null), text: '' };
};

// Data: a few hotline bookings at the next free starts, two cancelled, walk-ins
// served at a desk.
const services = ['personalausweis', 'reisepass', 'meldebescheinigung'];
let booked = 0;
for (let i = 0; i < 9; i++) {
  const s = services[i % 3];
  const next = await call('GET', `/v1/availability/next?services=${s}&offices=aalen-rathaus&limit=${1 + i}`, 'demo-hotline');
  const start = next.data?.slots?.[i]?.start;
  if (!start) continue;
  const b = await call('POST', '/v1/hotline/appointments', 'demo-hotline', { office: 'aalen-rathaus', services: [s], start, contact: { name: `Test ${i}`, phone: `+49 7361 555${i}` } });
  if (b.status === 201) booked++;
  if (b.status === 201 && i % 4 === 3) await call('POST', `/v1/hotline/appointments/${b.data.reference}/cancel`, 'demo-hotline');
}
check(booked >= 6, `evaluation: ${booked} bookings made through the hotline`);
await call('POST', '/v1/desk/schalter-1/open', 'demo-desk-rathaus');
for (let i = 0; i < 3; i++) {
  await call('POST', '/v1/kiosk/tickets', 'demo-kiosk-rathaus', { services: ['personalausweis'] });
  const c = await call('POST', '/v1/desk/schalter-1/call-next', 'demo-desk-rathaus');
  if (c.status === 200) { await call('POST', '/v1/desk/schalter-1/start', 'demo-desk-rathaus'); await call('POST', '/v1/desk/schalter-1/done', 'demo-desk-rathaus'); }
}
// The waitlist: two wishes, one withdrawn at once (the figure counts both).
const latest = new Date(Date.now() + 3 * 86400000).toISOString().slice(0, 10);
let wishes = 0;
for (let i = 0; i < 2; i++) {
  const w = await call('POST', '/v1/waitlist', '', { services: ['reisepass'], offices: ['aalen-rathaus'], latest, contact: { name: `Wunsch ${i}`, email: `wunsch${i}@example.org` } });
  if (w.status !== 201) continue;
  wishes++;
  if (i === 1) {
    const r = await fetch(`${api}/v1/waitlist/${w.data.wishes[0].id}`, { method: 'DELETE', headers: { 'X-Wish-Secret': w.data.secret } });
    check(r.status === 204, 'evaluation: a wish withdrawn');
  }
}
check(wishes === 2, `evaluation: ${wishes} waitlist wishes made`);
const month = new Date().toISOString().slice(0, 7);

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
const { audit, counts: axe } = axeAuditor(check);
async function shot(page, name) {
  for (const w of [1280, 320]) {
    await page.setViewportSize({ width: w, height: 900 });
    await page.screenshot({ path: join(shots, `evaluation-${name}-${w}.png`), fullPage: true });
    if (w === 320) check(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), `${name}: no horizontal scrolling at 320 px`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

const ctx = await browser.newContext({ locale: 'de-DE', viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce', acceptDownloads: true });
const page = await ctx.newPage();
await page.goto(`${api}/auswertung?office=aalen-rathaus&month=${month}`);
const ev = page.locator('termin-evaluation');
await audit(page, 'evaluation sign-in');
await ev.getByLabel('Schlüssel (API-Key) der Amtsleitung').fill('demo-admin');
await page.keyboard.press('Enter');
await ev.getByRole('heading', { name: /Terminvergabe/ }).waitFor();
check(await ev.getByRole('img', { name: /Schalterzeit/ }).count() === 1, 'de month: the capacity chart is an image with a name');
check(await ev.getByRole('table').count() >= 8, 'de month: every chart has its table');
const bookingsTable = await ev.getByRole('table', { name: 'Buchungen nach Weg: Anliegen' }).innerText();
check(/Personalausweis/.test(bookingsTable), 'de month: bookings by service list the booked services by name');
check(/Nicht bestätigt/.test(bookingsTable), 'de month: bookings by service show the double opt-in columns');
check(await ev.getByRole('img', { name: /Warteliste/ }).count() === 1, 'de month: the waitlist chart is an image with a name');
const waitlistTable = await ev.getByRole('table', { name: 'Warteliste: Wünsche und wie sie endeten' }).innerText();
check(/Zurückgezogen/.test(waitlistTable) && /\t2\t/.test(waitlistTable), 'de month: the waitlist table counts the wishes and how they ended');
await audit(page, 'evaluation month (de)');
await shot(page, 'month-de');
// CSV download: for Excel.
const [download] = await Promise.all([page.waitForEvent('download'), ev.getByRole('button', { name: 'Buchungen nach Weg als CSV (Excel)' }).click()]);
const csv = readFileSync(await download.path(), 'utf8');
check(csv.charCodeAt(0) === 0xfeff && csv.includes('period;channel;service;bookings') && csv.includes('\r\n'), 'csv: BOM, semicolons, header row, CRLF');
// Print: the A4 report, controls hidden.
await page.emulateMedia({ media: 'print' });
check(await ev.getByRole('button', { name: 'Anzeigen', exact: true }).isHidden(), 'print: the controls are hidden');
await page.screenshot({ path: join(shots, 'evaluation-print-de.png'), fullPage: true });
await page.pdf({ path: join(shots, 'evaluation-report-de.pdf'), format: 'A4', printBackground: true });
await page.emulateMedia({ media: 'screen' });
// Year view.
await ev.getByLabel('Jahr', { exact: true }).check();
await ev.getByLabel('Jahr (JJJJ)').fill(month.slice(0, 4));
await ev.getByRole('button', { name: 'Anzeigen', exact: true }).click();
await ev.getByRole('heading', { name: new RegExp(`Terminvergabe .*: ${month.slice(0, 4)}$`) }).waitFor();
await audit(page, 'evaluation year (de)');
await shot(page, 'year-de');
// English.
await ev.getByRole('button', { name: 'English' }).click();
await ev.getByRole('heading', { name: /Appointments at/ }).waitFor();
check(await page.evaluate(() => document.documentElement.lang) === 'en', 'en: <html lang> follows');
check(await ev.getByRole('img', { name: /Desk time/ }).count() === 1, 'en: the capacity chart is named in English');
check(await ev.getByRole('img', { name: /Waitlist: wishes/ }).count() === 1, 'en: the waitlist chart is named in English');
await audit(page, 'evaluation year (en)');
await shot(page, 'year-en');
await ev.getByLabel('Month', { exact: true }).check();
await ev.getByLabel('Month (YYYY-MM)').fill(month);
await ev.getByRole('button', { name: 'Show', exact: true }).click();
await ev.getByRole('heading', { name: /Appointments at .*\d{4}$/ }).waitFor();
await audit(page, 'evaluation month (en)');
await shot(page, 'month-en');

await browser.close();
proc.kill();
console.log(failures ? `evaluation page: ${failures} FAILED` : 'evaluation page: all checks passed');
process.exit(failures ? 1 : 0);
