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
  entryPoints: { booking: 'src/booking.ts', 'book-page': 'src/book-page.ts', manage: 'src/manage.ts', offer: 'src/offer.ts',
    // The staff screens: entry points of their own, never on the widget's first screen.
    'staff-kiosk': 'src/staff/kiosk.ts', 'staff-desk': 'src/staff/desk.ts', 'staff-display': 'src/staff/display.ts',
    'staff-hotline': 'src/staff/hotline.ts', 'staff-admin': 'src/staff/admin.ts',
    'staff-evaluation': 'src/staff/evaluation.ts' },
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
// The pages: one <head>, header and footer (pages/layout.html) around each
// page's own part, pages/<lang>/<name>.html (its <title> line, then what
// goes into <main>). German pages go to dist/<name>.html, English ones to
// dist/en/<name>.html, which termin-api serves for <path>?lang=en. A page
// without an English part (Leichte Sprache is German by nature) has none.
const chrome = {
  de: { skip: 'Zum Inhalt springen', brand: 'Termine', home: '/', tagline: 'Bürgeramt und Bezirksämter',
    a11y: 'Erklärung zur Barrierefreiheit', a11y_href: '/barrierefreiheit', easy: 'Leichte Sprache',
    software: 'Termin, freie Software für Bürgerämter' },
  en: { skip: 'Skip to content', brand: 'Appointments', home: '/?lang=en', tagline: "Citizens' office and district offices",
    a11y: 'Accessibility statement', a11y_href: '/barrierefreiheit?lang=en', easy: 'Easy-to-read German (Leichte Sprache)',
    software: "Termin, free software for citizens' offices" },
};
const layout = readFileSync(join(here, 'pages', 'layout.html'), 'utf8');
for (const lang of Object.keys(chrome)) {
  const dir = join(here, 'pages', lang);
  const out = lang === 'de' ? dist : join(dist, lang);
  mkdirSync(out, { recursive: true });
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.html'))) {
    const part = readFileSync(join(dir, f), 'utf8');
    const m = /^<title>(.*)<\/title>\n/.exec(part);
    if (!m) throw new Error(`pages/${lang}/${f}: the first line must be its <title>`);
    // One pass over the layout: a page's text is never scanned for placeholders of the layout.
    let text = layout.replace(/%(lang|title|body|chrome\.\w+)%/g, (_, k) =>
      k === 'lang' ? lang : k === 'title' ? m[1] : k === 'body' ? part.slice(m[0].length) : chrome[lang][k.slice(7)]);
    text = text.replace(/%site\.(\w+)%/g, (_, k) => escapeHtml(site[k] ?? ''));
    text = text.replace(/%(\w[\w-]*)\.js%/g, (_, n) => hashed[n]).replace(/%(\w[\w-]*\.css)%/g, (_, n) => css[n]);
    if (/%[\w.-]+%/.test(text)) throw new Error(`pages/${lang}/${f}: unknown placeholder ${/%[\w.-]+%/.exec(text)[0]}`);
    writeFileSync(join(out, f), text);
  }
}
// The staff screens (pages/*.html): whole documents of their own (their
// chrome is the application's, and they switch language in place).
for (const f of readdirSync(join(here, 'pages')).filter((f) => f.endsWith('.html') && f !== 'layout.html')) {
  let text = readFileSync(join(here, 'pages', f), 'utf8');
  text = text.replace(/%site\.(\w+)%/g, (_, k) => escapeHtml(site[k] ?? ''));
  text = text.replace(/%(\w[\w-]*)\.js%/g, (_, n) => hashed[n]).replace(/%(\w[\w-]*\.css)%/g, (_, n) => css[n]);
  if (/%[\w.-]+%/.test(text)) throw new Error(`pages/${f}: unknown placeholder ${/%[\w.-]+%/.exec(text)[0]}`);
  writeFileSync(join(dist, f), text);
}
// The demo city page on the API's own origin, for `make run` (the tests
// serve it from another origin with demo-host/serve.mjs).
writeFileSync(join(dist, 'host.css'), readFileSync(join(here, 'demo-host', 'host.css')));
writeFileSync(join(dist, 'demo-host.html'), readFileSync(join(here, 'demo-host', 'index.html'), 'utf8')
  .replaceAll('%API%', '').replaceAll('%LANG%', 'de').replaceAll('%SERVICE%', '').replaceAll('%OFFICE%', ''));
const sizes = {};
for (const f of readdirSync(dist, { recursive: false }).flatMap((f) => f === 'en' ? readdirSync(join(dist, 'en')).map((g) => `en/${g}`) : [f])) {
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
