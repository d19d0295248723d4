// Validates the responses the black-box tests received (JSON lines written by
// tests/harness/contract_log.cc) against openapi.yaml: path template +
// method + status (exact, then 4XX-style ranges, then default) + media type,
// then the body against the schema. A response the spec does not describe is
// a failure. Prints "contract: N validated, M failed" and exits 1 on any
// failure (or when nothing was validated).
import fs from 'node:fs';
import { deref, kMethods, loadSpec, makeValidatorFactory, matchPath, pathMatchers } from './spec.mjs';

const [specFile, ...logs] = process.argv.slice(2);
const spec = loadSpec(specFile);
const matchers = pathMatchers(spec);
const validatorFor = makeValidatorFactory(spec);

function mediaType(contentType) {
  return (contentType || '').split(';')[0].trim().toLowerCase();
}

function findResponse(operation, status) {
  const responses = operation.responses || {};
  const exact = responses[String(status)];
  if (exact) return { key: String(status), response: deref(spec, exact) };
  const range = responses[`${String(status)[0]}XX`] || responses[`${String(status)[0]}xx`];
  if (range) return { key: `${String(status)[0]}XX`, response: deref(spec, range) };
  if (responses.default) return { key: 'default', response: deref(spec, responses.default) };
  return null;
}

function findMedia(content, type) {
  if (content[type]) return { key: type, media: deref(spec, content[type]) };
  for (const [key, media] of Object.entries(content)) {
    const k = key.split(';')[0].trim().toLowerCase();
    if (k === type) return { key, media: deref(spec, media) };
    if (k.endsWith('/*') && type.startsWith(k.slice(0, -1))) return { key, media: deref(spec, media) };
    if (k === '*/*') return { key, media: deref(spec, media) };
  }
  return null;
}

// The problem schema, for answers on paths the spec cannot name (unknown
// paths answer 404 problem+json).
function problemSchema() {
  const schemas = spec.components?.schemas || {};
  for (const name of ['Problem', 'ProblemDetails', 'problem']) {
    if (schemas[name]) return { name, schema: { $ref: `#/components/schemas/${name}` } };
  }
  return null;
}

let validated = 0;
let failed = 0;
const failures = new Map(); // "METHOD template status: message" -> count
const seenOperations = new Set();
function fail(key, message) {
  failed += 1;
  const k = `${key}: ${message}`;
  failures.set(k, (failures.get(k) || 0) + 1);
}

for (const log of logs) {
  if (!fs.existsSync(log)) {
    console.error(`contract: no log ${log}`);
    failed += 1;
    continue;
  }
  const lines = fs.readFileSync(log, 'utf8').split('\n').filter((l) => l.trim() !== '');
  for (const line of lines) {
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      fail('log', 'unparsable log line');
      continue;
    }
    const method = String(entry.method || '').toLowerCase();
    const template = matchPath(matchers, entry.path);
    const key = `${entry.method} ${template || entry.path} ${entry.status}`;
    if (entry.body_invalid_utf8) {
      fail(key, 'body is not UTF-8');
      continue;
    }
    const type = mediaType(entry.content_type);
    let schema = null;
    let schemaKey = null;
    if (template === null || !kMethods.includes(method) || !spec.paths[template][method]) {
      // Not a described operation: only 404/405 problems are expected here.
      if (![404, 405].includes(entry.status)) {
        fail(key, template === null ? 'path not in the spec' : 'method not in the spec');
        continue;
      }
      if (type !== 'application/problem+json') {
        fail(key, `content type ${type || '(none)'} for an undescribed path/method`);
        continue;
      }
      const p = problemSchema();
      if (p) {
        schema = p.schema;
        schemaKey = `problem:${p.name}`;
      }
    } else {
      const operation = deref(spec, spec.paths[template][method]);
      seenOperations.add(`${method.toUpperCase()} ${template}`);
      const found = findResponse(operation, entry.status);
      if (!found) {
        fail(key, 'status not in the spec');
        continue;
      }
      const content = found.response.content;
      if (!content || Object.keys(content).length === 0) {
        if (entry.body && entry.body.length > 0) fail(key, 'body where the spec has no content');
        else validated += 1;
        continue;
      }
      const media = findMedia(content, type);
      if (!media) {
        fail(key, `content type ${type || '(none)'} not in the spec (${Object.keys(content).join(', ')})`);
        continue;
      }
      if (media.media.schema) {
        schema = media.media.schema;
        schemaKey = `${method} ${template} ${found.key} ${media.key}`;
      }
    }
    if (schema) {
      let body = entry.body;
      if (type === 'application/json' || type.endsWith('+json')) {
        try {
          body = JSON.parse(entry.body);
        } catch {
          fail(key, 'body is not JSON');
          continue;
        }
      }
      let validate;
      try {
        validate = validatorFor(schema, schemaKey);
      } catch (e) {
        fail(key, `schema does not compile: ${e.message}`);
        continue;
      }
      if (!validate(body)) {
        const why = validate.errors
          .slice(0, 3)
          .map((e) => `${e.instancePath || '/'} ${e.message}${e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : ''}`)
          .join('; ');
        fail(key, why);
        continue;
      }
    }
    validated += 1;
  }
}

const allOperations = [];
for (const [template, item] of Object.entries(spec.paths || {})) {
  for (const m of kMethods) if (item[m]) allOperations.push(`${m.toUpperCase()} ${template}`);
}
const unseen = allOperations.filter((o) => !seenOperations.has(o));
if (unseen.length) console.log(`contract: operations no test exercised (${unseen.length}): ${unseen.join(', ')}`);
for (const [k, n] of [...failures.entries()].sort()) console.log(`contract FAIL (${n}x) ${k}`);
console.log(`contract: ${validated} validated, ${failed} failed`);
process.exit(failed > 0 || validated === 0 ? 1 : 0);
