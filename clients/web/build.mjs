// Builds clients/web into dist/: one minified ES module per entry point,
// hashed names (immutable, cached for a year by termin-api), a stable loader
// booking.js for city pages (short cache: it names the current hashed
// bundle), the HTML pages, and a .gz beside every file. Fails when the
// widget's first screen is over the size budget.
//   node build.mjs [--quiet]
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const dist = join(here, 'dist');
// Budget of our own files on the first screen (loader + bundle, gzipped).
// The test adds the API's first answers and holds the total under 35 KB.
export const kStaticBudget = 30 * 1024;

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const result = await build({
  entryPoints: { booking: 'src/booking.ts', 'book-page': 'src/book-page.ts', manage: 'src/manage.ts',
    // The staff screens: entry points of their own, never on the widget's first screen.
    'staff-kiosk': 'src/staff/kiosk.ts', 'staff-desk': 'src/staff/desk.ts', 'staff-display': 'src/staff/display.ts',
    'staff-hotline': 'src/staff/hotline.ts', 'staff-admin': 'src/staff/admin.ts' },
  absWorkingDir: here,
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2021',
  outdir: dist,
  entryNames: '[name]-[hash]',
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

const hashed = {};
for (const [file, out] of Object.entries(result.metafile.outputs)) {
  if (out.entryPoint) hashed[out.entryPoint.replace(/^src\/staff\/(.*)\.ts$/, 'staff-$1').replace(/^src\/|\.ts$/g, '')] = file.split('/').pop();
}
// Deployment settings of the pages (the accessibility statement's feedback
// contact): site.json, or the file named by TERMIN_WEB_SITE.
const site = JSON.parse(readFileSync(process.env.TERMIN_WEB_SITE || join(here, 'site.json'), 'utf8'));
const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const hashOf = (buf) => createHash('sha256').update(buf).digest('hex').slice(0, 8).toUpperCase();

// Stylesheets of the pages, with hashed names.
const css = {};
for (const f of readdirSync(join(here, 'pages')).filter((f) => f.endsWith('.css'))) {
  const buf = readFileSync(join(here, 'pages', f));
  const name = f.replace(/\.css$/, `-${hashOf(buf)}.css`);
  writeFileSync(join(dist, name), buf);
  css[f] = name;
}
writeFileSync(join(dist, 'booking.js'), `import"./${hashed.booking}";\n`);
for (const f of readdirSync(join(here, 'pages')).filter((f) => f.endsWith('.html'))) {
  let text = readFileSync(join(here, 'pages', f), 'utf8');
  text = text.replace(/%site\.(\w+)%/g, (_, k) => escapeHtml(site[k] ?? ''));
  text = text.replace(/%(\w[\w-]*)\.js%/g, (_, n) => hashed[n]).replace(/%(\w[\w-]*\.css)%/g, (_, n) => css[n]);
  writeFileSync(join(dist, f), text);
}
// The demo city page on the API's own origin, for `make run` (the tests
// serve it from another origin with demo-host/serve.mjs).
writeFileSync(join(dist, 'host.css'), readFileSync(join(here, 'demo-host', 'host.css')));
writeFileSync(join(dist, 'demo-host.html'), readFileSync(join(here, 'demo-host', 'index.html'), 'utf8')
  .replaceAll('%API%', '').replaceAll('%LANG%', 'de').replaceAll('%SERVICE%', '').replaceAll('%OFFICE%', ''));
const sizes = {};
for (const f of readdirSync(dist)) {
  const buf = readFileSync(join(dist, f));
  const gz = gzipSync(buf, { level: 9 });
  writeFileSync(join(dist, f + '.gz'), gz);
  sizes[f] = { raw: buf.length, gzip: gz.length };
}
const first = sizes['booking.js'].gzip + sizes[hashed.booking].gzip;
writeFileSync(join(dist, 'sizes.json'), JSON.stringify({ first_screen_static_gzip: first, budget: kStaticBudget, files: sizes }, null, 1));
if (!process.argv.includes('--quiet')) {
  console.log(`web: ${hashed.booking} ${sizes[hashed.booking].raw} B, gzipped ${sizes[hashed.booking].gzip} B; ` +
    `first screen (loader + bundle) ${first} B gzipped, budget ${kStaticBudget} B`);
}
if (first > kStaticBudget) {
  console.error(`web: OVER BUDGET: the widget's first screen is ${first} B gzipped (budget ${kStaticBudget} B)`);
  process.exit(1);
}
