// The proof of issue #14: a rush on a scarce day through two termin-api
// replicas on one Redis, human clients against a bot fleet, with the fair-use
// protections off and on (bench/README.md "rush_sim").
//
// The office (bench/rush-city.json): one desk, 80 five-minute places, only
// tomorrow bookable, hold TTL 1 minute (the shortest the rules allow).
//
// Humans: each its own address and e-mail, arriving over the first seconds;
// they look at the day, think, hold one start (solving the proof of work
// when asked), fill the form, confirm; on 409 they take an alternative or
// look again; if nothing is left they leave a wish on the waitlist (ON) or
// come back every few seconds (OFF); some give their hold back, some cancel
// later, some decline an offer.
// Bots: many concurrent loops sharing one view of the day, addresses
// rotating over a pool, e-mail identities over a pool (with +tag variants),
// no think time: hold every start they see, re-hold what lapses at the
// moment it lapses, confirm a share of their holds; they wait out a 429's
// Retry-After on that address and use another.
//
// Every claim on a start (a public hold, an offer to a wish) and every time
// a start is freed (cancel, given back, lapsed, declined) is recorded: with
// one desk a start is one place, so the claims and frees of a start
// alternate, and each freed place is traced to who got it next, how and
// when. Offers are read as the worker's link would be followed: the offer
// id is the wish id + "-o", its token the HMAC of the link key (as
// clients/web/test/browser.mjs computes it), so no worker or SMTP sink runs;
// the offer's time is its expires_at less waitlist_offer_minutes.
//
// A configuration is data (server flags, office rules, which steps the
// clients take); add one to CONFIGS. `--release-queue` adds "ON + fair
// release", skipped with a line if the admin PUT rejects its rules.
//
//   node bench/rush_sim.mjs [build/bin/termin-api] [--humans 200] [--bots 500]
//     [--bot-ips 50] [--bot-identities 10] [--duration 60] [--only off|on]
//     [--release-queue] [--seed 1]
// Exits 1 if a check of the ON configurations fails (the goal of #14).
import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

// ---------------------------------------------------------------- options
const argv = process.argv.slice(2);
const bin = argv[0] && !argv[0].startsWith('--') ? argv.shift() : 'build/bin/termin-api';
const flag = (name) => argv.includes(`--${name}`);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? Number.isNaN(Number(argv[i + 1])) ? argv[i + 1] : Number(argv[i + 1]) : dflt;
};
const O = {
  humans: opt('humans', 200),
  bots: opt('bots', 500),                  // concurrent bot loops (connections)
  botIps: opt('bot-ips', 50),
  botIdentities: opt('bot-identities', 10),
  duration: opt('duration', 125),          // seconds of the rush (two hold TTLs and more: lapses, re-holds, offers)
  arrival: opt('arrival', 20),             // humans arrive over this many seconds
  confirmShare: opt('confirm-share', 0.3), // share of its holds a bot confirms
  cancelShare: opt('cancel-share', 0.1),   // share of booked humans who cancel later
  abandonShare: opt('abandon-share', 0.05),// share of holding humans who give the hold back
  declineShare: opt('decline-share', 0.1), // share of offers a human declines
  offerPoll: opt('offer-poll', 3),         // seconds between a waiting human's looks at the mail
  threads: opt('threads', 8),
  seed: opt('seed', 1),
  tail: opt('tail', 0),                    // seconds humans go on after the bots stop
  only: opt('only', ''),
  releaseQueue: flag('release-queue'),
  botWishes: flag('bot-wishes'),           // the fleet also leaves a wish per identity and sits on offers
  quotaPerIdentity: 2,                     // appointments_per_identity when ON (the demo city's)
  tolerance: 0.02,                         // allowed excess of the bots' share over their quota share
};
const debug = (...a) => { if (process.env.RUSH_DEBUG) console.error(new Date().toISOString(), ...a); };
const OFFICE = 'rush', SERVICE = 'reisepass', HOLD_TTL_S = 60, OFFER_MIN = 5, RERELEASE_MIN = 1;

// ---------------------------------------------------------------- small tools
let rngState = O.seed >>> 0;
const rand = () => {  // mulberry32: the same run for the same seed (up to timing)
  rngState = (rngState + 0x6D2B79F5) >>> 0;
  let t = rngState;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const between = (a, b) => a + (b - a) * rand();
const sleep = (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const think = (a, b) => sleep(between(a, b) * 1000);
const quantile = (xs, q) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b), i = (s.length - 1) * q, lo = Math.floor(i);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (i - lo);
};
const freePort = () => new Promise((res) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); }); });
const berlinDate = (ms) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date(ms));
const today = berlinDate(Date.now());
const day = berlinDate(Date.parse(`${today}T12:00:00Z`) + 86400000);  // tomorrow in Berlin

// Proof of work off the event loop: the bots' solver and the humans' (each
// human's browser has a CPU of its own; here one thread stands for them, so
// a human never waits behind a bot's solve). ms is the compute time alone.
const POW_SRC = `const { parentPort } = require('node:worker_threads'); const { createHash } = require('node:crypto');
parentPort.on('message', ({ id, c }) => { const t = process.hrtime.bigint(); let n = 0;
  for (; n <= c.maxnumber; n++) if (createHash('sha256').update(c.salt + n).digest('hex') === c.challenge) break;
  parentPort.postMessage({ id, n, ms: Number(process.hrtime.bigint() - t) / 1e6 }); });`;
class PowPool {
  constructor() {
    this.w = new Worker(POW_SRC, { eval: true });
    this.w.on('error', (e) => { console.error(`rush_sim: the proof-of-work thread failed: ${e}`); process.exit(2); }); this.next = 0; this.wait = new Map(); this.w.on('message', (m) => { this.wait.get(m.id)(m); this.wait.delete(m.id); }); }
  solve(c) {
    const id = this.next++;
    const done = new Promise((res) => this.wait.set(id, res));
    this.w.postMessage({ id, c });
    return done.then((m) => ({
      ms: m.ms,
      header: Buffer.from(JSON.stringify({ algorithm: c.algorithm, challenge: c.challenge, number: m.n, salt: c.salt, signature: c.signature })).toString('base64'),
    }));
  }
  close() { return this.w.terminate(); }
}

// ---------------------------------------------------------------- servers
async function waitHealthy(url, proc) {
  for (let i = 0; i < 200; i++) {
    if (proc.exitCode !== null) throw new Error(`${url}: exited with ${proc.exitCode}`);
    try { if ((await fetch(`${url}/healthz`)).ok) return; } catch { /* not yet */ }
    await sleep(50);
  }
  throw new Error(`${url} did not answer /healthz`);
}

async function startServers(cfg, dir) {
  const procs = [];
  const redisPort = await freePort();
  const redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--dir', dir, '--save', '',
    '--appendonly', 'yes', '--appendfsync', 'everysec', '--maxclients', '4000', '--logfile', join(dir, 'redis.log')], { stdio: 'ignore' });
  procs.push(redis);
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((res) => { const p = spawn('redis-cli', ['-p', String(redisPort), 'ping'], { stdio: 'ignore' }); p.on('exit', (c) => res(c === 0)); });
    if (ok) break;
    await sleep(50);
  }
  // Today is closed, so only tomorrow (max_days_ahead 1) is bookable.
  const city = JSON.parse(readFileSync('bench/rush-city.json', 'utf8'));
  city.offices[0].closures = [{ date: today, reason: 'Simulation: nur morgen' }];
  writeFileSync(join(dir, 'city.json'), JSON.stringify(city));
  writeFileSync(join(dir, 'link.key'), randomBytes(32).toString('hex'));
  writeFileSync(join(dir, 'pow.key'), randomBytes(32).toString('hex'));
  const apis = [];
  for (let r = 0; r < 2; r++) {  // one after the other: the first seeds the fresh Redis
    const port = await freePort();
    const p = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--store', `redis://127.0.0.1:${redisPort}`,
      '--seed', join(dir, 'city.json'), '--keys', 'data/demo-keys.json', '--no-access-log', '--threads', String(O.threads),
      '--trusted-proxy', '127.0.0.1', '--link-key-file', join(dir, 'link.key'), '--pow-key-file', join(dir, 'pow.key'),
      // Every client comes through the one proxy (127.0.0.1): the cap on
      // connections per TCP peer is not what is simulated.
      '--max-connections-per-ip', '100000', ...cfg.serverArgs], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => { err = (err + d).slice(-4000); });
    p.lastErr = () => err;
    procs.push(p);
    const url = `http://127.0.0.1:${port}`;
    await waitHealthy(url, p);
    apis.push(url);
  }
  return { procs, apis, redisPort, linkKey: readFileSync(join(dir, 'link.key'), 'utf8').trim() };
}

async function stopServers(procs) {  // the replicas together, then Redis
  const stop = (p) => {
    if (p.exitCode !== null) return null;
    p.kill('SIGTERM');
    const t = setTimeout(() => p.kill('SIGKILL'), 10000);
    return new Promise((r) => p.on('exit', () => { clearTimeout(t); r(); }));
  };
  await Promise.all(procs.slice(1).map(stop));
  await stop(procs[0]);
}

// The office's rules through the admin API on one replica, read back on the
// other (the catalogue is shared through Redis). false if the PUT is refused.
async function applyRules(apis, rules) {
  const admin = { Authorization: 'Bearer demo-admin', 'Content-Type': 'application/json' };
  const path = `/v1/admin/offices/${OFFICE}`;
  const doc = await (await fetch(apis[0] + path, { headers: admin })).json();
  doc.rules = { ...doc.rules, ...rules };
  const put = await fetch(apis[0] + path, { method: 'PUT', headers: admin, body: JSON.stringify(doc) });
  const answer = await put.text();
  if (!put.ok) return { ok: false, status: put.status, answer };
  // GET leaves out rules at their default: compare the two replicas' answers.
  const want = JSON.stringify((await (await fetch(apis[0] + path, { headers: admin })).json()).rules);
  for (let i = 0; i < 100; i++) {
    const other = await (await fetch(apis[1] + path, { headers: admin })).json();
    if (JSON.stringify(other.rules) === want) return { ok: true };
    await sleep(100);
  }
  throw new Error('the second replica never saw the new rules');
}

// ---------------------------------------------------------------- one run
// ctx: the run's state; every HTTP call of a client goes through call().
function newContext(cfg, servers) {
  return {
    cfg, ...servers,
    t0: 0, botsUntil: 0, humansUntil: 0,
    status: { bot: {}, human: {} },              // status code -> count, per class
    passes: new Map(),                           // ip -> {promise, until}: release-queue passes
    queueHumanMs: [], queueBotMs: [],            // time from joining the queue to the pass
    claims: [],                                  // {t, start, cls, via: public|offer}
    frees: [],                                   // {t, start, cause, cls}
    holds: [],                                   // every 201 hold: {start, cls, expires, state, t}
    bookings: [],                                // {cls, start, t, via, cancelled}
    wishes: [],                                  // {created, offeredAt}
    humanTimes: [], humanHoldMs: [], humanConfirmMs: [], powHumanMs: [], powBotMs: [],
    places: 0,
    humanPool: new PowPool(), botPool: new PowPool(),
  };
}

async function call(ctx, cls, api, method, path, { ip, body, headers = {} } = {}) {
  const h = { 'X-Forwarded-For': ip, ...headers };
  if (body !== undefined) h['Content-Type'] = 'application/json';
  const t = performance.now();
  let r;
  try {
    r = await fetch(api + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    ctx.status[cls].err = (ctx.status[cls].err || 0) + 1;
    return { status: 0, json: null, ms: performance.now() - t, retryAfter: 1 };
  }
  const text = await r.text();
  const ms = performance.now() - t;
  ctx.status[cls][r.status] = (ctx.status[cls][r.status] || 0) + 1;
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: r.status, json, ms, retryAfter: Number(r.headers.get('retry-after') || 1) };
}

const availPath = `/v1/availability?services=${SERVICE}&office=${OFFICE}&from=${day}&to=${day}`;
const freeStarts = (json) => (json?.days || []).flatMap((d) => d.slots.filter((s) => s.free > 0).map((s) => s.start));
const holdBody = (start) => ({ office: OFFICE, services: [SERVICE], start });

// A hold with the proof of work the office may ask for: a 428 fetches a
// challenge, solves it and tries once more. Returns the last answer and the
// HTTP time (challenge + holds) and solve time spent.
// A fair release's pass for `ip` (one ticket per address): joins the
// queue and polls until admitted; one wait per address, shared by its loops.
function releasePass(ctx, cls, api, ip) {
  const known = ctx.passes.get(ip);
  if (known && (known.until === 0 || known.until > Date.now() + 1000)) return known.promise;
  const entry = { until: 0 };
  entry.promise = (async () => {
    const t0 = Date.now();
    let t = await call(ctx, cls, api, 'POST', `/v1/offices/${OFFICE}/release-queue`, { ip });
    while (t.status === 200 && t.json.state !== 'admitted') {
      const at = Date.parse(t.json.state === 'waiting-for-draw' ? t.json.draw_at : t.json.admit_at);
      await sleep(Math.min(2000, Math.max(100, at - Date.now() + 50)));
      t = await call(ctx, cls, api, 'GET', `/v1/offices/${OFFICE}/release-queue/${t.json.ticket}`, { ip });
    }
    if (t.status !== 200) { ctx.passes.delete(ip); return ''; }
    (cls === 'bot' ? ctx.queueBotMs : ctx.queueHumanMs).push(Date.now() - t0);
    entry.until = Date.parse(t.json.pass_expires_at);
    return t.json.pass;
  })();
  ctx.passes.set(ip, entry);
  return entry.promise;
}

async function holdWithPow(ctx, cls, api, ip, start, knownPow) {
  let http = 0, solve = 0, headers = {};
  const known = ctx.passes.get(ip);
  if (known?.until > Date.now()) headers['X-Release-Pass'] = await known.promise;
  for (let round = 0; round < 3; round++) {
    if (knownPow || round === 1) {
      const c = await call(ctx, cls, api, 'GET', '/v1/challenge', { ip });
      http += c.ms;
      if (c.status !== 200) return { r: c, http, solve };
      const s = await (cls === 'bot' ? ctx.botPool : ctx.humanPool).solve(c.json);
      solve += s.ms;
      (cls === 'bot' ? ctx.powBotMs : ctx.powHumanMs).push(s.ms);
      headers = { ...headers, 'X-Proof-Of-Work': s.header };
    }
    const r = await call(ctx, cls, api, 'POST', '/v1/holds', { ip, body: holdBody(start), headers });
    http += r.ms;
    // A day being released: wait in the pre-queue for a pass, then again.
    if (r.status === 429 && r.json?.type?.endsWith('release-queue') && round < 2) {
      const pass = await releasePass(ctx, cls, api, ip);
      if (!pass) return { r, http, solve };
      headers = { 'X-Release-Pass': pass };
      knownPow = knownPow || round === 1;
      continue;
    }
    if (r.status !== 428) {
      if (r.status === 201) {
        const hold = { ...r.json, cls, ip, expires: Date.parse(r.json.expires_at), state: 'open', t: Date.now() };
        ctx.holds.push(hold);
        ctx.claims.push({ t: Date.now(), start, cls, via: 'public' });
        r.hold = hold;
      }
      return { r, http, solve, pow: round === 1 || knownPow };
    }
  }
  return { r: { status: 428 }, http, solve };
}

// ---------------------------------------------------------------- humans
// The steps of a human, one function each, so a configuration can add or
// replace one (e.g. joining a release queue before the hold).
const humanSteps = {
  async look(ctx, h) {
    for (let i = 0; i < 3; i++) {
      const r = await call(ctx, 'human', h.api, 'GET', availPath, { ip: h.ip });
      if (r.status === 200) return freeStarts(r.json);
      if (r.status === 429) await sleep(r.retryAfter * 1000); else await think(1, 2);
    }
    return [];
  },
  pick(starts) {  // people prefer the early ones, not strictly the first
    if (!starts.length) return null;
    return starts[Math.floor(rand() * Math.min(starts.length, 8))];
  },
  async hold(ctx, h, start) {
    for (let i = 0; i < 3; i++) {
      const res = await holdWithPow(ctx, 'human', h.api, h.ip, start, h.knowsPow);
      if (res.pow) h.knowsPow = true;  // the widget remembers the office asks for it
      if (res.r.status === 201 || res.r.status === 409) ctx.humanHoldMs.push(res.http);
      if (res.r.status !== 429) return res;
      await sleep(res.r.retryAfter * 1000);
    }
    return { r: { status: 429 } };
  },
  async confirm(ctx, h, hold) {
    const body = { hold_id: hold.id, hold_secret: hold.secret, contact: { name: `Mensch ${h.i}`, email: h.email, language: 'de', reminders: false } };
    for (let i = 0; i < 3; i++) {
      const r = await call(ctx, 'human', h.api, 'POST', '/v1/appointments', { ip: h.ip, body, headers: { 'Idempotency-Key': `h${h.i}-${hold.id}` } });
      if (r.status === 201) ctx.humanConfirmMs.push(r.ms);
      if (r.status === 429 || r.status === 0 || r.status === 503) { await sleep(r.retryAfter * 1000); continue; }
      return r;
    }
    return { status: 429 };
  },
  // One try at a booking from a list of free starts: up to 4 holds (409:
  // an alternative or a fresh look), the form, the confirm.
  async tryBook(ctx, h, starts) {
    for (let attempt = 0; attempt < 4 && Date.now() < ctx.humansUntil; attempt++) {
      const start = humanSteps.pick(starts);
      if (!start) return false;
      const { r } = await humanSteps.hold(ctx, h, start);
      if (r.status === 201) {
        if (rand() < O.abandonShare) {  // changes their mind and gives it back
          await think(3, 10);
          const d = await call(ctx, 'human', h.api, 'DELETE', `/v1/holds/${r.hold.id}`, { ip: h.ip, headers: { 'X-Hold-Secret': r.hold.secret } });
          if (d.status === 204) { r.hold.state = 'released'; ctx.frees.push({ t: Date.now(), start, cause: 'given back', cls: 'human' }); }
          h.done = true;
          return true;
        }
        await think(15, 40);  // the form
        const c = await humanSteps.confirm(ctx, h, r.hold);
        if (c.status === 201) {
          r.hold.state = 'confirmed';
          humanSteps.booked(ctx, h, start, c.json, 'public');
          return true;
        }
        return false;  // lapsed (too slow) or refused: look again
      }
      if (r.status === 409) {
        const alt = (r.json?.alternatives || []).map((a) => a.start);
        await think(1, 3);
        starts = alt.length ? alt : await humanSteps.look(ctx, h);
        continue;
      }
      return false;
    }
    return false;
  },
  booked(ctx, h, start, appt, via) {
    const b = { cls: 'human', start, t: Date.now(), via, reference: appt.reference, secret: appt.manage_secret, cancelled: false };
    ctx.bookings.push(b);
    ctx.humanTimes.push((b.t - h.arrive) / 1000);
    h.done = true;
    if (rand() < O.cancelShare) h.cancel = b;
  },
  async cancelLater(ctx, h) {
    const b = h.cancel;
    const last = ctx.humansUntil - 20000;  // so that its place can still be traced
    const at = between(b.t + 10000, Math.max(b.t + 10000, last));
    if (at > last) return;
    await sleep(at - Date.now());
    const r = await call(ctx, 'human', h.api, 'POST', `/v1/appointments/${b.reference}/cancel`, { ip: h.ip, headers: { 'X-Manage-Secret': b.secret } });
    if (r.status === 200) { b.cancelled = true; ctx.frees.push({ t: Date.now(), start: b.start, cause: 'cancelled', cls: 'human' }); }
  },
  // Nothing left: "Benachrichtigen, wenn ein Termin frei wird"; then the
  // offer link in the mail (read every few seconds), accept or decline.
  async wish(ctx, h) {
    const r = await call(ctx, 'human', h.api, 'POST', '/v1/waitlist', {
      ip: h.ip, body: { services: [SERVICE], offices: [OFFICE], latest: day, contact: { name: `Mensch ${h.i}`, email: h.email, language: 'de', reminders: false } },
    });
    if (r.status !== 201) return;
    const w = { created: Date.now(), offeredAt: undefined, who: h.i };
    ctx.wishes.push(w);
    const offerId = `${r.json.wishes[0].id}-o`;
    const token = 'w1.' + createHmac('sha256', ctx.linkKey).update(`termin waitlist offer v1\n${offerId}`).digest().subarray(0, 18).toString('base64url');
    const headers = { 'X-Offer-Token': token };
    while (Date.now() < ctx.humansUntil) {
      await think(O.offerPoll * 0.5, O.offerPoll * 1.5);
      const o = await call(ctx, 'human', h.api, 'GET', `/v1/waitlist/offers/${encodeURIComponent(offerId)}`, { ip: h.ip, headers });
      if (o.status !== 200 || !o.json.open) continue;
      w.offeredAt = Date.parse(o.json.expires_at) - OFFER_MIN * 60000;
      ctx.claims.push({ t: w.offeredAt, start: o.json.start, cls: 'human', via: 'offer' });
      await think(2, 8);  // opens the mail, reads the offer
      if (rand() < O.declineShare) {
        const d = await call(ctx, 'human', h.api, 'POST', `/v1/waitlist/offers/${encodeURIComponent(offerId)}/decline`, { ip: h.ip, headers });
        if (d.status === 204) ctx.frees.push({ t: Date.now(), start: o.json.start, cause: 'declined', cls: 'human' });
        return;
      }
      const a = await call(ctx, 'human', h.api, 'POST', `/v1/waitlist/offers/${encodeURIComponent(offerId)}/accept`, { ip: h.ip, headers });
      if (a.status === 201) { ctx.humanConfirmMs.push(a.ms); humanSteps.booked(ctx, h, o.json.start, a.json, 'offer'); }
      return;
    }
  },
  // Without a waitlist: come back every 5-15 s and try what is free.
  async refresh(ctx, h) {
    while (Date.now() < ctx.humansUntil && !h.done) {
      await think(5, 15);
      const starts = await humanSteps.look(ctx, h);
      if (starts.length && await humanSteps.tryBook(ctx, h, starts)) return;
    }
  },
};

async function human(ctx, h) {
  await sleep(h.arrive - Date.now());
  const starts = await humanSteps.look(ctx, h);
  await think(2, 6);
  if (ctx.cfg.steps?.beforeHold) await ctx.cfg.steps.beforeHold(ctx, h);
  if (!(starts.length && await humanSteps.tryBook(ctx, h, starts)) && !h.done) {
    if (ctx.cfg.waitlist) await humanSteps.wish(ctx, h); else await humanSteps.refresh(ctx, h);
  }
  if (h.cancel) await humanSteps.cancelLater(ctx, h);
}

// ---------------------------------------------------------------- bots
function newFleet(ctx) {
  return {
    ips: Array.from({ length: O.botIps }, (_, i) => ({ ip: `198.51.100.${i + 1}`, pausedUntil: 0 })),
    ids: Array.from({ length: O.botIdentities }, (_, i) => ({ n: i, full: false })),
    nextIp: 0, nextId: 0, tag: 0,
    free: new Set(),          // starts the fleet believes free
    busy: new Set(),          // starts a loop is trying now
    held: new Map(),          // start -> open hold of the fleet
    powNeeded: false, scanAt: 0, scanning: null,
  };
}

function botIp(f) {
  const now = Date.now();
  for (let k = 0; k < f.ips.length; k++) {
    const e = f.ips[(f.nextIp + k) % f.ips.length];
    if (e.pausedUntil <= now) { f.nextIp = (f.nextIp + k + 1) % f.ips.length; return e; }
  }
  return null;
}

// The next start to try: a fleet hold that lapses now (re-hold it), else a
// start seen free.
function botTarget(f) {
  const now = Date.now();
  for (const [start, hold] of f.held) {
    if (hold.expires <= now && !f.busy.has(start)) { f.held.delete(start); f.busy.add(start); return start; }
  }
  for (const start of f.free) {
    if (!f.busy.has(start) && !f.held.has(start)) { f.free.delete(start); f.busy.add(start); return start; }
  }
  return null;
}

async function botScan(ctx, f, ip) {
  if (f.scanning) return f.scanning;
  if (Date.now() - f.scanAt < 100) return;
  f.scanning = (async () => {
    const r = await call(ctx, 'bot', ctx.apis[Math.floor(rand() * 2)], 'GET', availPath, { ip: ip.ip });
    if (r.status === 429) ip.pausedUntil = Date.now() + r.retryAfter * 1000;
    if (r.status === 200) f.free = new Set(freeStarts(r.json).filter((s) => !f.held.has(s)));
    f.scanAt = Date.now();
  })();
  await f.scanning;
  f.scanning = null;
}

async function botConfirm(ctx, f, ip, api, hold) {
  for (let tries = 0; tries < f.ids.length; tries++) {
    const id = f.ids[f.nextId++ % f.ids.length];
    if (id.full) continue;
    // Half the bookings with a +tag variant of the identity (normalised away).
    const email = f.tag++ % 2 ? `kunde${id.n}+${f.tag}@bots.example` : `kunde${id.n}@bots.example`;
    const r = await call(ctx, 'bot', api, 'POST', '/v1/appointments', { ip: ip.ip, body: { hold_id: hold.id, hold_secret: hold.secret, contact: { name: `Kunde ${id.n}`, email, language: 'de', reminders: false } } });
    if (r.status === 201) {
      hold.state = 'confirmed';
      hold.confirmedAt = Date.now();
      ctx.bookings.push({ cls: 'bot', start: hold.start, t: Date.now(), via: 'public', identity: id.n });
      return;
    }
    if (r.status === 429) { ip.pausedUntil = Date.now() + r.retryAfter * 1000; return; }
    if (r.status === 409 && r.json?.type?.endsWith('too-many-appointments')) { id.full = true; continue; }
    return;
  }
}

// With --bot-wishes: at the release the fleet leaves one wish per identity
// (the waitlist allows one per contact and office), reads its offers every
// second, accepts what the quota lets it, and sits on the rest (an offer is
// a hold for waitlist_offer_minutes that nobody else gets meanwhile).
async function botWish(ctx, f, id) {
  const ip = f.ips[id.n % f.ips.length].ip, api = ctx.apis[id.n % 2];
  const r = await call(ctx, 'bot', api, 'POST', '/v1/waitlist', {
    ip, body: { services: [SERVICE], offices: [OFFICE], latest: day, contact: { name: `Kunde ${id.n}`, email: `kunde${id.n}@bots.example`, language: 'de', reminders: false } },
  });
  if (r.status !== 201) return;
  const w = { created: Date.now(), offeredAt: undefined, bot: true };
  ctx.wishes.push(w);
  const offerId = `${r.json.wishes[0].id}-o`;
  const headers = { 'X-Offer-Token': 'w1.' + createHmac('sha256', ctx.linkKey).update(`termin waitlist offer v1\n${offerId}`).digest().subarray(0, 18).toString('base64url') };
  while (Date.now() < ctx.botsUntil) {
    await sleep(1000);
    const o = await call(ctx, 'bot', api, 'GET', `/v1/waitlist/offers/${encodeURIComponent(offerId)}`, { ip, headers });
    if (o.status !== 200 || !o.json.open) continue;
    w.offeredAt = Date.parse(o.json.expires_at) - OFFER_MIN * 60000;
    ctx.claims.push({ t: w.offeredAt, start: o.json.start, cls: 'bot', via: 'offer' });
    const a = await call(ctx, 'bot', api, 'POST', `/v1/waitlist/offers/${encodeURIComponent(offerId)}/accept`, { ip, headers });
    if (a.status === 201) ctx.bookings.push({ cls: 'bot', start: o.json.start, t: Date.now(), via: 'offer', identity: id.n });
    else ctx.botOffersKept = (ctx.botOffersKept || 0) + 1;
    return;
  }
}

async function botLoop(ctx, f) {
  while (Date.now() < ctx.botsUntil) {
    const ip = botIp(f);
    if (!ip) { await sleep(50); continue; }
    const start = botTarget(f);
    if (!start) { await botScan(ctx, f, ip); await sleep(f.free.size ? 0 : between(50, 150)); continue; }
    const api = ctx.apis[Math.floor(rand() * 2)];
    const { r, solve } = await holdWithPow(ctx, 'bot', api, ip.ip, start, f.powNeeded);
    if (solve > 0) f.powNeeded = true;
    f.busy.delete(start);
    if (r.status === 201) {
      f.held.set(start, r.hold);
      if (rand() < O.confirmShare) await botConfirm(ctx, f, ip, api, r.hold);
      if (r.hold.state === 'confirmed') f.held.delete(start);
    } else if (r.status === 409) {
      for (const a of r.json?.alternatives || []) if (!f.held.has(a.start)) f.free.add(a.start);
    } else {
      if (r.status === 429) ip.pausedUntil = Date.now() + r.retryAfter * 1000;
      f.free.add(start);  // try it again from another address
    }
  }
}

// ---------------------------------------------------------------- trace
// With one desk a start is one place: its claims and frees alternate
// (claim, free, claim, ...), so free i of a start went to claim i + 1.
function trace(ctx, end) {
  for (const h of ctx.holds) {  // open holds that ran out freed their place then
    if (h.state === 'open' && h.expires <= end) ctx.frees.push({ t: h.expires, start: h.start, cause: 'lapsed', cls: h.cls });
  }
  const byStart = new Map();
  const at = (s) => {  // the same instant may be written with another offset
    const k = Date.parse(s);
    if (!byStart.has(k)) byStart.set(k, { claims: [], frees: [] });
    return byStart.get(k);
  };
  for (const c of ctx.claims) at(c.start).claims.push(c);
  for (const fr of ctx.frees) at(fr.start).frees.push(fr);
  const out = { freed: 0, toWaitingHuman60: 0, toWaitingHuman: 0, toWaitingBot: 0, publicBot: 0, publicHuman: 0, notRefilled: 0, openAtEnd: 0,
    publicWhileWaiting: 0, lateWhileWaiting: 0, inconsistent: [], delaysOffer: [], delaysPublic: [] };
  const waitingAt = (t) => ctx.wishes.filter((w) => w.created <= t && !(w.offeredAt <= t)).length;
  for (const [key, { claims, frees }] of byStart) {
    const start = new Date(key).toISOString();
    claims.sort((a, b) => a.t - b.t);
    frees.sort((a, b) => a.t - b.t);
    if (claims.length > frees.length + 1 || claims.length < frees.length) {
      out.inconsistent.push(`${start}: ${claims.length} claims, ${frees.length} frees`);
    }
    frees.forEach((fr, i) => {
      out.freed++;
      const next = claims[i + 1];
      // Nobody got it within a minute although a wish was waiting then.
      if (ctx.cfg.waitlist && (!next || next.t - fr.t > 60000) && fr.t + 60000 <= end && waitingAt(fr.t + 60000) > 0) out.lateWhileWaiting++;
      if (!next) { if (end - fr.t < 60000) out.openAtEnd++; else out.notRefilled++; return; }
      if (next.t < fr.t - 1500) out.inconsistent.push(`${start}: claimed ${((fr.t - next.t) / 1000).toFixed(1)} s before it was freed`);
      const dt = (next.t - fr.t) / 1000;
      if (next.via === 'offer') {
        out.delaysOffer.push(dt);
        if (next.cls === 'human') { out.toWaitingHuman++; if (dt <= 60) out.toWaitingHuman60++; } else out.toWaitingBot++;
      } else {
        out.delaysPublic.push(dt);
        if (next.cls === 'bot') out.publicBot++; else out.publicHuman++;
        if (ctx.cfg.waitlist && waitingAt(next.t) > 0) out.publicWhileWaiting++;
      }
    });
  }
  return out;
}

// ---------------------------------------------------------------- configurations
const OFF_LIMITS = ['--public-requests-per-minute', '0', '--staff-requests-per-minute', '0', '--open-holds-per-client', '0'];
const ON_RULES = {
  proof_of_work_above_holds_per_minute: 0,   // a solved challenge on every hold
  appointments_per_identity: O.quotaPerIdentity,
  rerelease_delay_minutes: RERELEASE_MIN,     // the shortest: freed places go to wishes first
  waitlist_offer_minutes: OFFER_MIN,          // the shortest offer
};
const CONFIGS = [
  { key: 'off', name: 'protections OFF', serverArgs: OFF_LIMITS, rules: {}, waitlist: false, quota: 0, check: false },
  { key: 'on', name: 'protections ON', serverArgs: [], rules: ON_RULES, waitlist: true, quota: O.quotaPerIdentity, check: true },
];
if (O.releaseQueue) {
  // The fair release (#14): the day opens this very minute (Berlin), its
  // first holds queue until `releaseWindow` seconds after the start of the
  // run, drawn by lot then and admitted 10 a second. A 429 release-queue
  // makes a client (human or bot address) join and wait for its pass.
  CONFIGS.push({
    key: 'queue', name: 'ON + fair release', serverArgs: [], waitlist: true, quota: O.quotaPerIdentity, check: true,
    rules: { ...ON_RULES, release_admit_per_second: 10 }, releaseWindow: 15,
  });
}

async function runConfig(cfg) {
  const dir = mkdtempSync(join(tmpdir(), `rush-${cfg.key}-`));
  const servers = await startServers(cfg, dir);
  debug('servers up', servers.apis);
  try {
    const release = {};
    if (cfg.releaseWindow) {
      const hms = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(new Date());
      if (hms > '23:58:30') return { skipped: 'too close to midnight in Berlin for a release this minute' };
      release.release_time = hms.slice(0, 5);
      release.release_window_seconds = Number(hms.slice(6, 8)) + cfg.releaseWindow;
    }
    const put = await applyRules(servers.apis, { hold_ttl_minutes: 1, proof_of_work_above_holds_per_minute: -1, appointments_per_identity: 0, rerelease_delay_minutes: 0, ...cfg.rules, ...release });
    if (!put.ok) return { skipped: `the admin PUT refused the rules (${put.status}: ${put.answer.slice(0, 160)})` };
    debug('rules applied');
    const ctx = newContext(cfg, servers);
    ctx.places = freeStarts((await (await fetch(servers.apis[0] + availPath)).json())).length;
    ctx.t0 = Date.now() + 500;
    ctx.botsUntil = ctx.t0 + O.duration * 1000;
    ctx.humansUntil = ctx.botsUntil + O.tail * 1000;
    const humans = Array.from({ length: O.humans }, (_, i) => ({
      i, ip: `203.0.${113 + Math.floor(i / 250)}.${(i % 250) + 1}`, email: `mensch${i}@example.org`, api: servers.apis[i % 2],
      arrive: ctx.t0 + 300 + O.arrival * 1000 * rand() ** 2, http: 0,  // most come right at the release
    }));
    const fleet = newFleet(ctx);
    await sleep(ctx.t0 - Date.now());
    const all = [...humans.map((h) => human(ctx, h)), ...Array.from({ length: O.bots }, () => botLoop(ctx, fleet)),
      ...(O.botWishes && cfg.waitlist ? fleet.ids.map((id) => botWish(ctx, fleet, id)) : [])];
    const tick = setInterval(() => debug('t', ((Date.now() - ctx.t0) / 1000).toFixed(0), 'claims', ctx.claims.length, 'bookings', ctx.bookings.length, 'wishes', ctx.wishes.length, JSON.stringify(ctx.status)), 5000);
    await Promise.all(all);
    clearInterval(tick);
    const end = Date.now();
    ctx.end = end;
    const res = summarize(ctx, trace(ctx, end));
    await ctx.humanPool.close(); await ctx.botPool.close();
    for (const p of servers.procs.slice(1)) if (p.exitCode !== null) res.problems.push(`termin-api exited early: ${p.lastErr()}`);
    return res;
  } finally {
    await stopServers(servers.procs);
    rmSync(dir, { recursive: true, force: true });
  }
}

// The most holds one address had open at once (a hold counts from its
// answer until its confirm or lapse, less 50 ms for answers in flight): the
// open-hold limit must hold across both replicas.
function maxOpenPerIp(holds) {
  const byIp = new Map();
  for (const x of holds) {
    const until = (x.confirmedAt ?? x.expires) - 50;
    if (!byIp.has(x.ip)) byIp.set(x.ip, []);
    byIp.get(x.ip).push([x.t, 1], [until, -1]);
  }
  let most = 0;
  for (const ev of byIp.values()) {
    ev.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let open = 0;
    for (const [, d] of ev) { open += d; most = Math.max(most, open); }
  }
  return most;
}

function summarize(ctx, tr) {
  const live = ctx.bookings.filter((b) => !b.cancelled);
  const bots = live.filter((b) => b.cls === 'bot').length, people = live.length - bots;
  const humansBooked = ctx.bookings.filter((b) => b.cls === 'human').length;
  const botAllowed = ctx.cfg.quota > 0 ? O.botIdentities * ctx.cfg.quota : Infinity;
  const c = ctx.status;
  return {
    places: ctx.places, bots, people, botShare: live.length ? bots / live.length : 0,
    allowedShare: live.length ? Math.min(1, botAllowed / live.length) : 1, botAllowed,
    identityShare: O.botIdentities / (O.botIdentities + O.humans),
    success: humansBooked / O.humans, viaOffer: ctx.bookings.filter((b) => b.cls === 'human' && b.via === 'offer').length,
    tMedian: quantile(ctx.humanTimes, 0.5), tP90: quantile(ctx.humanTimes, 0.9),
    holdMs: quantile(ctx.humanHoldMs, 0.5), holdP90: quantile(ctx.humanHoldMs, 0.9),
    confirmMs: quantile(ctx.humanConfirmMs, 0.5), confirmP90: quantile(ctx.humanConfirmMs, 0.9),
    botHeldAtEnd: ctx.holds.filter((x) => x.cls === 'bot' && x.state === 'open' && x.expires > ctx.end).length,
    maxOpenPerBotIp: maxOpenPerIp(ctx.holds.filter((x) => x.cls === 'bot')),
    maxPerBotIdentity: Math.max(0, ...Object.values(live.filter((b) => b.cls === 'bot').reduce((m, b) => ({ ...m, [b.identity]: (m[b.identity] || 0) + 1 }), {}))),
    powHuman: quantile(ctx.powHumanMs, 0.5), powHumanP90: quantile(ctx.powHumanMs, 0.9), powBot: ctx.powBotMs.length,
    queueHuman: quantile(ctx.queueHumanMs, 0.5), queueHumanP90: quantile(ctx.queueHumanMs, 0.9), queuedHumans: ctx.queueHumanMs.length,
    queueBot: quantile(ctx.queueBotMs, 0.5), queuedBots: ctx.queueBotMs.length,
    s429: { bot: c.bot[429] || 0, human: c.human[429] || 0 }, s428: { bot: c.bot[428] || 0, human: c.human[428] || 0 },
    requests: { bot: Object.values(c.bot).reduce((a, b) => a + b, 0), human: Object.values(c.human).reduce((a, b) => a + b, 0) },
    errors: { bot: (c.bot.err || 0) + (c.bot[500] || 0) + (c.bot[503] || 0), human: (c.human.err || 0) + (c.human[500] || 0) + (c.human[503] || 0) },
    wishes: ctx.wishes.filter((w) => !w.bot).length, botWishes: ctx.wishes.length - ctx.wishes.filter((w) => !w.bot).length,
    botOffersKept: ctx.botOffersKept || 0, trace: tr, problems: [],
  };
}

// ---------------------------------------------------------------- report
const pct = (x) => Number.isFinite(x) ? `${(100 * x).toFixed(1)} %` : '-';
const sec = (x) => Number.isFinite(x) ? `${x.toFixed(1)} s` : '-';
const ms = (x) => Number.isFinite(x) ? `${x.toFixed(1)} ms` : '-';

function printTable(results) {
  results = results.filter(([, r]) => !r.skipped);
  if (!results.length) return;
  const names = results.map(([cfg]) => cfg.name);
  const rows = [
    ['places of the day', (r) => String(r.places)],
    ['appointments at the end: bots / humans', (r) => `${r.bots} / ${r.people}`],
    ['bots\' share of places', (r) => pct(r.botShare)],
    ['bots\' share allowed by the quotas', (r) => Number.isFinite(r.botAllowed) ? `${pct(r.allowedShare)} (${O.botIdentities} ids x ${r.botAllowed / O.botIdentities})` : 'no quota'],
    ['bots\' share of identities', (r) => pct(r.identityShare)],
    ['places bots still hold unconfirmed at the end', (r) => String(r.botHeldAtEnd)],
    ['most open holds of one bot address at once', (r) => String(r.maxOpenPerBotIp)],
    ['most appointments of one bot identity', (r) => String(r.maxPerBotIdentity)],
    ['humans booked (success rate)', (r) => `${Math.round(r.success * O.humans)} of ${O.humans} (${pct(r.success)})`],
    ['  of them through a waitlist offer', (r) => String(r.viaOffer)],
    ['humans: time to a booking, median / p90', (r) => `${sec(r.tMedian)} / ${sec(r.tP90)}`],
    ['waitlist wishes left by humans', (r) => String(r.wishes)],
    ['freed places (cancel, given back, lapsed, declined)', (r) => String(r.trace.freed)],
    ['  offered to a waiting human within 1 min', (r) => `${r.trace.toWaitingHuman60} (${pct(r.trace.toWaitingHuman60 / Math.max(1, r.trace.freed))})`],
    ['  offered to a waiting human later', (r) => String(r.trace.toWaitingHuman - r.trace.toWaitingHuman60)],
    ...(O.botWishes ? [['  offered to a bot\'s wish (refused by the quota, kept)', (r) => `${r.trace.toWaitingBot} (${r.botOffersKept})`]] : []),
    ['  taken publicly: by bots / by humans', (r) => `${r.trace.publicBot} / ${r.trace.publicHuman}`],
    ['  taken publicly while a wish waited', (r) => String(r.trace.publicWhileWaiting)],
    ['  not taken again (>= 1 min) / < 1 min left', (r) => `${r.trace.notRefilled} / ${r.trace.openAtEnd}`],
    ['  median delay to the next claim: offer / public', (r) => `${sec(quantile(r.trace.delaysOffer, 0.5))} / ${sec(quantile(r.trace.delaysPublic, 0.5))}`],
    ['429s served: to bots / to humans', (r) => `${r.s429.bot} / ${r.s429.human}`],
    ['428s (proof of work asked): bots / humans', (r) => `${r.s428.bot} / ${r.s428.human}`],
    ['requests: bots / humans', (r) => `${r.requests.bot} / ${r.requests.human}`],
    ['errors (5xx, transport): bots / humans', (r) => `${r.errors.bot} / ${r.errors.human}`],
    ['humans: a hold (challenge + POSTs), median / p90', (r) => `${ms(r.holdMs)} / ${ms(r.holdP90)}`],
    ['humans: confirm or accept, median / p90', (r) => `${ms(r.confirmMs)} / ${ms(r.confirmP90)}`],
    ['humans: PoW solve (node, 1 thread), median / p90', (r) => r.powHuman >= 0 ? `${ms(r.powHuman)} / ${ms(r.powHumanP90)}` : '-'],
    ['release queue: humans / bot addresses that got a pass', (r) => r.queuedHumans ? `${r.queuedHumans} / ${r.queuedBots}` : '-'],
    ['release queue: humans\' wait for the pass, median / p90', (r) => r.queuedHumans ? `${sec(r.queueHuman)} / ${sec(r.queueHumanP90)}` : '-'],
    ['bots: challenges solved', (r) => String(r.powBot)],
  ];
  const w0 = Math.max(...rows.map(([l]) => l.length)) + 2;
  const cols = results.map(([cfg, r]) => Math.max(cfg.name.length, ...rows.map(([, f]) => (r.skipped ? 'skipped' : f(r)).length)) + 2);
  console.log(''.padEnd(w0) + names.map((n, i) => n.padStart(cols[i])).join(''));
  for (const [label, f] of rows) {
    console.log(label.padEnd(w0) + results.map(([, r], i) => (r.skipped ? 'skipped' : f(r)).padStart(cols[i])).join(''));
  }
}

// The goal of #14, judged for every configuration with protections on.
function checks(cfg, r) {
  const fails = [];
  if (r.botShare > r.allowedShare + O.tolerance) fails.push(`bots hold ${pct(r.botShare)} of the places, more than the ${pct(r.allowedShare)} their identities may (+${pct(O.tolerance)})`);
  if (r.bots > r.botAllowed) fails.push(`bots confirmed ${r.bots} appointments with ${O.botIdentities} identities, the quota allows ${r.botAllowed}`);
  if (r.maxOpenPerBotIp > 2) fails.push(`one bot address had ${r.maxOpenPerBotIp} holds open at once through the two replicas (the limit is 2)`);
  if (r.maxPerBotIdentity > cfg.quota) fails.push(`one bot identity booked ${r.maxPerBotIdentity} appointments (the quota is ${cfg.quota})`);
  if (r.trace.publicWhileWaiting > 0) fails.push(`${r.trace.publicWhileWaiting} freed places were taken publicly while a wish waited`);
  if (r.trace.toWaitingBot > 0) fails.push(`${r.trace.toWaitingBot} freed places were offered to bots' wishes (${r.botOffersKept} of them to identities at their quota, which cannot accept: the place is kept from the next wish for ${OFFER_MIN} min)`);
  if (r.trace.lateWhileWaiting > 0) fails.push(`${r.trace.lateWhileWaiting} freed places went to nobody within a minute while a wish waited`);
  if (r.trace.inconsistent.length) fails.push(`the trace does not add up (a double booking or a lost free): ${r.trace.inconsistent.slice(0, 5).join('; ')}`);
  if (r.errors.human + r.errors.bot > 0) fails.push(`${r.errors.human + r.errors.bot} server errors or failed connections`);
  fails.push(...r.problems);
  return fails;
}

console.log(`rush_sim: ${O.humans} humans vs ${O.bots} bot connections (${O.botIps} addresses, ${O.botIdentities} identities) on ${day}, ` +
  `office ${OFFICE} (1 desk), two termin-api replicas on one Redis; bots run ${O.duration} s, hold TTL ${HOLD_TTL_S} s`);
console.log(`ON: default fair-use limits (600 requests/min and 2 open holds per address), proof of work on every hold, ` +
  `${O.quotaPerIdentity} appointments per identity, re-release after ${RERELEASE_MIN} min with the waitlist first, offers kept ${OFFER_MIN} min` +
  (O.botWishes ? '; the bots also leave a wish per identity' : ''));
const results = [];
let failed = false;
for (const cfg of CONFIGS) {
  if (O.only && cfg.key !== O.only) continue;
  const t = Date.now();
  const r = await runConfig(cfg);
  if (r.skipped) console.log(`${cfg.name}: skipped: ${r.skipped}`);
  else console.log(`(${cfg.name} took ${((Date.now() - t) / 1000).toFixed(0)} s)`);
  results.push([cfg, r]);
}
console.log('');
printTable(results);
console.log('');
for (const [cfg, r] of results) {
  if (r.skipped || !cfg.check) continue;
  const fails = checks(cfg, r);
  if (fails.length) {
    failed = true;
    for (const f of fails) console.log(`${cfg.name}: GOAL NOT MET: ${f}`);
  } else {
    console.log(`${cfg.name}: goal met: bots' share ${pct(r.botShare)} <= ${pct(r.allowedShare)} allowed by their identities' quota; ` +
      `no freed place reached public booking while a wish waited (${r.trace.toWaitingHuman} of ${r.trace.freed} freed places offered to waiting humans)`);
  }
}
process.exit(failed ? 1 : 0);
