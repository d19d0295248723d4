// The demo city website on its own origin, as a city would host it, under a
// strict CSP: scripts and API calls only from the Termin API's origin, no
// inline script or style, no eval.
//   node demo-host/serve.mjs --port 0 --api http://127.0.0.1:8080
// Prints "listening on http://127.0.0.1:<port>" on stdout.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';

const arg = (name, dflt) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : dflt; };
const api = arg('--api', 'http://127.0.0.1:8080');
const port = Number(arg('--port', '8081'));
const dir = new URL('.', import.meta.url).pathname;
export const csp = (apiOrigin) => [
  "default-src 'self'", `script-src ${apiOrigin}`, `connect-src ${apiOrigin}`, "style-src 'self'",
  "img-src 'self' data:", "font-src 'self'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'", "object-src 'none'",
].join('; ');

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/host.css') {
    res.writeHead(200, { 'Content-Type': 'text/css; charset=utf-8' });
    return res.end(readFileSync(dir + 'host.css'));
  }
  if (url.pathname !== '/' && url.pathname !== '/index.html') { res.writeHead(404); return res.end('not found'); }
  const pick = (n, re, d) => { const v = url.searchParams.get(n) || d; return re.test(v) ? v : d; };
  const page = readFileSync(dir + 'index.html', 'utf8')
    .replaceAll('%API%', api)
    .replaceAll('%LANG%', pick('lang', /^(de|en)$/, 'de'))
    .replaceAll('%SERVICE%', pick('service', /^[a-z0-9,-]{0,200}$/, ''))
    .replaceAll('%OFFICE%', pick('office', /^[a-z0-9-]{0,60}$/, ''));
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': csp(api), 'Cache-Control': 'no-store' });
  res.end(page);
});
server.listen(port, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
