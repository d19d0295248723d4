// Validates rendered manifests against the Kubernetes API schemas, offline, with unknown
// fields refused (what `kubectl apply --validate=strict` and kubeconform -strict do).
//
//   node validate.mjs rendered.yaml [more.yaml ...]
//   node validate.mjs --selftest      (a known-bad object of each kind must fail)
//
// The schemas: kubernetes-models (npm, pinned in package-lock.json) ships one validator per
// type, compiled by Ajv from the OpenAPI document of one Kubernetes release (PodSpec has
// hostnameOverride, i.e. 1.34 or newer); @kubernetes-models/prometheus-operator the same for
// ServiceMonitor. Those validators check types, enums, formats and required fields but,
// like the OpenAPI document, let unknown fields pass. So the data is handed to them behind
// a Proxy that records which properties each validator reads: a compiled validator reads
// every property its schema declares (`data.x !== undefined`) and enumerates the keys only
// of a map (additionalProperties). Any key of an object whose schema declares properties,
// that no validator read, is an unknown field; an object whose keys were enumerated is a
// map; an object no validator looked into is free-form (preserve-unknown-fields).
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

// apiVersion -> file prefix of its schemas (by path: prometheus-operator exports no _schemas).
const K8S = "./node_modules/kubernetes-models/_schemas/IoK8sApi";
const GROUPS = {
  v1: `${K8S}CoreV1`,
  "apps/v1": `${K8S}AppsV1`,
  "policy/v1": `${K8S}PolicyV1`,
  "autoscaling/v2": `${K8S}AutoscalingV2`,
  "networking.k8s.io/v1": `${K8S}NetworkingV1`,
  "batch/v1": `${K8S}BatchV1`,
  "monitoring.coreos.com/v1":
    "./node_modules/@kubernetes-models/prometheus-operator/_schemas/ComGithubPrometheusOperatorPrometheusOperatorPkgApisMonitoringV1",
};

async function validatorFor(apiVersion, kind) {
  const prefix = GROUPS[apiVersion];
  if (!prefix || !/^[A-Z][A-Za-z]+$/.test(String(kind))) return null;
  try {
    return (await import(new URL(`${prefix}${kind}.js`, import.meta.url))).validate;
  } catch {
    return null;
  }
}

// Wraps `root` so that reads and key enumerations are recorded per object.
function watch(root) {
  const records = new Map();  // target object -> {path, read: Set, enumerated}
  const proxies = new Map();
  const wrap = (value, path) => {
    if (value === null || typeof value !== "object") return value;
    if (proxies.has(value)) return proxies.get(value);
    let proxy;
    if (Array.isArray(value)) {
      proxy = new Proxy(value, {
        get(t, k, r) {
          const v = Reflect.get(t, k, r);
          return typeof k === "string" && /^\d+$/.test(k) ? wrap(v, `${path}/${k}`) : v;
        },
      });
    } else {
      const rec = { path, read: new Set(), enumerated: false, target: value };
      records.set(value, rec);
      proxy = new Proxy(value, {
        get(t, k, r) {
          const v = Reflect.get(t, k, r);
          if (typeof k !== "string") return v;
          rec.read.add(k);
          return wrap(v, `${path}/${k}`);
        },
        has(t, k) {
          if (typeof k === "string") rec.read.add(k);
          return Reflect.has(t, k);
        },
        ownKeys(t) {
          rec.enumerated = true;
          return Reflect.ownKeys(t);
        },
      });
    }
    proxies.set(value, proxy);
    return proxy;
  };
  return { data: wrap(root, ""), records };
}

export async function validate(doc) {
  const errors = [];
  if (!doc || typeof doc !== "object") return ["not an object"];
  const fn = await validatorFor(doc.apiVersion, doc.kind);
  if (!fn) return [`no schema for apiVersion ${doc.apiVersion} kind ${doc.kind}`];
  const { data, records } = watch(structuredClone(doc));
  if (!fn(data)) {
    for (const e of fn.errors || []) {
      errors.push(`${e.instancePath || "/"}: ${e.keyword} ${JSON.stringify(e.params)}`);
    }
  }
  for (const rec of records.values()) {
    if (rec.enumerated || rec.read.size === 0) continue;
    for (const k of Object.keys(rec.target)) {
      if (!rec.read.has(k)) errors.push(`${rec.path || "/"}: unknown field ${k}`);
    }
  }
  return errors;
}

// Each of these must be refused: a misspelt field at several depths, a wrong type, a
// wrong enum value, a missing required field, an unknown apiVersion.
const SELFTEST = [
  { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "a" },
    spec: { selector: {}, template: { spec: { containers: [{ name: "c", imagePullPolicy: "Always",
      securityContex: {} }] } } } },
  { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "a" },
    spec: { selector: {}, template: { spec: { containers: [{ name: "c", livenessProbe: { httpGet: { port: 80, pth: "/" } } }] } } } },
  { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "a" },
    spec: { replicas: "3", selector: {}, template: { spec: { containers: [{ name: "c" }] } } } },
  { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "a" },
    spec: { selector: {}, template: { spec: { containers: [{ name: "c", imagePullPolicy: "Sometimes" }] } } } },
  { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "a" }, spec: { selector: {} } },
  { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "a" }, spec: { maxUnavailabe: 1 } },
  { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "a" },
    spec: { podSelector: {}, ingress: [{ form: [] }] } },
  { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "a" }, automountServiceAccountToken: "no" },
  { apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata: { name: "a" },
    spec: { selector: {}, endpoints: [{ prot: "metrics" }] } },
  { apiVersion: "apps/v1beta9", kind: "Deployment", metadata: { name: "a" } },
];
const GOOD = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "a", labels: { x: "y" } },
  spec: { selector: { matchLabels: { x: "y" } }, template: { metadata: { labels: { x: "y" } },
    spec: { containers: [{ name: "c", image: "i", resources: { limits: { memory: "1Gi" } } }] } } } };

async function main() {
  const args = process.argv.slice(2);
  let failed = 0;
  if (args[0] === "--selftest") {
    const good = await validate(GOOD);
    if (good.length) { console.log(`FAIL selftest: a good Deployment refused: ${good.join("; ")}`); failed++; }
    for (const [i, bad] of SELFTEST.entries()) {
      const errs = await validate(bad);
      if (!errs.length) { console.log(`FAIL selftest: bad object ${i} (${bad.kind}) accepted`); failed++; }
      else if (process.env.VERBOSE) console.log(`  refused ${bad.kind}: ${errs.join("; ")}`);
    }
    if (!failed) console.log(`  kube-schema selftest: 1 good object accepted, ${SELFTEST.length} bad ones refused`);
    process.exit(failed ? 1 : 0);
  }
  for (const f of args) {
    const docs = parseAllDocuments(readFileSync(f, "utf8")).map((d) => d.toJS()).filter((d) => d);
    const kinds = new Set();
    for (const d of docs) {
      kinds.add(`${d.apiVersion} ${d.kind}`);
      for (const e of await validate(d)) {
        console.log(`FAIL ${f} ${d.kind}/${d.metadata?.name}: ${e}`);
        failed++;
      }
    }
    console.log(`  ${f}: ${docs.length} objects valid against the Kubernetes schemas (${kinds.size} kinds), unknown fields refused`);
  }
  process.exit(failed ? 1 : 0);
}

main();
