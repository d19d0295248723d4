// side-by-side of several 320 crops into one image, for viewing
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
const out = process.argv[2], files = process.argv.slice(3);
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
const p = await b.newPage({ viewport: { width: files.length * 330, height: 1100 } });
await p.setContent(`<body style="margin:0;display:flex;gap:10px;background:#888">${files.map((f) => `<img style="align-self:flex-start" src="data:image/png;base64,${readFileSync(f).toString('base64')}">`).join('')}</body>`);
await p.screenshot({ path: out });
await b.close();
