// Browser tests of the office admin's closed days, holidays and booking
// rules (#13), in German (a de-DE chromium: dates typed as dd.mm.yyyy) and in
// English (an en-GB chromium): the admin closes a whole day of the office,
// sees the booked visits on it, confirms and they are cancelled; adds the
// office's own holidays; a wrong rule is refused next to its field; a rule
// change is saved and read back. axe-core in every state, no sideways
// scrolling at 320 px, screenshots of every state at 1280 and 320 px in
// $TERMIN_SCREENSHOTS (default build/web-screenshots), named admin2-<lang>-<state>.
// (The desks' hours, breaks and exceptions are tested in staff.mjs.)
//   node test/admin.mjs --api-bin build/bin/termin-api [--store redis://127.0.0.1:6379]
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { freePort, start, launchChromium } from './processes.mjs';
import { axeAuditor, brokenWords, roundTheClockCity } from './checks.mjs';
import { join } from 'node:path';

const arg = (n, d) => { const i = process.argv.indexOf(n); return i > 0 ? process.argv[i + 1] : d; };
const root = new URL('../../../', import.meta.url).pathname;
const apiBin = arg('--api-bin', join(root, 'build/bin/termin-api'));
const store = arg('--store', 'memory');
const shots = process.env.TERMIN_SCREENSHOTS || join(root, 'build/web-screenshots');
mkdirSync(shots, { recursive: true });
const t0 = Date.now();
let failures = 0;
const check = (ok, what) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); if (!ok) failures++; };

// The demo city, the Rathaus open around the clock, no minimum notice.
const cityFile = roundTheClockCity(root, join(shots, 'admin2-city.json'));

const apiPort = await freePort();
const api = `http://127.0.0.1:${apiPort}`;
const proc = await start(apiBin, ['--port', String(apiPort), '--bind', '127.0.0.1', '--store', store, '--seed', cityFile, '--keys', join(root, 'data/demo-keys.json'),
  '--web-root', join(root, 'clients/web/dist'), '--no-access-log', '--threads', '2', '--staff-requests-per-minute', '100000'], /listening on/);
const call = async (method, path, key, body) => {
  const r = await fetch(api + path, { method, headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', 'Idempotency-Key': Math.random().toString(36).slice(2) }, body: body ? JSON.stringify(body) : undefined });
  return { status: r.status, data: await r.json().catch(() => null) };
};
const office = async () => (await call('GET', '/v1/admin/offices/aalen-rathaus', 'demo-admin')).data;
const status = async (ref) => (await call('GET', `/v1/hotline/appointments/${ref}`, 'demo-hotline')).data.status;

const { audit, counts: axe } = axeAuditor(check);
async function shot(page, name) {
  for (const w of [1280, 320]) {
    await page.setViewportSize({ width: w, height: 900 });
    // From the top: a full-page capture of a page scrolled to a focused field left tiles blank at 320 px.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(shots, `admin2-${name}-${w}.png`), fullPage: true });
    if (w === 320) {
      check(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), `${name}: no horizontal scrolling at 320 px`);
      const broken = await brokenWords(page);
      check(broken.length === 0, `${name}: no word broken mid-word at 320 px${broken.length ? ` (${broken.slice(0, 5).join(', ')})` : ''}`);
    }
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

const berlinDay = (ms) => new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'Europe/Berlin' }).format(new Date(ms));
// The first day from `ahead` days on with free starts; two visits booked on it.
async function twoVisitsOnADay(ahead) {
  for (let d = ahead; d < ahead + 14; d++) {
    const day = berlinDay(Date.now() + d * 86400000);
    const a = await call('GET', `/v1/availability?services=meldebescheinigung&office=aalen-rathaus&from=${day}&to=${day}`, 'demo-hotline');
    const slots = a.data?.days?.[0]?.slots || [];
    if (slots.length < 2) continue;
    const refs = [];
    for (const [i, s] of [slots[0], slots[slots.length - 1]].entries()) {
      const r = await call('POST', '/v1/hotline/appointments', 'demo-hotline', { office: 'aalen-rathaus', services: ['meldebescheinigung'], start: s.start, contact: { name: 'Schließtag Test', phone: `+49 7361 70${i}` } });
      if (r.status === 201) refs.push(r.data.reference);
    }
    return { day, refs };
  }
  throw new Error('no day with free starts');
}

// Visits at these local times on the first day from `ahead` days on that has them free.
async function visitsAt(ahead, times) {
  for (let d = ahead; d < ahead + 14; d++) {
    const day = berlinDay(Date.now() + d * 86400000);
    const a = await call('GET', `/v1/availability?services=meldebescheinigung&office=aalen-rathaus&from=${day}&to=${day}`, 'demo-hotline');
    const slots = a.data?.days?.[0]?.slots || [];
    const picked = times.map((t) => slots.find((s) => s.start.includes(`T${t}:00`)));
    if (picked.some((s) => !s)) continue;
    const refs = [];
    for (const [i, s] of picked.entries()) {
      const r = await call('POST', '/v1/hotline/appointments', 'demo-hotline', { office: 'aalen-rathaus', services: ['meldebescheinigung'], start: s.start, contact: { name: 'Teilschließung Test', phone: `+49 7361 80${i}` } });
      if (r.status === 201) refs.push(r.data.reference);
    }
    return { day, refs };
  }
  throw new Error(`no day with ${times.join(' and ')} free`);
}

const L = {
  de: { locale: 'de-DE', key: 'Schlüssel (API-Key)', office: 'Amt', load: 'Laden', closures: 'Schließtage', date: 'Datum des Schließtags', closedTimes: 'Nur zeitweise geschlossen (freiwillig)', reason: 'Grund', addClosure: 'Schließtag hinzufügen',
    save: 'Änderungen speichern', affected: 'Diese Änderung betrifft gebuchte Termine:', confirm: 'Speichern und diese Termine absagen', saved: /Gespeichert\. 2 Termine abgesagt\./, savedOne: /Gespeichert\. 1 Termin abgesagt\./, savedPlain: /^Gespeichert\.$/,
    holidayName: 'Name des Feiertags', holidayDate: 'Datum des Feiertags', yearly: 'Jedes Jahr an diesem Tag und Monat', once: 'Einmalig an diesem Datum', addHoliday: 'Feiertag hinzufügen', holiday: ['Friedensfest', 'Tag der offenen Tür'],
    grid: 'Zeitraster', notice: 'Mindestvorlauf für Online-Buchungen', ahead: 'Buchbar im Voraus', buffer: 'Anteil Puffertermine', release: 'Puffertermine online buchbar ab', optIn: 'Bestätigung per Link (Double-Opt-in)', reminders: 'Erinnerungen vor dem Termin',
    summary: 'Bitte prüfen Sie diese Angaben:', gridError: 'Das Raster muss einen Tag glatt teilen', rangeError: 'Bitte eine ganze Zahl von 0 bis 366 eingeben.', reasonText: 'Betriebsversammlung',
    // Keys typed into the date input, day first in German.
    typeDate: (iso) => iso.slice(8, 10) + iso.slice(5, 7) + iso.slice(0, 4) },
  en: { locale: 'en-GB', key: 'Key (API key)', office: 'Office', load: 'Load', closures: 'Closed days', date: 'Date of the closed day', closedTimes: 'Closed part of the day only (optional)', reason: 'Reason', addClosure: 'Add closed day',
    save: 'Save changes', affected: 'This change affects booked appointments:', confirm: 'Save and cancel these appointments', saved: /Saved\. 2 appointments cancelled\./, savedOne: /Saved\. 1 appointment cancelled\./, savedPlain: /^Saved\.$/,
    holidayName: 'Name of the holiday', holidayDate: 'Date of the holiday', yearly: 'Every year on this day and month', once: 'Once, on this date', addHoliday: 'Add holiday', holiday: ['Reichsstädter Tage', 'Staff training'],
    grid: 'Time grid', notice: 'Minimum notice for online bookings', ahead: 'Bookable ahead', buffer: 'Share of same-day buffer', release: 'Buffer bookable online from', optIn: 'Confirmation by link (double opt-in)', reminders: 'Reminders before the appointment',
    summary: 'Please check these entries:', gridError: 'The grid must divide a day evenly', rangeError: 'Please enter a whole number from 0 to 366.', reasonText: 'Staff meeting',
    typeDate: (iso) => iso.slice(8, 10) + iso.slice(5, 7) + iso.slice(0, 4) },
};
// Values each run saves, different per language so the read-back proves the run.
const R = { de: { grid: '10', notice: '120', ahead: '90', buffer: '25', release: '07:00', optIn: '30', reminders: '1440, 60' },
  en: { grid: '15', notice: '30', ahead: '45', buffer: '0', release: '00:00', optIn: '0', reminders: '2880' } };

async function run(lang, ahead) {
  const l = L[lang];
  const browser = await launchChromium(chromium, l.locale);
  const page = await (await browser.newContext({ locale: l.locale, viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' })).newPage();
  await page.goto(`${api}/admin${lang === 'en' ? '?lang=en' : ''}`);
  const a = page.locator('termin-admin');
  await a.getByLabel(l.key).fill('demo-admin');
  await page.keyboard.press('Enter');
  await a.getByRole('combobox', { name: l.office, exact: true }).selectOption('aalen-rathaus');
  await a.getByRole('button', { name: l.load }).click();
  await a.getByRole('heading', { name: l.closures }).waitFor();
  check(await page.evaluate(() => document.documentElement.lang) === lang, `${lang}: <html lang="${lang}">`);
  check(lang === 'de' || !(await page.title()).includes('Amt verwalten'), `${lang}: the page title is in the screen's language (${await page.title()})`);
  await audit(page, `${lang} office`); await shot(page, `${lang}-office`);

  // 1. A whole closed day over two booked visits: listed, then cancelled.
  const { day, refs } = await twoVisitsOnADay(ahead);
  check(refs.length === 2, `${lang}: two visits booked on ${day} (${refs.join(', ')})`);
  const dateInput = a.getByLabel(l.date, { exact: true });
  // Focus (not a click, which lands on whichever segment is under the pointer) starts at the first segment.
  await dateInput.focus();
  // The browser's date input in the language's order: typed day first.
  await page.keyboard.type(l.typeDate(day));
  check(await dateInput.inputValue() === day, `${lang}: the closed day typed day-month-year (${l.typeDate(day)}) reads ${day}`);
  await a.getByLabel(l.reason).fill(l.reasonText);
  await audit(page, `${lang} closed day typed`); await shot(page, `${lang}-closure-typed`);
  await a.getByRole('button', { name: l.addClosure }).click();
  await a.getByRole('button', { name: l.save }).click();
  const box = a.locator('#conflict');
  await box.getByRole('heading', { name: l.affected }).waitFor();
  const text = await box.textContent();
  check(refs.every((r) => text.includes(r)), `${lang}: closing ${day} lists both visits on it (${refs.join(', ')})`);
  check(await a.evaluate((el) => el.shadowRoot.activeElement?.id === 'conflict'), `${lang}: the list of affected visits takes the focus`);
  check((await status(refs[0])) === 'confirmed' && (await status(refs[1])) === 'confirmed', `${lang}: nothing cancelled before the question is answered`);
  check(!(await office()).closures.some((c) => c.date === day), `${lang}: the closed day is not saved before the question is answered`);
  await audit(page, `${lang} closed day affects visits`); await shot(page, `${lang}-closure-affected`);
  await a.getByRole('button', { name: l.confirm }).click();
  await a.getByText(l.saved).waitFor();
  check((await status(refs[0])) === 'cancelled' && (await status(refs[1])) === 'cancelled', `${lang}: after confirming, both visits on ${day} are cancelled`);
  const saved = (await office()).closures.find((c) => c.date === day);
  check(saved?.reason === l.reasonText, `${lang}: the closed day ${day} is saved with its reason`);
  await audit(page, `${lang} closed day saved`); await shot(page, `${lang}-closure-saved`);

  // 1b. Closed part of a day (12:00-16:00, every desk): only the visit inside it is listed and cancelled.
  const part = await visitsAt(ahead + 1, ['09:00', '14:00']);
  check(part.refs.length === 2, `${lang}: visits at 09:00 and 14:00 on ${part.day} (${part.refs.join(', ')})`);
  await a.getByLabel(l.date, { exact: true }).fill(part.day);
  await a.getByLabel(l.closedTimes).fill('12:00-16:00');
  await a.getByRole('button', { name: l.addClosure }).click();
  await a.getByRole('button', { name: l.save }).click();
  await box.getByRole('heading', { name: l.affected }).waitFor();
  const text2 = await box.textContent();
  check(text2.includes(part.refs[1]) && !text2.includes(part.refs[0]), `${lang}: closing ${part.day} 12:00-16:00 lists the 14:00 visit ${part.refs[1]}, not the 09:00 one`);
  await audit(page, `${lang} part-day closure affects a visit`); await shot(page, `${lang}-part-closure-affected`);
  await a.getByRole('button', { name: l.confirm }).click();
  await a.getByText(l.savedOne).waitFor();
  check((await status(part.refs[1])) === 'cancelled' && (await status(part.refs[0])) === 'confirmed', `${lang}: the 14:00 visit is cancelled, the 09:00 one still confirmed`);
  const kept = (await office()).closures.find((c) => c.date === part.day);
  check(JSON.stringify(kept?.hours) === JSON.stringify([['00:00', '12:00'], ['16:00', '24:00']]), `${lang}: saved as the hours every desk keeps that day (${JSON.stringify(kept)})`);
  check(await a.getByRole('listitem').filter({ hasText: lang === 'de' ? 'geschlossen 12:00–16:00 Uhr' : 'closed 12:00–16:00' }).count() >= 1, `${lang}: the list says which part of the day is closed`);

  // 2. The office's own holidays, every year and once.
  const yearly = `${day.slice(0, 4)}-08-08`, once = berlinDay(Date.now() + (ahead + 200) * 86400000);
  // Day first, unambiguously: 24122030 is 24 December 2030 in both orders used here (mm/dd would refuse a month 24).
  const holDate = a.getByLabel(l.holidayDate, { exact: true });
  await holDate.focus();
  await page.keyboard.type('24122030');
  check(await holDate.inputValue() === '2030-12-24', `${lang}: the date input reads day, month, year (24122030 -> ${await holDate.inputValue()})`);
  await a.getByLabel(l.holidayName).fill(l.holiday[0]);
  await a.getByLabel(l.holidayDate, { exact: true }).fill(lang === 'de' ? yearly : yearly.replace('-08-08', '-07-01'));
  await a.getByRole('radio', { name: l.yearly }).check();
  await a.getByRole('button', { name: l.addHoliday }).click();
  await a.getByLabel(l.holidayName).fill(l.holiday[1]);
  await a.getByLabel(l.holidayDate, { exact: true }).fill(once);
  await a.getByRole('radio', { name: l.once }).check();
  await a.getByRole('button', { name: l.addHoliday }).click();
  await a.getByRole('listitem').filter({ hasText: l.holiday[1] }).waitFor();
  await audit(page, `${lang} holidays added`); await shot(page, `${lang}-holidays`);

  // 3. Rules: a wrong grid and a range error next to their fields.
  await a.getByLabel(l.grid, { exact: true }).fill('7');
  await a.getByLabel(l.ahead, { exact: true }).fill('400');
  await a.getByRole('button', { name: l.save }).click();
  const sum = a.locator('#summary');
  await sum.getByRole('heading', { name: l.summary }).waitFor();
  check(await a.evaluate((el) => el.shadowRoot.activeElement?.id === 'summary'), `${lang}: the error summary takes the focus`);
  const gridDesc = await a.getByLabel(l.grid, { exact: true }).evaluate((el) => el.getAttribute('aria-describedby').split(' ').map((id) => el.getRootNode().getElementById(id)?.textContent).join(' '));
  check(gridDesc.includes(l.gridError), `${lang}: the grid's error is next to it and in its description`);
  check(await a.getByLabel(l.ahead, { exact: true }).getAttribute('aria-invalid') === 'true' && (await a.getByText(l.rangeError).count()) >= 1, `${lang}: 400 days ahead refused with the range`);
  await sum.getByRole('link', { name: new RegExp(l.grid) }).click();
  check(await a.evaluate((el) => el.shadowRoot.activeElement?.id === 'r-grid_minutes'), `${lang}: the summary's link moves the focus to the field`);
  check((await office()).rules.grid_minutes !== 7, `${lang}: nothing saved while a rule is wrong`);
  await audit(page, `${lang} rule errors`); await shot(page, `${lang}-rule-errors`);

  // 4. A rule change saved and read back (API and form).
  const v = R[lang];
  for (const k of Object.keys(v)) await a.getByLabel(l[k], { exact: true }).fill(v[k]);
  await a.getByRole('button', { name: l.save }).click();
  await a.getByText(l.savedPlain).waitFor();
  const doc = await office();
  const r = doc.rules;
  check(r.grid_minutes === Number(v.grid) && r.min_notice_minutes === Number(v.notice) && r.max_days_ahead === Number(v.ahead) && (r.same_day_buffer_percent || 0) === Number(v.buffer)
    && (Number(v.buffer) === 0 || r.same_day_buffer_release === v.release) && (r.double_opt_in_minutes || 0) === Number(v.optIn) && r.reminder_minutes_before.join(', ') === v.reminders,
  `${lang}: the rules are saved (${JSON.stringify(r)})`);
  const hol = doc.holidays || [];
  check(hol.some((h) => h.name === l.holiday[0] && h.every_year) && hol.some((h) => h.name === l.holiday[1] && h.date === once), `${lang}: both holidays are saved (${JSON.stringify(hol)})`);
  await a.getByRole('button', { name: l.load }).click();
  await a.getByRole('heading', { name: l.closures }).waitFor();
  const back = {};
  for (const k of Object.keys(v)) back[k] = await a.getByLabel(l[k], { exact: true }).inputValue();
  check(Object.keys(v).every((k) => k === 'release' && v.buffer === '0' ? true : back[k] === v[k]), `${lang}: the form shows the saved rules after loading again (${JSON.stringify(back)})`);
  await audit(page, `${lang} rules saved`); await shot(page, `${lang}-rules-saved`);
  await browser.close();
}

try {
  await run('de', 3);
  await run('en', 5);
} catch (e) {
  console.log(`FAIL ${e.stack || e}`);
  failures++;
} finally {
  proc.kill('SIGTERM');
}
console.log(`admin browser tests (${store}): ${failures} failures; axe: ${axe.runs} screens, ${axe.violations} violations; ${((Date.now() - t0) / 1000).toFixed(1)} s; screenshots in ${shots}/admin2-*`);
process.exit(failures ? 1 : 0);
