// The hoarding script of issue #14, run against a real termin-api: one
// client tries to hold every free start of an office for the next 60 days
// as fast as it can for 10 s. Printed for four set-ups: no limits (what the
// outside check saw: every place held), the default fair-use limits, the
// limits plus proof of work on every hold, and the limits with the script
// spread over 50 addresses behind a trusted proxy (a bot farm). Also how
// many starts a citizen (another address) still finds free afterwards.
// Every client comes through a trusted proxy (X-Forwarded-For), as behind
// the city's reverse proxy. The script here is node's: its proof-of-work
// cost per hold is far above a native bot's (bench_pow).
//   node bench/bot_sim.mjs [build/bin/termin-api] [seconds]
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';

const bin = process.argv[2] || 'build/bin/termin-api';
const seconds = Number(process.argv[3] || 10);
const office = 'dewangen', service = 'personalausweis';
const freePort = () => new Promise((res) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); }); });

async function server(args) {
  const port = await freePort();
  const p = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--seed', 'data/demo-city.json', '--keys', 'data/demo-keys.json',
    '--no-access-log', '--threads', '2', '--trusted-proxy', '127.0.0.1', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const api = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${api}/healthz`)).ok) return { p, api }; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('termin-api did not start');
}

async function starts(api) {
  const day = (d) => new Date(Date.now() + d * 86400000).toISOString().slice(0, 10);
  const out = [];
  for (let d = 0; d < 60; d += 28) {
    const r = await fetch(`${api}/v1/availability?services=${service}&office=${office}&from=${day(d)}&to=${day(Math.min(d + 27, 60))}`,
      { headers: { 'X-Forwarded-For': '203.0.113.9' } });  // a citizen, not the bot
    if (!r.ok) continue;
    for (const dd of (await r.json()).days) for (const s of dd.slots) if (s.free > 0) out.push(s.start);
  }
  return out;
}

function solve(c) {
  for (let n = 0; n <= c.maxnumber; n++) {
    if (createHash('sha256').update(c.salt + n).digest('hex') === c.challenge) {
      return Buffer.from(JSON.stringify({ algorithm: c.algorithm, challenge: c.challenge, number: n, salt: c.salt, signature: c.signature })).toString('base64');
    }
  }
  return '';
}

async function run(name, args, { pow = false, addresses = 1 } = {}) {
  const { p, api } = await server(args);
  if (pow) {
    const path = `${api}/v1/admin/offices/${office}`;
    const doc = await (await fetch(path, { headers: { Authorization: 'Bearer demo-admin' } })).json();
    doc.rules = { ...(doc.rules || {}), proof_of_work_above_holds_per_minute: 0 };
    await fetch(path, { method: 'PUT', headers: { Authorization: 'Bearer demo-admin', 'Content-Type': 'application/json' }, body: JSON.stringify(doc) });
  }
  const all = await starts(api);
  const counts = { held: 0, s429: 0, s428: 0, s409: 0, other: 0, solveMs: 0, solved: 0 };
  const until = Date.now() + seconds * 1000;
  let i = 0;
  while (Date.now() < until && i < all.length) {
    const headers = { 'Content-Type': 'application/json', 'X-Forwarded-For': `198.51.100.${i % addresses}` };
    if (pow) {
      const t = Date.now();
      const c = await (await fetch(`${api}/v1/challenge`, { headers })).json();
      if (c.salt) headers['X-Proof-Of-Work'] = solve(c);
      counts.solveMs += Date.now() - t;
      counts.solved++;
    }
    const r = await fetch(`${api}/v1/holds`, { method: 'POST', headers, body: JSON.stringify({ office, services: [service], start: all[i] }) });
    await r.arrayBuffer();
    if (r.status === 201) counts.held++; else if (r.status === 429) counts.s429++; else if (r.status === 428) counts.s428++;
    else if (r.status === 409) counts.s409++; else counts.other++;
    // A refused start is tried again later; a held one is done.
    if (r.status === 201 || r.status === 409) i++; else if (r.status === 429) i++;
  }
  const left = (await starts(api)).length;
  p.kill('SIGTERM');
  console.log(`${name.padEnd(44)} ${String(all.length).padStart(6)} ${String(counts.held).padStart(6)} ${String(left).padStart(6)} ` +
    `${String(counts.s429).padStart(6)} ${String(counts.s428).padStart(6)}${pow ? `   ${counts.solved} challenges solved, ${(counts.solveMs / Math.max(1, counts.solved)).toFixed(0)} ms each (node)` : ''}`);
}

console.log(`bot_sim: one script holds every free start of ${office} (${service}) for 60 days, ${seconds} s`);
console.log(`${'set-up'.padEnd(44)} ${'starts'.padStart(6)} ${'held'.padStart(6)} ${'left'.padStart(6)} ${'429'.padStart(6)} ${'428'.padStart(6)}`);
console.log('(starts: free starts before; held: holds the script got; left: free starts a citizen sees after)');
const off = ['--public-requests-per-minute', '0', '--staff-requests-per-minute', '0', '--open-holds-per-client', '0'];
await run('no limits (before #14)', off);
await run('default fair-use limits, one address', []);
await run('limits + proof of work on every hold', [], { pow: true });
await run('limits, the script on 50 addresses', [], { addresses: 50 });
