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

// Debian's chromium speaking a language: --lang with LANGUAGE set picks the
// browser's own locale (from the chromium-l10n package), which orders date
// inputs (24.12.2026 in German, 24/12/2026 in British English). A context's
// `locale` alone only sets navigator.language: inputs stayed mm/dd/yyyy.
export function launchChromium(chromium, lang = 'de-DE', args = []) {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', `--lang=${lang}`, ...args], env: { ...process.env, LANGUAGE: lang.replace('-', '_') } });
}
