#!/usr/bin/env python3
"""Checks how the rendered objects of one release fit together (parsed, not grepped).

  check_wiring.py rendered.yaml [more.yaml ...]

check_manifests.py looks at each container alone; this looks across objects:
- Pod Security Standard "restricted" (with check_manifests.py's security context): only its
  volume types, no host namespaces, no privileged container, no hostPort;
- labels: every object carries app.kubernetes.io/{name,instance,version,managed-by} and
  helm.sh/chart;
- service accounts: each workload runs as its own ServiceAccount, rendered here, and
  neither it nor the pod mounts a token; the pod's seccomp is RuntimeDefault;
- rolling updates: the API has a preStop pause and a grace period of at least that pause
  plus 10 s (termin-api's drain bound), maxUnavailable 0; API and worker spread over a
  topology with a selector that matches their own pods;
- PDBs use maxUnavailable >= 1 (a drain is never blocked, even with one replica) and
  select pods of a workload; an HPA scales a rendered Deployment that has no replicas;
- Services and the ServiceMonitor select pods / Services that exist, by a named port;
- NetworkPolicy: API, worker and Redis pods are each selected by a policy of both types;
  the API lets in only its http and metrics ports; Redis lets in only API and worker pods
  and sends nothing; the worker may send to its SMTP ports;
- the Redis password: the bundled Redis reads it from a Secret volume, and the API and
  worker read the same Secret through TERMIN_REDIS_PASSWORD_FILE; no env value holds a
  password or secret (only valueFrom or *_FILE).
Exit 1 with one line per problem.
"""
import os
import sys

import yaml

LABELS = ("app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version",
          "app.kubernetes.io/managed-by", "helm.sh/chart")
RESTRICTED_VOLUMES = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
                      "persistentVolumeClaim", "projected", "secret"}
DRAIN_BOUND_SECONDS = 10  # termin-api exits within 10 s of SIGTERM (service/bin/termin-api.cc)


def matches(selector, labels):
    """selector: a Service's map or a LabelSelector {matchLabels, matchExpressions}."""
    if selector is None:
        return False
    if "matchLabels" in selector or "matchExpressions" in selector:
        ml = selector.get("matchLabels") or {}
        for e in selector.get("matchExpressions") or []:
            v = labels.get(e["key"])
            if e["operator"] == "In" and v not in e["values"]:
                return False
            if e["operator"] == "NotIn" and v in e["values"]:
                return False
            if e["operator"] == "Exists" and v is None:
                return False
    else:
        ml = selector
    return all(labels.get(k) == v for k, v in ml.items())


def check(f, docs, problems):
    def bad(msg):
        problems.append(f"{os.path.basename(f)}: {msg}")

    by_kind = {}
    for d in docs:
        by_kind.setdefault(d["kind"], []).append(d)
        labels = (d.get("metadata") or {}).get("labels") or {}
        for k in LABELS:
            if not labels.get(k):
                bad(f"{d['kind']}/{d['metadata']['name']}: no label {k}")

    # Pod Security Standard "restricted", the parts check_manifests.py does not look at.
    for d in by_kind.get("Deployment", []) + by_kind.get("StatefulSet", []) + by_kind.get("Pod", []):
        spec = d["spec"]["template"]["spec"] if d["kind"] != "Pod" else d["spec"]
        name = f"{d['kind']}/{d['metadata']['name']}"
        for v in spec.get("volumes") or []:
            kinds = set(v) - {"name"}
            if not kinds <= RESTRICTED_VOLUMES:
                bad(f"{name}: volume {v['name']} of type {sorted(kinds)} is not allowed under 'restricted'")
        for k in ("hostNetwork", "hostPID", "hostIPC"):
            if spec.get(k):
                bad(f"{name}: {k}")
        for c in spec.get("containers", []) + spec.get("initContainers", []):
            if (c.get("securityContext") or {}).get("privileged"):
                bad(f"{name} container {c['name']}: privileged")
            if any(p.get("hostPort") for p in c.get("ports") or []):
                bad(f"{name} container {c['name']}: a hostPort")

    workloads = by_kind.get("Deployment", []) + by_kind.get("StatefulSet", [])
    pods = {w["metadata"]["name"]: w["spec"]["template"] for w in workloads}
    accounts = {a["metadata"]["name"]: a for a in by_kind.get("ServiceAccount", [])}
    secrets_volumes = {}
    for w in workloads:
        name = f"{w['kind']}/{w['metadata']['name']}"
        pod = w["spec"]["template"]
        spec = pod["spec"]
        plabels = pod["metadata"].get("labels") or {}
        if not matches(w["spec"]["selector"], plabels):
            bad(f"{name}: its selector does not match its pod labels")
        sa = spec.get("serviceAccountName")
        if not sa or sa not in accounts:
            bad(f"{name}: serviceAccountName {sa!r} is not a rendered ServiceAccount")
        elif accounts[sa].get("automountServiceAccountToken") is not False:
            bad(f"ServiceAccount/{sa}: automountServiceAccountToken is not false")
        if spec.get("automountServiceAccountToken") is not False:
            bad(f"{name}: pod automountServiceAccountToken is not false")
        if sum(1 for p in pods.values() if p["spec"].get("serviceAccountName") == sa) > 1:
            bad(f"{name}: ServiceAccount {sa} shared with another workload")
        psc = spec.get("securityContext") or {}
        if (psc.get("seccompProfile") or {}).get("type") != "RuntimeDefault" or psc.get("runAsNonRoot") is not True:
            bad(f"{name}: pod securityContext lacks runAsNonRoot / seccomp RuntimeDefault")
        component = plabels.get("app.kubernetes.io/component")
        if component in ("api", "worker"):
            spread = spec.get("topologySpreadConstraints") or []
            if not spread:
                bad(f"{name}: no topologySpreadConstraints")
            for t in spread:
                if not matches(t.get("labelSelector"), plabels):
                    bad(f"{name}: a topology spread constraint does not select its own pods")
        if component == "api":
            c = spec["containers"][0]
            cmd = (((c.get("lifecycle") or {}).get("preStop") or {}).get("exec") or {}).get("command") or []
            if len(cmd) != 2 or cmd[0] != "sleep" or not str(cmd[1]).isdigit():
                bad(f"{name}: no preStop [sleep, N] pause")
            else:
                grace = spec.get("terminationGracePeriodSeconds", 30)
                if grace < int(cmd[1]) + DRAIN_BOUND_SECONDS:
                    bad(f"{name}: grace period {grace} s < preStop {cmd[1]} s + {DRAIN_BOUND_SECONDS} s drain")
            ru = (w["spec"].get("strategy") or {}).get("rollingUpdate") or {}
            if ru.get("maxUnavailable") != 0:
                bad(f"{name}: rollingUpdate.maxUnavailable is not 0")
        # Env values: no secret material inline.
        for c in spec["containers"] + spec.get("initContainers", []):
            for e in c.get("env") or []:
                n = e["name"].upper()
                if "value" in e and any(w_ in n for w_ in ("PASSWORD", "SECRET", "TOKEN")) \
                        and not n.endswith("_FILE"):
                    bad(f"{name} container {c['name']}: env {e['name']} has an inline value")
        secrets_volumes[w["metadata"]["name"]] = {
            v["name"]: v["secret"]["secretName"] for v in spec.get("volumes") or [] if "secret" in v}

    # The Redis password: one Secret, read by Redis and by the API and the worker as a file.
    redis = [w for w in workloads
             if w["spec"]["template"]["metadata"]["labels"].get("app.kubernetes.io/component") == "redis"]
    users = [w for w in workloads
             if w["spec"]["template"]["metadata"]["labels"].get("app.kubernetes.io/component") in ("api", "worker")]
    wanted = None
    if redis:
        vols = secrets_volumes[redis[0]["metadata"]["name"]]
        wanted = vols.get("auth")
        if not wanted:
            bad("bundled Redis: no Secret volume 'auth' with its password")
        conf = [c for c in by_kind.get("ConfigMap", []) if c["metadata"]["name"] == redis[0]["metadata"]["name"]]
        if not conf or "include /run/redis/auth.conf" not in conf[0]["data"].get("redis.conf", ""):
            bad("bundled Redis: redis.conf does not include the password file")
    for w in users:
        c = w["spec"]["template"]["spec"]["containers"][0]
        env = {e["name"]: e.get("value") for e in c.get("env") or []}
        pw = env.get("TERMIN_REDIS_PASSWORD_FILE")
        mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts") or []}
        vols = secrets_volumes[w["metadata"]["name"]]
        if wanted or pw:
            if not pw:
                bad(f"{w['metadata']['name']}: no TERMIN_REDIS_PASSWORD_FILE although Redis has a password")
                continue
            vol = mounts.get(os.path.dirname(pw))
            if vol not in vols:
                bad(f"{w['metadata']['name']}: TERMIN_REDIS_PASSWORD_FILE {pw} is not in a mounted Secret")
            elif wanted and vols[vol] != wanted:
                bad(f"{w['metadata']['name']}: reads the Redis password from {vols[vol]}, Redis from {wanted}")

    for s in by_kind.get("Service", []):
        sel = s["spec"].get("selector")
        if not any(matches(sel, p["metadata"]["labels"]) for p in pods.values()):
            bad(f"Service/{s['metadata']['name']}: selects no rendered pod")
        for p in s["spec"]["ports"]:
            if not p.get("name"):
                bad(f"Service/{s['metadata']['name']}: an unnamed port")

    for p in by_kind.get("PodDisruptionBudget", []):
        spec = p["spec"]
        if "minAvailable" in spec:
            bad(f"PodDisruptionBudget/{p['metadata']['name']}: minAvailable blocks a drain with one replica")
        mu = spec.get("maxUnavailable")
        if not ((isinstance(mu, int) and mu >= 1) or (isinstance(mu, str) and mu.endswith("%") and int(mu[:-1]) >= 1)):
            bad(f"PodDisruptionBudget/{p['metadata']['name']}: maxUnavailable {mu!r} can block a drain")
        if not any(matches(spec["selector"], q["metadata"]["labels"]) for q in pods.values()):
            bad(f"PodDisruptionBudget/{p['metadata']['name']}: selects no pod")

    deployments = {d["metadata"]["name"]: d for d in by_kind.get("Deployment", [])}
    for h in by_kind.get("HorizontalPodAutoscaler", []):
        t = h["spec"]["scaleTargetRef"]
        if t["kind"] != "Deployment" or t["name"] not in deployments:
            bad(f"HorizontalPodAutoscaler/{h['metadata']['name']}: scales no rendered Deployment")
        elif "replicas" in deployments[t["name"]]["spec"]:
            bad(f"Deployment/{t['name']}: has replicas although an HPA owns it")
        if h["spec"]["minReplicas"] > h["spec"]["maxReplicas"]:
            bad(f"HorizontalPodAutoscaler/{h['metadata']['name']}: minReplicas > maxReplicas")

    for m in by_kind.get("ServiceMonitor", []):
        ports = {e["port"] for e in m["spec"]["endpoints"]}
        hit = [s for s in by_kind.get("Service", [])
               if matches(m["spec"]["selector"], s["metadata"]["labels"])
               and any(p["name"] in ports for p in s["spec"]["ports"])]
        comps = {s["metadata"]["labels"].get("app.kubernetes.io/component") for s in hit}
        if comps != {"api", "worker"}:
            bad(f"ServiceMonitor/{m['metadata']['name']}: scrapes {sorted(c or '?' for c in comps)}, want api and worker")

    policies = by_kind.get("NetworkPolicy", [])
    if policies:
        for wname, pod in pods.items():
            labels = pod["metadata"]["labels"]
            comp = labels.get("app.kubernetes.io/component")
            mine = [n for n in policies if matches(n["spec"]["podSelector"], labels)]
            if not mine or not all(set(n["spec"].get("policyTypes") or []) == {"Ingress", "Egress"} for n in mine):
                bad(f"{wname}: not selected by a NetworkPolicy of types Ingress and Egress")
                continue
            ingress = [r for n in mine for r in n["spec"].get("ingress") or []]
            egress = [r for n in mine for r in n["spec"].get("egress") or []]
            in_ports = {p.get("port") for r in ingress for p in r.get("ports") or [None]} if ingress else set()
            out_ports = {p.get("port") for r in egress for p in r.get("ports") or [{}]}
            if comp == "api" and in_ports != {"http", "metrics"}:
                bad(f"NetworkPolicy for {wname}: lets in ports {sorted(map(str, in_ports))}, want http and metrics")
            if comp == "worker":
                if in_ports != {"metrics"}:
                    bad(f"NetworkPolicy for {wname}: lets in ports {sorted(map(str, in_ports))}, want metrics")
                if not out_ports & {25, 465, 587}:
                    bad(f"NetworkPolicy for {wname}: no egress to an SMTP port")
            if comp in ("api", "worker") and 6379 not in out_ports:
                bad(f"NetworkPolicy for {wname}: no egress to Redis (6379)")
            if comp == "redis":
                if egress:
                    bad(f"NetworkPolicy for {wname}: Redis may send")
                for r in ingress:
                    for peer in r.get("from") or [None]:
                        sel = (peer or {}).get("podSelector")
                        if peer is None or "namespaceSelector" in peer or "ipBlock" in peer or \
                                (sel or {}).get("matchLabels", {}).get("app.kubernetes.io/component") not in ("api", "worker"):
                            bad(f"NetworkPolicy for {wname}: lets in {peer!r}, want only API and worker pods")
                    if {p.get("port") for p in r.get("ports") or [{}]} != {6379}:
                        bad(f"NetworkPolicy for {wname}: lets in other ports than 6379")
    print(f"  {os.path.basename(f)}: {len(docs)} objects fit together"
          f" ({len(workloads)} workloads, {len(policies)} network policies)")


def main():
    problems = []
    for f in sys.argv[1:]:
        with open(f) as fh:
            docs = [d for d in yaml.safe_load_all(fh) if d]
        check(f, docs, problems)
    for p in problems:
        print("FAIL " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
