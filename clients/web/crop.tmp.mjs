import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
const [file, w, h, out] = [process.argv[2], +process.argv[3], +process.argv[4], process.argv[5]];
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
const p = await b.newPage({ viewport: { width: w, height: 900 } });
await p.setContent(`<body style="margin:0"><img src="data:image/png;base64,${readFileSync(file).toString('base64')}"></body>`);
const total = await p.evaluate(() => document.querySelector('img').naturalHeight);
let i = 0;
for (let y = 0; y < total; y += h) { await p.screenshot({ path: `${out}-${i++}.png`, clip: { x: 0, y, width: w, height: Math.min(h, total - y) }, fullPage: true }); }
console.log(total, i);
await b.close();
