// Reading openapi.yaml for the contract checks: operations by path template
// and method, $ref resolution for non-schema objects, and an Ajv 2020-12
// validator whose schemas can $ref the spec's components.
import fs from 'node:fs';
import YAML from 'yaml';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export const kMethods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
const kSpecId = 'termin-openapi';

export function loadSpec(file) {
  return YAML.parse(fs.readFileSync(file, 'utf8'));
}

// Follows "#/a/b" references within the document (for responses,
// parameters, headers, media types).
export function deref(spec, node, depth = 0) {
  if (depth > 20) throw new Error('$ref chain too deep');
  if (node && typeof node === 'object' && typeof node.$ref === 'string' && node.$ref.startsWith('#/')) {
    let target = spec;
    for (const raw of node.$ref.slice(2).split('/')) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      target = target?.[key];
    }
    if (target === undefined) throw new Error(`unresolved $ref ${node.$ref}`);
    return deref(spec, target, depth + 1);
  }
  return node;
}

// Path templates sorted so that literal segments win over parameters.
export function pathMatchers(spec) {
  const out = [];
  for (const template of Object.keys(spec.paths || {})) {
    const segments = template.split('/');
    const params = segments.filter((s) => /^\{[^}]+\}$/.test(s)).length;
    const regex = new RegExp(
      '^' +
        segments
          .map((s) => (/^\{[^}]+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
          .join('/') +
        '$',
    );
    out.push({ template, regex, params });
  }
  out.sort((a, b) => a.params - b.params);
  return out;
}

export function matchPath(matchers, path) {
  for (const m of matchers) if (m.regex.test(path)) return m.template;
  return null;
}

// Rewrites "#/components/schemas/X" to the id under which the components are
// registered with Ajv.
function rewriteRefs(node) {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node && typeof node === 'object') {
    const copy = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) {
        copy[k] = `${kSpecId}#/$defs/${v.slice('#/components/schemas/'.length)}`;
      } else {
        copy[k] = rewriteRefs(v);
      }
    }
    return copy;
  }
  return node;
}

export function makeValidatorFactory(spec) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  // OpenAPI's own annotation keywords.
  for (const k of ['example', 'discriminator', 'xml', 'externalDocs']) {
    if (!ajv.getKeyword(k)) ajv.addKeyword({ keyword: k });
  }
  ajv.addSchema({ $id: kSpecId, $defs: rewriteRefs(spec.components?.schemas || {}) });
  const cache = new Map();
  return (schema, cacheKey) => {
    if (!cache.has(cacheKey)) cache.set(cacheKey, ajv.compile(rewriteRefs(schema)));
    return cache.get(cacheKey);
  };
}
