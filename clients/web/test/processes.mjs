// What the browser tests share to run their servers: a free loopback port,
// and a process started and awaited until its output says it is ready.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

export const freePort = () => new Promise((res) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); }); });

export function start(cmd, args, ready) {
  return new Promise((res, rej) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const on = (b) => { out += b; if (ready.test(out)) res(p); };
    p.stdout.on('data', on); p.stderr.on('data', on);
    p.on('exit', (c) => rej(new Error(`${cmd} exited ${c}: ${out}`)));
    setTimeout(() => rej(new Error(`${cmd} not ready: ${out}`)), 15000);
  });
}
