#!/usr/bin/env python3
"""Runs the chart's bundled Redis as rendered, on loopback, and termin-api against it.

  check_bundled_redis.py BUILD_BIN_DIR rendered-default.yaml

Takes the rendered ConfigMap (redis.conf, start.sh, ping.sh) and the generated Secret,
moves their absolute paths (/etc/redis, /etc/redis-auth, /run/redis, /data) into a
temporary directory and the port onto a free loopback one, then:
- start.sh starts redis-server with the password from the Secret file; it never stands in
  argv (checked in /proc/PID/cmdline) nor in the ConfigMap;
- without the password Redis answers NOAUTH; ping.sh (the readiness probe) says PONG;
- termin-api, given the password the chart's way (TERMIN_REDIS_PASSWORD_FILE), answers
  /readyz 200; without it, 503;
- the same once more with a password holding a quote, a backslash, a space and a $, as an
  existing Secret may (start.sh quotes it for redis.conf).
Needs redis-server and redis-cli (Debian redis-server, installed by scripts/install-deps.sh).
"""
import base64
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

import yaml


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def relocate(text, root, port):
    text = text.replace("/etc/redis-auth/", f"{root}/auth/").replace("/run/redis/", f"{root}/run/")
    text = text.replace("/etc/redis/", f"{root}/etc/").replace("dir /data", f"dir {root}/data")
    text = text.replace("exec redis-server " + f"{root}/etc/redis.conf",
                        f"exec redis-server {root}/etc/redis.conf --port {port} --bind 127.0.0.1")
    return text.replace("redis-cli --no-auth-warning ping", f"redis-cli --no-auth-warning -p {port} ping")


def wait_for(pred, seconds, what):
    end = time.time() + seconds
    while time.time() < end:
        if pred():
            return
        time.sleep(0.1)
    raise SystemExit(f"FAIL bundled Redis: {what} within {seconds} s")


def http_status(url):
    try:
        return urllib.request.urlopen(url, timeout=2).status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return None


def run_api(bin_dir, port, password_file):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TERMIN_")}
    if password_file:
        env["TERMIN_REDIS_PASSWORD_FILE"] = password_file
    root = os.path.join(os.path.dirname(__file__), "..", "..")
    p = subprocess.Popen([os.path.join(bin_dir, "termin-api"), "--port", "0", "--bind", "127.0.0.1",
                          "--store", f"redis://127.0.0.1:{port}",
                          "--seed", os.path.join(root, "data", "demo-city.json")],
                         env=env, stderr=subprocess.PIPE, text=True)
    end = time.time() + 30
    api = None
    while time.time() < end and api is None:
        line = p.stderr.readline()
        if not line:
            break
        m = re.search(r"listening on http://[^:]+:(\d+)", line)
        if m:
            api = f"http://127.0.0.1:{m.group(1)}"
    # Keep reading: the access log would fill the pipe and block the server.
    threading.Thread(target=lambda: [None for _ in p.stderr], daemon=True).start()
    return p, api


def one(bin_dir, cm, password, label):
    problems = []
    root = tempfile.mkdtemp(prefix="termin-redis-")
    port = free_port()
    try:
        for d in ("etc", "auth", "run", "data"):
            os.makedirs(f"{root}/{d}")
        for k in ("redis.conf", "start.sh", "ping.sh"):
            with open(f"{root}/etc/{k}", "w") as fh:
                fh.write(relocate(cm[k], root, port))
        with open(f"{root}/auth/password", "w") as fh:
            fh.write(password)
        redis = subprocess.Popen(["sh", f"{root}/etc/start.sh"], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        try:
            def up():
                r = subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True)
                return "NOAUTH" in r.stdout + r.stderr
            wait_for(up, 10, "no NOAUTH answer (no password set?)")
            with open(f"/proc/{redis.pid}/cmdline", "rb") as fh:
                if password.encode() in fh.read():
                    problems.append(f"{label}: the password is in redis-server's argv")
            if subprocess.run(["sh", f"{root}/etc/ping.sh"]).returncode != 0:
                problems.append(f"{label}: ping.sh (the readiness probe) failed")
            api, url = run_api(bin_dir, port, f"{root}/auth/password")
            try:
                if not url:
                    problems.append(f"{label}: termin-api did not start")
                else:
                    wait_for(lambda: http_status(url + "/readyz") == 200, 15,
                             f"{label}: termin-api with the password file not ready")
            finally:
                api.send_signal(signal.SIGTERM)
                api.wait(timeout=15)
            api, url = run_api(bin_dir, port, None)
            try:
                if url and http_status(url + "/readyz") == 200:
                    problems.append(f"{label}: termin-api without the password is ready")
            finally:
                api.send_signal(signal.SIGTERM)
                api.wait(timeout=15)
        finally:
            redis.terminate()
            redis.wait(timeout=10)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if not problems:
        print(f"  bundled Redis ({label}): password from the Secret file, NOAUTH without it, "
              f"probe PONG, termin-api ready with TERMIN_REDIS_PASSWORD_FILE only")
    return problems


def main():
    bin_dir, rendered = sys.argv[1], sys.argv[2]
    if not shutil.which("redis-server") or not shutil.which("redis-cli"):
        print("FAIL bundled Redis: redis-server / redis-cli not installed")
        return 1
    docs = [d for d in yaml.safe_load_all(open(rendered)) if d]
    cm = next(d["data"] for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"].endswith("-redis"))
    secret = next(d for d in docs if d["kind"] == "Secret" and d["metadata"]["name"].endswith("-redis-auth"))
    generated = base64.b64decode(secret["data"]["password"]).decode()
    problems = []
    if len(generated) < 32:
        problems.append(f"generated password has {len(generated)} characters, want 32")
    problems += one(bin_dir, cm, generated, "generated password")
    problems += one(bin_dir, cm, 'pa"ss\\w rd $HOME', "password with quote, backslash, space, $")
    for p in problems:
        print("FAIL " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
