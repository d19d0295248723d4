#!/usr/bin/python3
"""Redis memory per appointment (docs/deploy.md "Sizing").

Books N appointments through a running termin-api (--store redis on a fresh
redis-server, fair-use limits off) as citizens do (hold, then confirm with a
contact of typical length, reminders on), and prints INFO memory's
used_memory before and after, per appointment. Also the number of keys.

    bench/redis_memory.py API_PORT REDIS_PORT N [SERVICE]
"""
import http.client
import json
import subprocess
import sys
import datetime


def redis_info(port, section):
    out = subprocess.run(["redis-cli", "-p", str(port), "INFO", section],
                         capture_output=True, text=True, check=True).stdout
    return dict(l.split(":", 1) for l in out.splitlines() if ":" in l)


def dbsize(port):
    return int(subprocess.run(["redis-cli", "-p", str(port), "DBSIZE"],
                              capture_output=True, text=True, check=True).stdout)


def main():
    api_port, redis_port, n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    service = sys.argv[4] if len(sys.argv) > 4 else "meldebescheinigung"
    conn = http.client.HTTPConnection("127.0.0.1", api_port)

    def call(method, path, body=None):
        headers = {"Connection": "keep-alive"}
        if body is not None:
            headers["Content-Type"] = "application/json"
            body = json.dumps(body)
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        return r.status, json.loads(r.read() or b"null")

    _, offices = call("GET", "/v1/offices")
    office_ids = [o["id"] for o in offices["offices"]]
    # The figure is for the appointments alone: the catalogue and the
    # process's own keys are in the baseline.
    subprocess.run(["redis-cli", "-p", str(redis_port), "MEMORY", "PURGE"], capture_output=True)
    base = int(redis_info(redis_port, "memory")["used_memory"])
    base_keys = dbsize(redis_port)
    booked, day = 0, datetime.date.today() + datetime.timedelta(days=2)
    while booked < n and day < datetime.date.today() + datetime.timedelta(days=58):
        for office in office_ids:
            if booked >= n:
                break
            status, avail = call("GET", f"/v1/availability?services={service}&office={office}"
                                        f"&from={day}&to={day}")
            if status != 200:
                continue
            slots = [sl for d in avail.get("days", []) for sl in d.get("slots", [])]
            for slot in slots:
                for _ in range(slot.get("free", 1)):
                    if booked >= n:
                        break
                    s, hold = call("POST", "/v1/holds", {"office": office, "services": [service],
                                                         "start": slot["start"]})
                    if s != 201:
                        break
                    s, appt = call("POST", "/v1/appointments", {
                        "hold_id": hold["id"], "hold_secret": hold["secret"],
                        "contact": {"name": f"Maximilian Mustermann-Schulze {booked}",
                                    "email": f"maximilian.mustermann{booked}@example-mail.de",
                                    "phone": f"+49 7361 52{booked:05d}",
                                    "language": "de", "reminders": True}})
                    if s != 201:
                        print("confirm", s, appt, file=sys.stderr)
                        break
                    booked += 1
        day += datetime.timedelta(days=1)
    subprocess.run(["redis-cli", "-p", str(redis_port), "MEMORY", "PURGE"], capture_output=True)
    mem = redis_info(redis_port, "memory")
    used = int(mem["used_memory"])
    keys = dbsize(redis_port)
    print(f"booked {booked} appointments ({service}, contact with name, e-mail, phone, reminders)")
    print(f"used_memory {base} -> {used} bytes: {(used - base) / max(booked, 1):.0f} bytes per "
          f"appointment (its hold, claim, outbox jobs, tallies and indexes included)")
    print(f"keys {base_keys} -> {keys} ({(keys - base_keys) / max(booked, 1):.1f} per appointment); "
          f"used_memory_rss {mem['used_memory_rss']}, mem_fragmentation_ratio "
          f"{mem['mem_fragmentation_ratio']}")


if __name__ == "__main__":
    main()
