#!/usr/bin/env python3
"""Checks rendered Helm manifests (parsed, not grepped).

  check_manifests.py BUILD_BIN_DIR rendered.yaml [more.yaml ...]

For every Deployment / StatefulSet container (and `helm test` Pod, without
probes): startup, readiness and liveness probes, resources (requests, memory limit), the security context
(runAsNonRoot, runAsUser 65534, readOnlyRootFilesystem, drop ALL, seccomp
RuntimeDefault, allowPrivilegeEscalation false). termin-api and
termin-worker containers: their args, with their plain env values, are run
through the binary's own parser (--check-config), so a flag the binary does
not know fails here, not in a crash loop. No ConfigMap holds a value that
looks like a secret (a password, key or token name, or a URL with a
password). Exit 1 with one line per problem.
"""
import os
import re
import subprocess
import sys

import yaml

SECRET_KEY = re.compile(r"(password|passwd|secret|token|api[_-]?key|private)", re.I)
URL_WITH_PASSWORD = re.compile(r"[a-z]+://[^/\s:@]*:[^/\s@]+@", re.I)


def check_container(where, c, problems, probes=True):
    for probe in ("startupProbe", "readinessProbe", "livenessProbe") if probes else ():
        if not c.get(probe):
            problems.append(f"{where}: no {probe}")
    res = c.get("resources") or {}
    if not (res.get("requests") or {}).get("cpu") or not (res.get("requests") or {}).get("memory"):
        problems.append(f"{where}: no cpu and memory requests")
    if not (res.get("limits") or {}).get("memory"):
        problems.append(f"{where}: no memory limit")
    sc = c.get("securityContext") or {}
    want = {
        "runAsNonRoot": True,
        "runAsUser": 65534,
        "readOnlyRootFilesystem": True,
        "allowPrivilegeEscalation": False,
    }
    for k, v in want.items():
        if sc.get(k) != v:
            problems.append(f"{where}: securityContext.{k} is {sc.get(k)!r}, want {v!r}")
    if "ALL" not in ((sc.get("capabilities") or {}).get("drop") or []):
        problems.append(f"{where}: securityContext.capabilities.drop lacks ALL")
    if (sc.get("seccompProfile") or {}).get("type") != "RuntimeDefault":
        problems.append(f"{where}: securityContext.seccompProfile.type is not RuntimeDefault")
    for a in (c.get("args") or []) + (c.get("command") or []):
        if URL_WITH_PASSWORD.search(str(a)):
            problems.append(f"{where}: a password in the arguments")


def check_args(where, c, bin_dir, problems):
    args = [str(a) for a in (c.get("args") or [])]
    if not args or args[0] not in ("termin-api", "termin-worker"):
        return
    env = {k: v for k, v in os.environ.items() if not k.startswith("TERMIN_")}
    for e in c.get("env") or []:
        if "value" in e:
            env[e["name"]] = str(e["value"])
        elif "secretKeyRef" in (e.get("valueFrom") or {}):
            env[e["name"]] = "stand-in-secret"  # the kubelet fills it from the Secret
    # A mounted secret is not here: point file variables at a stand-in.
    if "TERMIN_REDIS_PASSWORD_FILE" in env:
        env["TERMIN_REDIS_PASSWORD_FILE"] = os.path.join(os.path.dirname(__file__), "stand-in-password")
    cmd = [os.path.join(bin_dir, args[0])] + args[1:] + ["--check-config"]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        problems.append(f"{where}: {' '.join(args)} --check-config exited {r.returncode}: "
                        f"{(r.stderr or r.stdout).strip()[:300]}")
    else:
        print(f"  {where}: {args[0]} accepts its {len(args) - 1} rendered flags")


def main():
    bin_dir, files = sys.argv[1], sys.argv[2:]
    problems = []
    for f in files:
        with open(f) as fh:
            docs = [d for d in yaml.safe_load_all(fh) if d]
        containers = 0
        for d in docs:
            kind, name = d.get("kind"), (d.get("metadata") or {}).get("name")
            if kind in ("Deployment", "StatefulSet"):
                spec = d["spec"]["template"]["spec"]
                for c in spec.get("containers", []) + spec.get("initContainers", []):
                    where = f"{os.path.basename(f)} {kind}/{name} container {c['name']}"
                    containers += 1
                    check_container(where, c, problems)
                    check_args(where, c, bin_dir, problems)
            if kind == "Pod":  # a `helm test` pod: runs once, so no probes
                for c in d["spec"].get("containers", []):
                    containers += 1
                    check_container(f"{os.path.basename(f)} Pod/{name} container {c['name']}", c, problems,
                                    probes=False)
            if kind == "ConfigMap":
                for k, v in (d.get("data") or {}).items():
                    if SECRET_KEY.search(k) or URL_WITH_PASSWORD.search(str(v)):
                        problems.append(f"{f} ConfigMap/{name}: key {k} looks like a secret")
                    for line in str(v).splitlines():
                        if re.match(r"\s*(requirepass|masterauth)\s", line):
                            problems.append(f"{f} ConfigMap/{name}: {line.split()[0]} in a ConfigMap")
        if containers == 0:
            problems.append(f"{f}: no containers rendered")
        print(f"  {os.path.basename(f)}: {len(docs)} objects, {containers} containers checked")
    for p in problems:
        print("FAIL " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
