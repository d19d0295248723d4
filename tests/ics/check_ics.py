#!/usr/bin/python3
"""Checks Termin's calendar files with an independent parser (Debian's
python3-icalendar), the way a calendar program reads them: one event per
file, the same UID throughout, a SEQUENCE that grows with each change, the
METHOD that makes a client apply an update or a cancellation, ORGANIZER,
DTSTAMP, UTC times, alarms that match the reminder choice.

    check_ics.py EXPECTATIONS.json

EXPECTATIONS: {"organizer": "mailto:...", "files": [{"path", "method",
"status", "start", "end" (RFC 3339 UTC), "alarms": [minutes before],
"attendee": "mailto:..." | null}, ...]} in the order the changes happened.
Exit status 0 when every check holds; each failure is printed.
"""
import datetime
import json
import sys

import icalendar

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def main():
    spec = json.load(open(sys.argv[1]))
    uids, sequences = set(), []
    for i, f in enumerate(spec["files"]):
        where = "file %d (%s)" % (i, f["method"])
        cal = icalendar.Calendar.from_ical(open(f["path"], "rb").read())
        check(str(cal.get("VERSION")) == "2.0", where + ": VERSION 2.0")
        check(cal.get("PRODID") is not None, where + ": PRODID")
        check(str(cal.get("METHOD")) == f["method"], where + ": METHOD %s, expected %s" % (cal.get("METHOD"), f["method"]))
        events = [c for c in cal.walk() if c.name == "VEVENT"]
        check(len(events) == 1, where + ": one VEVENT, found %d" % len(events))
        if not events:
            continue
        ev = events[0]
        uids.add(str(ev.get("UID")))
        seq = ev.get("SEQUENCE")
        check(seq is not None, where + ": SEQUENCE")
        sequences.append(int(seq) if seq is not None else -1)
        stamp = ev.decoded("DTSTAMP") if ev.get("DTSTAMP") is not None else None
        check(isinstance(stamp, datetime.datetime) and stamp.tzinfo is not None, where + ": DTSTAMP in UTC")
        org = ev.get("ORGANIZER")
        check(org is not None and str(org).lower() == spec["organizer"].lower(),
              where + ": ORGANIZER %s, expected %s" % (org, spec["organizer"]))
        check(org is not None and "CN" in org.params, where + ": ORGANIZER has a CN")
        start, end = ev.decoded("DTSTART"), ev.decoded("DTEND")
        want_start = datetime.datetime.fromisoformat(f["start"].replace("Z", "+00:00"))
        want_end = datetime.datetime.fromisoformat(f["end"].replace("Z", "+00:00"))
        check(start.tzinfo is not None and start.utcoffset() == datetime.timedelta(0), where + ": DTSTART in UTC")
        check(start == want_start, where + ": DTSTART %s, expected %s" % (start, want_start))
        check(end == want_end, where + ": DTEND %s, expected %s" % (end, want_end))
        check(str(ev.get("STATUS")) == f["status"], where + ": STATUS %s, expected %s" % (ev.get("STATUS"), f["status"]))
        att = ev.get("ATTENDEE")
        if f["method"] == "REQUEST":
            check(att is not None, where + ": a REQUEST names its ATTENDEE (RFC 5546)")
        if f.get("attendee"):
            check(att is not None and str(att).lower() == f["attendee"].lower(), where + ": ATTENDEE %s" % att)
        alarms = sorted(-int(a.decoded("TRIGGER").total_seconds() // 60) for a in ev.walk() if a.name == "VALARM")
        check(alarms == sorted(f["alarms"]), where + ": alarms %s, expected %s" % (alarms, f["alarms"]))
    check(len(uids) == 1, "one UID across the files, found %s" % sorted(uids))
    check(all(b > a for a, b in zip(sequences, sequences[1:])), "SEQUENCE grows with each change: %s" % sequences)
    for line in failures:
        print("ics:", line)
    print("ics: %d files, sequences %s, %d failures" % (len(spec["files"]), sequences, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
