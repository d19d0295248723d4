// Route parity: every route termin-api serves (`--print-routes`, one
// "METHOD /path/{param}" a line) is in openapi.yaml, and every operation of
// openapi.yaml is served. Exits 1 on any difference.
import { execFileSync } from 'node:child_process';
import { kMethods, loadSpec } from './spec.mjs';

const [specFile, binary] = process.argv.slice(2);
const spec = loadSpec(specFile);
const inSpec = new Set();
for (const [template, item] of Object.entries(spec.paths || {})) {
  for (const m of kMethods) if (item[m]) inSpec.add(`${m.toUpperCase()} ${template}`);
}
let output;
try {
  output = execFileSync(binary, ['--print-routes'], { encoding: 'utf8', timeout: 20000 });
} catch (e) {
  console.log(`parity: ${binary} --print-routes failed: ${e.message}`);
  process.exit(1);
}
const served = new Set(
  output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => l.replace(/\s+/, ' ').replace(/^(\w+)/, (m) => m.toUpperCase())),
);
const notInSpec = [...served].filter((r) => !inSpec.has(r)).sort();
const notServed = [...inSpec].filter((r) => !served.has(r)).sort();
for (const r of notInSpec) console.log(`parity FAIL served but not in openapi.yaml: ${r}`);
for (const r of notServed) console.log(`parity FAIL in openapi.yaml but not served: ${r}`);
console.log(`parity: ${served.size} routes served, ${inSpec.size} operations in the spec, ${notInSpec.length + notServed.length} differences`);
process.exit(notInSpec.length + notServed.length > 0 || served.size === 0 ? 1 : 0);
