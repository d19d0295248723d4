// Browser tests of the staff screens (kiosk, desk console, call display,
// hotline console, office admin): Debian's chromium through playwright-core
// against a real termin-api (embedded store, or Redis with --store redis://…)
// with the demo keys. The city is the demo city with the Rathaus and its
// desks open all day every day, so the day's queue works whenever the test
// runs. Screenshots go to $TERMIN_SCREENSHOTS (default build/web-screenshots).
//   node test/staff.mjs --api-bin build/bin/termin-api [--store redis://127.0.0.1:6379]
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

// The demo city, the Rathaus open around the clock (no minimum notice).
const cityFile = roundTheClockCity(root, join(shots, 'staff-city.json'));

const apiPort = await freePort();
const api = `http://127.0.0.1:${apiPort}`;
const proc = await start(apiBin, ['--port', String(apiPort), '--bind', '127.0.0.1', '--store', store, '--seed', cityFile, '--keys', join(root, 'data/demo-keys.json'),
  '--web-root', join(root, 'clients/web/dist'), '--no-access-log', '--threads', '2', '--staff-requests-per-minute', '100000'], /listening on/);
const keys = { hotline: 'demo-hotline', kiosk: 'demo-kiosk-rathaus', desk: 'demo-desk-rathaus', admin: 'demo-admin' };
const call = async (method, path, key, body) => {
  const r = await fetch(api + path, { method, headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', 'Idempotency-Key': Math.random().toString(36).slice(2) }, body: body ? JSON.stringify(body) : undefined });
  return { status: r.status, data: await r.json().catch(() => null) };
};

// A German browser (its date inputs read dd.mm.yyyy), as in the offices.
const browser = await launchChromium(chromium, 'de-DE', ['--autoplay-policy=no-user-gesture-required']);
const { audit, counts: axe } = axeAuditor(check);
// What Tab reaches, in order (the accessible label or text of each focused
// control, through shadow roots), until the focus comes round again.
async function tabStops(page, max = 300) {
  await page.evaluate(() => document.activeElement?.blur());
  const names = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const name = await page.evaluate(() => {
      let a = document.activeElement;
      while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
      return a && a !== document.body ? (a.getAttribute('aria-label') || (a.labels?.[0]?.textContent) || a.textContent || a.id).replace(/\s+/g, ' ').trim() : '';
    });
    if (names.length && name === names[0]) break;
    names.push(name);
  }
  return names;
}
async function keyboardReaches(page, what, wanted) {
  const stops = await tabStops(page);
  const missing = wanted.filter((w) => !stops.some((n) => n.startsWith(w)));
  check(missing.length === 0, `${what}: Tab reaches ${wanted.length} actions${missing.length ? `; missing ${missing.join(', ')}` : ''} (${stops.length} stops)`);
}
// Desk, hotline, admin: 1280 and 320 wide; kiosk and display at their own size.
async function shot(page, name, sizes = [[1280, 900], [320, 900]]) {
  for (const [w, h] of sizes) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: join(shots, `staff-${name}-${w}.png`), fullPage: sizes.length > 1 });
    if (w === 320) {
      check(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), `${name}: no horizontal scrolling at 320 px`);
      const broken = await brokenWords(page);
      check(broken.length === 0, `${name}: no word broken mid-word at 320 px${broken.length ? ` (${broken.slice(0, 5).join(', ')})` : ''}`);
    }
  }
  await page.setViewportSize({ width: sizes[0][0], height: sizes[0][1] });
}
const newPage = async (viewport = { width: 1280, height: 900 }) => (await browser.newContext({ locale: 'de-DE', viewport, reducedMotion: 'reduce' })).newPage();
const T = { de: { english: 'English', signIn: 'Anmelden', key: 'Schlüssel (API-Key)' }, en: { signIn: 'Sign in', key: 'Key (API key)' } };
const switchLang = async (page) => { await page.getByRole('button', { name: 'English' }).click(); };

let ref = '', checkinTicket = '';
const note = 'Bringt Dolmetscher mit';
const phone = `+49 7361 ${String(Date.now()).slice(-6)}`;

async function hotline() {
  for (const lang of ['de', 'en']) {
    const page = await newPage();
    await page.goto(`${api}/hotline${lang === 'en' ? '?lang=en' : ''}`);
    const h = page.locator('termin-hotline');
    const L = lang === 'de'
      ? { key: 'Schlüssel (API-Key)', signIn: 'Anmelden', service: 'Anliegen', office: 'Amt', find: 'Suchen', name: 'Vor- und Nachname', phone: 'Telefonnummer', email: 'E-Mail-Adresse (freiwillig)', book: 'Termin buchen', by: 'Suchen nach', term: 'Suchbegriff', note: 'Neue Notiz', addNote: 'Notiz speichern', move: 'Verschieben', moved: 'Der Termin ist verschoben.', cancel: 'Absagen', cancelYes: 'Ja, Termin absagen' }
      : { key: 'Key (API key)', signIn: 'Sign in', service: 'Service', office: 'Office', find: 'Search', name: 'Full name', phone: 'Phone number', email: 'Email address (optional)', book: 'Book appointment', by: 'Search by', term: 'Search term', note: 'New note', addNote: 'Save note', move: 'Move', moved: 'The appointment has been moved.', cancel: 'Cancel', cancelYes: 'Yes, cancel the appointment' };
    if (lang === 'de') { await audit(page, 'hotline sign-in'); await shot(page, 'hotline-de-signin'); }
    await h.getByLabel(L.key).fill(keys.hotline);
    await page.keyboard.press('Enter');
    const service = h.getByRole('combobox', { name: L.service });
    await service.waitFor();
    check(await page.evaluate(() => Object.keys(localStorage).length === 0 && sessionStorage.getItem('termin.hotline') === 'demo-hotline'), `hotline (${lang}): the key is in sessionStorage only`);
    // Keyboard only: pick the service and office, search, take the first start.
    await page.keyboard.press('Alt+1');
    await service.selectOption('meldebescheinigung');
    await h.getByRole('combobox', { name: L.office }).selectOption('aalen-rathaus');
    await h.getByRole('button', { name: L.find }).first().press('Enter');
    const first = h.locator('.starts button').first();
    await first.waitFor({ timeout: 5000 }).catch(async (e) => { await page.screenshot({ path: join(shots, 'staff-debug.png') }); throw e; });
    await first.press('Enter');
    await h.getByLabel(L.name).waitFor();
    await page.keyboard.type(lang === 'de' ? 'Erika Anruferin' : 'Alex Caller'); await page.keyboard.press('Tab');
    await page.keyboard.type(phone); await page.keyboard.press('Tab');
    await page.keyboard.type('caller@example.org');
    if (lang === 'de') await audit(page, 'hotline book form');
    await h.getByRole('button', { name: L.book }).press('Enter');
    const refText = h.locator('.ref');
    await refText.waitFor();
    const booked = (await refText.textContent()).trim();
    check(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/.test(booked), `hotline (${lang}): booked for the caller, reference read back ${booked}`);
    if (lang === 'de') ref = booked;
    await audit(page, `hotline booked (${lang})`); await shot(page, `hotline-${lang}-booked`);
    // Find it by phone.
    await page.keyboard.press('Alt+2');
    await h.getByRole('combobox', { name: L.by }).selectOption('phone');
    await h.getByLabel(L.term).fill(phone);
    await h.getByLabel(L.term).press('Enter');
    const hit = h.locator('.results button', { hasText: booked });
    await hit.waitFor();
    check(true, `hotline (${lang}): found ${booked} by phone`);
    await hit.press('Enter');
    await h.getByRole('heading', { name: booked }).waitFor();
    await h.getByLabel(L.note).fill(note);
    await h.getByRole('button', { name: L.addNote }).click();
    await h.getByText(/Bringt Dolmetscher mit/).waitFor();
    await audit(page, `hotline appointment (${lang})`); await shot(page, `hotline-${lang}-appointment`);
    if (lang === 'en') {
      await h.getByRole('button', { name: L.move, exact: true }).click();
      await h.locator('.move button').first().click();
      await h.getByText(L.moved).waitFor({ state: 'attached' });
      await h.getByRole('button', { name: L.cancel, exact: true }).click();
      await h.getByRole('button', { name: L.cancelYes }).click();
      await h.locator('dd', { hasText: 'cancelled' }).waitFor();
      check(true, 'hotline (en): moved and cancelled');
    }
    await page.context().close();
  }
}
async function kiosk() {
  if (!ref) {  // without the hotline step: a booking of today
    const next = await call('GET', '/v1/availability/next?services=meldebescheinigung&offices=aalen-rathaus&limit=1', keys.hotline);
    ref = (await call('POST', '/v1/hotline/appointments', keys.hotline, { office: 'aalen-rathaus', services: ['meldebescheinigung'], start: next.data.slots[0].start, contact: { name: 'Kiosk Test', phone } })).data.reference;
  }
  check((await call('POST', '/v1/desk/schalter-1/open', keys.desk)).status === 200, 'kiosk: schalter-1 opened for walk-ins');
  const page = await newPage({ width: 1080, height: 1920 });
  await page.goto(`${api}/kiosk?idle=3`);
  const k = page.locator('termin-kiosk');
  await k.getByLabel('Schlüssel (API-Key)').fill(keys.kiosk);
  await k.getByLabel('Amt').selectOption('aalen-rathaus');
  await audit(page, 'kiosk setup');
  await k.getByRole('button', { name: 'Anmelden' }).click();
  await k.getByRole('heading', { name: 'Ich habe einen Termin' }).waitFor();
  await audit(page, 'kiosk start');
  await page.screenshot({ path: join(shots, 'staff-kiosk-de-start-1080x1920.png') });
  await shot(page, 'kiosk-de-start', [[1080, 1920], [320, 900]]);
  const small = await k.evaluate((el) => [...el.shadowRoot.querySelectorAll('button, input, select')].filter((b) => { const r = b.getBoundingClientRect(); return r.height < 44 || r.width < 44; }).length);
  check(small === 0, `kiosk: every touch target at least 44 px (${small} smaller)`);
  // The keyboard-wedge scanner types the QR text and Enter into the focused field.
  const input = k.getByRole('textbox', { name: /Buchungsnummer eingeben oder QR-Code scannen/ });
  await input.focus();
  await page.keyboard.type(`TERMIN:${ref}`);
  await page.keyboard.press('Enter');
  await k.getByRole('heading', { name: 'Ihre Wartenummer' }).waitFor();
  const ticket = (await k.locator('.number').textContent()).trim();
  check(/^[A-Z]\d{3}$/.test(ticket), `kiosk: checked in by QR text, ticket ${ticket}`);
  checkinTicket = ticket;
  await audit(page, 'kiosk check-in ticket');
  await page.screenshot({ path: join(shots, 'staff-kiosk-de-checkin-1080x1920.png') });
  await page.emulateMedia({ media: 'print' });
  await page.setViewportSize({ width: 302, height: 600 });
  await page.screenshot({ path: join(shots, 'staff-kiosk-print-80mm.png'), fullPage: true });
  await page.emulateMedia({ media: 'screen' });
  await page.setViewportSize({ width: 1080, height: 1920 });
  // Back to the start after inactivity, nothing of the visitor left.
  await k.getByRole('heading', { name: 'Ich habe einen Termin' }).waitFor({ timeout: 6000 });
  const text = await k.evaluate((el) => el.shadowRoot.textContent + [...el.shadowRoot.querySelectorAll('input')].map((i) => i.value).join(''));
  check(!text.includes(ticket) && !text.includes(ref), 'kiosk: back to the start after inactivity, no ticket or reference left');
  // Walk-in: a service, a number with the expected wait.
  await k.getByRole('button', { name: /Meldebescheinigung/ }).click();
  await k.getByRole('heading', { name: 'Ihre Wartenummer' }).waitFor();
  const walk = (await k.locator('.number').textContent()).trim();
  check(/^[A-Z]\d{3}$/.test(walk) && walk !== ticket && /Wartezeit etwa|gleich an der Reihe/.test(await k.locator('.wait').textContent()), `kiosk: walk-in ticket ${walk} with the expected wait`);
  await audit(page, 'kiosk walk-in ticket');
  await page.screenshot({ path: join(shots, 'staff-kiosk-de-walkin-1080x1920.png') });
  await shot(page, 'kiosk-de-walkin', [[1080, 1920], [320, 900]]);
  await k.getByRole('button', { name: 'Fertig' }).click();
  // Refused: no desk opened today serves lost property.
  await k.getByRole('button', { name: /Fundsachen/ }).click();
  await k.getByRole('heading', { name: 'Heute keine Wartenummer mehr' }).waitFor();
  check(/Nächster freier Termin/.test(await k.evaluate((el) => el.shadowRoot.textContent)), 'kiosk: refusal with the next free appointment');
  await audit(page, 'kiosk refusal');
  await page.screenshot({ path: join(shots, 'staff-kiosk-de-refused-1080x1920.png') });
  await k.getByRole('button', { name: 'Zurück zum Start' }).click();
  await switchLang(page);
  await k.getByRole('heading', { name: 'I have an appointment' }).waitFor();
  await audit(page, 'kiosk start (en)');
  await page.screenshot({ path: join(shots, 'staff-kiosk-en-start-1080x1920.png') });
  await k.getByRole('button', { name: /certificate of registration|Meldebescheinigung/i }).click();
  await k.getByRole('heading', { name: 'Your number' }).waitFor();
  await audit(page, 'kiosk walk-in ticket (en)');
  await page.screenshot({ path: join(shots, 'staff-kiosk-en-walkin-1080x1920.png') });
  await shot(page, 'kiosk-en-walkin', [[1080, 1920], [320, 900]]);
  await page.context().close();
}
async function desks() {
  const display = await newPage({ width: 1920, height: 1080 });
  await display.goto(`${api}/anzeige?office=aalen-rathaus`);
  const d = display.locator('termin-anzeige');
  await d.getByRole('button', { name: /Gong/ }).waitFor();
  for (let i = 0; i < 3; i++) await call('POST', '/v1/kiosk/tickets', keys.kiosk, { services: ['meldebescheinigung'] });
  const consoles = [];
  for (const desk of ['schalter-1', 'schalter-2']) {
    const page = await newPage();
    await page.goto(`${api}/desk`);
    const c = page.locator('termin-desk');
    if (!consoles.length) await audit(page, 'desk sign-in');
    await c.getByLabel('Schlüssel (API-Key)').fill(keys.desk);
    await c.getByLabel(/Schalter \(Kennung/).fill(desk);
    await c.getByRole('button', { name: 'Anmelden' }).click();
    await c.getByRole('heading', { name: /Warteschlange/ }).waitFor();
    if (desk === 'schalter-2') {
      await c.getByRole('button', { name: /Schalter öffnen/ }).waitFor();
      await audit(page, 'desk closed'); await shot(page, 'desk-de-closed');
      await page.keyboard.press('o');
      await c.getByRole('button', { name: /Nächste Person aufrufen/ }).waitFor();
    }
    consoles.push({ page, c, desk });
  }
  if (ref) {  // the hotline booked it and the kiosk checked it in
    const { c } = consoles[0];
    const ahead = c.getByRole('region', { name: /Anstehende Termine heute/ });
    await ahead.getByRole('cell', { name: ref }).waitFor();
    const row = ahead.getByRole('row').filter({ hasText: ref });
    check(/Meldebescheinigung/.test(await row.textContent()) && (await row.textContent()).includes(`ja, Nummer ${checkinTicket}`) && (await row.textContent()).includes(note),
      `desk: today's appointments list ${ref} with its services, "checked in as ${checkinTicket}" and the hotline note`);
    check(!(await c.evaluate((el) => el.shadowRoot.textContent)).includes('Erika Anruferin'), 'desk: no contact name on the desk screen');
  }
  await audit(consoles[0].page, 'desk queue'); await shot(consoles[0].page, 'desk-de-queue');
  const seen = new Set();
  let slowest = 0;
  for (let round = 0; round < 3; round++) {
    for (const { page, c, desk } of consoles) {
      await page.bringToFront();
      await page.keyboard.press('n');
      const number = c.getByRole('region', { name: 'Am Schalter' }).locator('.number');
      await number.waitFor();
      const ticket = (await number.textContent()).trim();
      const t1 = Date.now();
      check(!seen.has(ticket), `desk ${desk} round ${round + 1}: called ${ticket}, not called by another desk`);
      seen.add(ticket);
      if (ticket === checkinTicket) {
        const at = c.getByRole('region', { name: 'Am Schalter' });
        await at.getByText(note).waitFor();
        check(/Meldebescheinigung/.test(await at.textContent()) && (await at.textContent()).includes(ref), `desk ${desk}: the called appointment ${ref} shows its services and the hotline note`);
        await audit(page, 'desk called appointment with notes'); await shot(page, `desk-de-appointment`);
      }
      await display.waitForFunction((t) => { const r = document.querySelector('termin-anzeige').shadowRoot; return [...r.querySelectorAll('.newest, ol')].some((e) => e.textContent.includes(t)); }, ticket, { timeout: 2000, polling: 50 });
      slowest = Math.max(slowest, Date.now() - t1);
      if (round === 0 && desk === 'schalter-1') {
        await audit(page, 'desk called'); await shot(page, 'desk-de-called');
        await audit(display, 'call display'); await display.screenshot({ path: join(shots, 'staff-anzeige-de-1920x1080.png') });
        await shot(display, 'anzeige-de', [[1920, 1080], [320, 900]]);
        await page.keyboard.press('w');
        await c.getByText(/Aufrufe: 2/).waitFor();
      }
      await page.keyboard.press('s');
      await c.getByRole('button', { name: /Fertig/ }).waitFor();
      await page.keyboard.press('f');
      await c.getByRole('button', { name: /Nächste Person aufrufen/ }).waitFor();
    }
  }
  check(slowest < 2000, `call display showed every call within 2 s (slowest ${slowest} ms)`);
  const nodes = await d.evaluate((el) => el.shadowRoot.querySelectorAll('*').length);
  check(nodes < 80, `call display keeps a bounded DOM (${nodes} elements)`);
  const live = await d.evaluate((el) => el.shadowRoot.querySelector('[aria-live]').textContent);
  check(/^Nummer [A-Z]\d{3}, bitte zu Schalter \d\.$/.test(live.trim()), `call display announces "${live.trim()}"`);
  await switchLang(display);
  await d.getByText('Called before').waitFor();
  await audit(display, 'call display (en)'); await display.screenshot({ path: join(shots, 'staff-anzeige-en-1920x1080.png') });
  await shot(display, 'anzeige-en', [[1920, 1080], [320, 900]]);
  await deskFlows(consoles);
  const en = consoles[1];
  await call('POST', '/v1/kiosk/tickets', keys.kiosk, { services: ['meldebescheinigung'] });
  await en.page.getByRole('button', { name: 'English' }).click();
  await en.c.getByRole('heading', { name: /Queue/ }).waitFor();
  await en.page.keyboard.press('n');
  await en.c.getByRole('region', { name: 'At the desk' }).locator('.number').waitFor().catch(() => {});
  await audit(en.page, 'desk (en)'); await shot(en.page, 'desk-en-called');
  for (const x of consoles) await x.page.context().close();
  await display.context().close();
}
// Requeue, no-show and transfer on the desk console, each checked on the
// screen and in the API's queue.
async function deskFlows(consoles) {
  const [one, two] = consoles;
  const queueOf = async (desk) => (await call('GET', `/v1/desk/${desk}/queue`, keys.desk)).data;
  const tickets = [];
  for (let i = 0; i < 3; i++) tickets.push((await call('POST', '/v1/kiosk/tickets', keys.kiosk, { services: ['meldebescheinigung'] })).data.ticket);
  const { page, c } = one;
  await page.bringToFront();
  const number = c.getByRole('region', { name: 'Am Schalter' }).locator('.number');
  const callNext = async () => { await page.keyboard.press('n'); await number.waitFor(); return (await number.textContent()).trim(); };
  const nobody = () => c.getByText('Niemand am Schalter.').waitFor();
  // Back to the queue: the visitor waits again, first of the walk-ins.
  const a = await callNext();
  await page.keyboard.press('z');
  await nobody();
  let q = await queueOf('schalter-1');
  check(!q.desk.current && q.waiting.some((w) => w.ticket === a), `desk requeue: ${a} waits again (API), nobody at schalter-1`);
  await c.getByRole('region', { name: /Warteschlange/ }).getByRole('cell', { name: a, exact: true }).waitFor();
  check(true, `desk requeue: ${a} is back in the queue table on screen`);
  // No-show: called, then gone from the queue.
  const b = await callNext();
  check(b === a, `desk: the requeued ${a} is called again first (${b})`);
  await page.keyboard.press('x');
  await nobody();
  q = await queueOf('schalter-1');
  check(!q.waiting.some((w) => w.ticket === b) && !q.desk.current, `desk no-show: ${b} left the queue (API)`);
  check(await c.getByRole('region', { name: /Warteschlange/ }).getByRole('cell', { name: b, exact: true }).count() === 0, `desk no-show: ${b} is not on screen any more`);
  // Transfer to schalter-2: only schalter-2 calls it, before anyone else.
  const t = await callNext();
  await page.keyboard.press('t');
  check(await c.evaluate((el) => el.shadowRoot.activeElement?.id === 'to'), 'desk transfer: T puts the focus in the target desk field');
  await c.getByRole('combobox', { name: /Ziel-Schalter/ }).selectOption({ label: 'Schalter 2 (geöffnet)' });
  await audit(page, 'desk transfer form'); await shot(page, 'desk-de-transfer');
  await keyboardReaches(page, 'desk (called)', ['Erneut aufrufen', 'Bearbeitung beginnen', 'Nicht erschienen', 'Zurück in die Warteschlange', 'Ziel-Schalter', 'Weitergeben an', 'English', 'Abmelden']);
  await c.getByRole('combobox', { name: /Ziel-Schalter/ }).focus();
  await c.getByRole('combobox', { name: /Ziel-Schalter/ }).press('Enter');
  await nobody();
  q = await queueOf('schalter-1');
  const moved = q.waiting.find((w) => w.ticket === t);
  check(moved && moved.this_desk === false, `desk transfer: ${t} waits for schalter-2, not for schalter-1 (API: this_desk ${moved?.this_desk})`);
  const row = c.getByRole('region', { name: /Warteschlange/ }).getByRole('row').filter({ hasText: t });
  await row.waitFor();
  check(/nein/.test(await row.textContent()), `desk transfer: the queue on schalter-1 shows ${t} as not for this desk`);
  await two.page.bringToFront();
  await two.page.keyboard.press('n');
  const n2 = two.c.getByRole('region', { name: 'Am Schalter' }).locator('.number');
  await n2.waitFor();
  check((await n2.textContent()).trim() === t, `desk transfer: schalter-2 calls ${t} next (${(await n2.textContent()).trim()})`);
  await two.page.keyboard.press('s'); await two.c.getByRole('button', { name: /Fertig/ }).waitFor();
  await two.page.keyboard.press('f'); await two.c.getByRole('button', { name: /Nächste Person aufrufen/ }).waitFor();
  // The third ticket is served normally; the queue is empty then.
  await page.bringToFront();
  await callNext(); await page.keyboard.press('s'); await c.getByRole('button', { name: /Fertig/ }).waitFor();
  await page.keyboard.press('f'); await nobody();
  await page.setViewportSize({ width: 320, height: 900 });
  await page.screenshot({ path: join(shots, 'staff-desk-de-empty-320.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
}
async function admin() {
  const today = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'Europe/Berlin' }).format(new Date());
  const next = await call('GET', '/v1/availability/next?services=meldebescheinigung&offices=aalen-rathaus&limit=1', keys.hotline);
  const visit = (await call('POST', '/v1/hotline/appointments', keys.hotline, { office: 'aalen-rathaus', services: ['meldebescheinigung'], start: next.data.slots[0].start, contact: { name: 'Admin Test', phone: '+49 7361 999' } })).data.reference;
  const page = await newPage();
  await page.goto(`${api}/admin`);
  const a = page.locator('termin-admin');
  await audit(page, 'admin sign-in');
  await a.getByLabel('Schlüssel (API-Key)').fill(keys.admin);
  await page.keyboard.press('Enter');
  await a.getByRole('combobox', { name: 'Amt' }).selectOption('aalen-rathaus');
  await a.getByRole('button', { name: 'Laden' }).click();
  await a.getByRole('heading', { name: 'Schließtage' }).waitFor();
  await audit(page, 'admin office'); await shot(page, 'admin-de-office');
  await a.getByLabel('Datum des Schließtags').fill(today);
  await a.getByLabel('Grund').fill('Betriebsversammlung');
  await a.getByRole('button', { name: 'Schließtag hinzufügen' }).click();
  await a.getByRole('button', { name: 'Änderungen speichern' }).click();
  await a.getByRole('heading', { name: 'Diese Änderung betrifft gebuchte Termine:' }).waitFor();
  check(await a.getByText(visit).count() > 0, `admin: closing today (${today}) lists the affected visit ${visit} before cancelling`);
  check((await call('GET', `/v1/hotline/appointments/${visit}`, keys.hotline)).data.status === 'confirmed', 'admin: nothing cancelled before the question is answered');
  await audit(page, 'admin affected visits'); await shot(page, 'admin-de-affected');
  await a.getByRole('button', { name: 'Speichern und diese Termine absagen' }).click();
  await a.getByText(/Gespeichert\. \d+ Termine? abgesagt\./).waitFor();
  check((await call('GET', `/v1/hotline/appointments/${visit}`, keys.hotline)).data.status === 'cancelled', `admin: after the second step ${visit} is cancelled`);
  await audit(page, 'admin saved');
  await adminDesks(page, a);
  await switchLang(page);
  await a.getByRole('heading', { name: 'Closed days' }).waitFor();
  await a.locator('summary', { hasText: 'Schalter 8' }).click();
  await a.getByRole('textbox', { name: 'Monday: Breaks' }).waitFor();
  await audit(page, 'admin (en)'); await shot(page, 'admin-en-office');
  await page.context().close();
}

// A break and a removed desk that meet booked visits: the admin sees them
// and is asked; a desk added (with an exception) is there after saving.
async function adminDesks(page, a) {
  // Two lost-property visits at the same start: schalter-5 and the
  // Schnellschalter (schalter-7) are the desks for them, so one is on each.
  const next = await call('GET', '/v1/availability/next?services=fundsachen&offices=aalen-rathaus&limit=1', keys.hotline);
  const start = next.data.slots[0].start;
  const refs = [];
  for (const p of ['+49 7361 501', '+49 7361 502']) {
    const r = await call('POST', '/v1/hotline/appointments', keys.hotline, { office: 'aalen-rathaus', services: ['fundsachen'], start, contact: { name: 'Fund Test', phone: p } });
    check(r.status === 201, `admin: booked lost property at ${start} (${r.status})`);
    refs.push(r.data.reference);
  }
  const hhmm = new Intl.DateTimeFormat('de-DE', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Berlin', hourCycle: 'h23' }).format(new Date(start));
  const endH = String(Math.min(23, Number(hhmm.slice(0, 2)) + 1)).padStart(2, '0');
  const weekday = new Intl.DateTimeFormat('de-DE', { weekday: 'long', timeZone: 'Europe/Berlin' }).format(new Date(start));
  const office = async () => (await call('GET', '/v1/admin/offices/aalen-rathaus', keys.admin)).data;
  const status = async (r) => (await call('GET', `/v1/hotline/appointments/${r}`, keys.hotline)).data.status;
  const desk = (name) => a.locator('details', { has: page.locator('summary', { hasText: name }) });
  const quick = desk('Schnellschalter');
  // 1. A break over the visit on the Schnellschalter: asked, not saved.
  await quick.locator('summary').click();
  const brk = quick.getByLabel(`${weekday}: Pausen`);
  await brk.fill(`${hhmm}-${endH}:59`);
  await a.getByRole('button', { name: 'Änderungen speichern' }).click();
  const box = a.locator('#conflict');
  await box.getByRole('heading', { name: 'Diese Änderung betrifft gebuchte Termine:' }).waitFor();
  const text = await box.textContent();
  const hit = refs.filter((r) => text.includes(r));
  check(hit.length === 1, `admin: a break ${weekday} ${hhmm}-${endH}:59 on the Schnellschalter lists the visit there (${hit.join(', ')} of ${refs.join(', ')})`);
  check(await a.evaluate((el) => el.shadowRoot.activeElement?.id === 'conflict'), 'admin: the list of affected visits takes the focus');
  await audit(page, 'admin break affects visits'); await shot(page, 'admin-de-break-affected');
  await a.getByRole('button', { name: 'Nicht speichern' }).click();
  await a.getByText('Nicht gespeichert.').waitFor();
  const dayKey = new Intl.DateTimeFormat('en-US', { weekday: 'short', timeZone: 'Europe/Berlin' }).format(new Date(start)).toLowerCase().slice(0, 3);
  const kept = (await office()).desks.find((d) => d.id === 'schalter-7');
  check(!kept.breaks?.[dayKey]?.length && (await status(refs[0])) === 'confirmed' && (await status(refs[1])) === 'confirmed', 'admin: "Nicht speichern" saved nothing (no break in the API, both visits confirmed)');
  check((await brk.inputValue()).startsWith(hhmm), 'admin: the break typed is still in the form after "Nicht speichern"');
  await a.getByRole('button', { name: 'Änderungen verwerfen' }).click();
  await a.getByText('Änderungen verworfen').waitFor();
  check((await brk.inputValue()) === '', 'admin: "Änderungen verwerfen" loads the saved state again');
  // 2. Remove the Schnellschalter: its visit is listed; cancelled only after yes.
  await quick.getByRole('button', { name: 'Schalter entfernen: Schnellschalter' }).click();
  check(await desk('Schnellschalter').count() === 0, 'admin: the removed desk is gone from the form');
  await a.getByRole('button', { name: 'Änderungen speichern' }).click();
  await box.getByRole('heading', { name: 'Diese Änderung betrifft gebuchte Termine:' }).waitFor();
  const text2 = await box.textContent();
  const gone = refs.filter((r) => text2.includes(r));
  check(gone.length === 1, `admin: removing the Schnellschalter lists its visit ${gone[0]}`);
  check((await status(gone[0])) === 'confirmed', 'admin: not cancelled before the question is answered');
  await audit(page, 'admin desk removal affects visits'); await shot(page, 'admin-de-desk-removed');
  await a.getByRole('button', { name: 'Speichern und diese Termine absagen' }).click();
  await a.getByText(/Gespeichert\. 1 Termin abgesagt\./).waitFor();
  const other = refs.find((r) => r !== gone[0]);
  check(!(await office()).desks.some((d) => d.id === 'schalter-7') && (await status(gone[0])) === 'cancelled' && (await status(other)) === 'confirmed',
    `admin: the Schnellschalter is removed, ${gone[0]} cancelled, ${other} (schalter-5) still confirmed`);
  // 3. Add a desk with fewer services, an exception and a break; it is there after saving.
  await a.getByLabel('Kennung des neuen Schalters').fill('schalter-8');
  await a.getByLabel('Name des neuen Schalters').fill('Schalter 8');
  await a.getByRole('button', { name: 'Schalter hinzufügen' }).click();
  const eight = desk('Schalter 8');
  await eight.getByLabel('Montag: Pausen').fill('12:00-12:30');
  await eight.getByRole('checkbox', { name: 'Fundsachen' }).uncheck();
  const exDay = new Date(Date.now() + 20 * 86400000).toISOString().slice(0, 10);
  await eight.getByLabel('Datum der Ausnahme').fill(exDay);
  await eight.getByRole('button', { name: /Ausnahme hinzufügen/ }).click();
  await eight.getByRole('listitem').filter({ hasText: 'geschlossen' }).waitFor();
  await audit(page, 'admin new desk'); await shot(page, 'admin-de-new-desk');
  await keyboardReaches(page, 'admin', ['Laden', 'Schließtag hinzufügen', 'Schalter 8', 'Name des Schalters', 'Montag: Pausen', 'Diese Zeiten für alle Schalter übernehmen (Schalter 8)', 'Fundsachen', 'Datum der Ausnahme', 'Ausnahme hinzufügen (Schalter 8)', 'Entfernen: Schalter 8', 'Schalter entfernen: Schalter 8', 'Schalter hinzufügen', 'Änderungen speichern', 'Änderungen verwerfen']);
  await a.getByRole('button', { name: 'Änderungen speichern' }).click();
  await a.getByText(/^Gespeichert\.$/).waitFor();
  const added = (await office()).desks.find((d) => d.id === 'schalter-8');
  check(added && added.name === 'Schalter 8' && !added.services.includes('fundsachen') && added.breaks?.mon?.[0]?.join('-') === '12:00-12:30' && added.exceptions?.[0]?.date === exDay && added.exceptions[0].closed === true,
    `admin: schalter-8 saved with its services, Monday break and the closed exception on ${exDay}`);
  await a.getByRole('button', { name: 'Laden' }).click();
  await desk('Schalter 8').locator('summary').waitFor();
  check(true, 'admin: after loading again, Schalter 8 is in the list');
  check((await call('GET', '/v1/desk/schalter-8/queue', keys.desk)).status === 200, 'admin: the new desk answers on the desk console route (GET /v1/desk/schalter-8/queue 200)');
}

// TERMIN_STAFF_ONLY=desks,admin runs only those parts (while working on one screen).
const only = (process.env.TERMIN_STAFF_ONLY || 'hotline,kiosk,desks,admin').split(',');
try {
  if (only.includes('hotline')) await hotline();
  if (only.includes('kiosk')) await kiosk();
  if (only.includes('desks')) await desks();
  if (only.includes('admin')) await admin();
} catch (e) {
  console.log(`FAIL ${e.stack || e}`);
  failures++;
} finally {
  await browser.close();
  proc.kill('SIGTERM');
}
console.log(`staff browser tests (${store}): ${failures} failures; axe: ${axe.runs} screens, ${axe.violations} violations; ${((Date.now() - t0) / 1000).toFixed(1)} s; screenshots in ${shots}`);
process.exit(failures ? 1 : 0);
