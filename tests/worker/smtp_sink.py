#!/usr/bin/env python3
"""A small SMTP server for tests: every message it accepts becomes a file.

    smtp_sink.py --dir DIR [--port 0] [--host 127.0.0.1] [--count-only]

Prints "PORT <n>" on stdout once it listens. Each accepted message is parsed
(Python's email package, so the test sees what a mail client would) and
written as DIR/<n>.json with message_id, from, to, subject, text, html, ics
(written to a temp name first, then renamed, so a reader never sees half a
file). With --count-only it only counts (for the benchmark) and writes
DIR/count on exit. A recipient whose address starts with "reject" gets a
550 (a mailbox refused for good).

Only the standard library (asyncio): no aiosmtpd needed. Loopback only.
"""
import argparse
import asyncio
import email
import email.policy
import json
import os
import signal
import sys

counter = 0


def store(args, mail_from, rcpts, data):
    global counter
    counter += 1
    if args.count_only:
        return
    msg = email.message_from_bytes(data, policy=email.policy.default)
    out = {"from": mail_from, "to": rcpts, "message_id": str(msg.get("Message-ID", "")),
           "subject": str(msg.get("Subject", "")), "date": str(msg.get("Date", "")),
           "content_type": msg.get_content_type(), "text": "", "html": "", "ics": ""}
    body = msg.get_body(("plain",))
    if body is not None:
        out["text"] = body.get_content()
    body = msg.get_body(("html",))
    if body is not None:
        out["html"] = body.get_content()
    for part in msg.iter_attachments():
        if part.get_content_type() == "text/calendar":
            out["ics"] = part.get_content()
            out["ics_filename"] = part.get_filename() or ""
    # Inline images (the reference's QR code): their Content-IDs, and
    # whether each is a PNG.
    cids = []
    for part in msg.walk():
        if part.get_content_type() == "image/png":
            png = part.get_content()
            ok = isinstance(png, bytes) and png.startswith(b"\x89PNG\r\n\x1a\n")
            cids.append(str(part.get("Content-ID", "")).strip("<>") + ("" if ok else " (not a PNG)"))
    out["png_cids"] = " ".join(cids)
    name = os.path.join(args.dir, "%06d.json" % counter)
    with open(name + ".tmp", "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False)
    os.rename(name + ".tmp", name)


async def session(args, reader, writer):
    async def reply(line):
        writer.write((line + "\r\n").encode())
        await writer.drain()

    await reply("220 sink ESMTP")
    mail_from, rcpts = None, []
    try:
        while True:
            line = await reader.readline()
            if not line:
                break
            cmd = line.decode("utf-8", "replace").strip()
            verb = cmd[:4].upper()
            if verb in ("EHLO", "HELO"):
                await reply("250-sink\r\n250-8BITMIME\r\n250 SIZE 10485760" if verb == "EHLO" else "250 sink")
            elif verb == "MAIL":
                mail_from, rcpts = cmd.split(":", 1)[1].strip().strip("<>").split(">")[0], []
                await reply("250 OK")
            elif verb == "RCPT":
                addr = cmd.split(":", 1)[1].strip().strip("<>")
                if addr.startswith("reject"):
                    await reply("550 mailbox unavailable")
                else:
                    rcpts.append(addr)
                    await reply("250 OK")
            elif verb == "DATA":
                if not rcpts:
                    await reply("554 no valid recipients")
                    continue
                await reply("354 go ahead")
                chunks = []
                complete = False
                while True:
                    l = await reader.readline()
                    if not l:
                        break  # the client died mid-message (kill -9)
                    if l in (b".\r\n", b".\n"):
                        complete = True
                        break
                    if l.startswith(b".."):
                        l = l[1:]
                    chunks.append(l)
                if not complete:
                    # As a real MTA: a message without its final "." was never
                    # accepted and is not delivered.
                    break
                store(args, mail_from, rcpts, b"".join(chunks))
                mail_from, rcpts = None, []
                await reply("250 queued")
            elif verb == "RSET":
                mail_from, rcpts = None, []
                await reply("250 OK")
            elif verb == "NOOP":
                await reply("250 OK")
            elif verb == "QUIT":
                await reply("221 bye")
                break
            else:
                await reply("502 not implemented")
    except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
        pass  # the client went away, or the sink is stopping
    finally:
        writer.close()


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--count-only", action="store_true")
    args = p.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    server = await asyncio.start_server(lambda r, w: session(args, r, w), args.host, args.port,
                                        reuse_address=True)
    port = server.sockets[0].getsockname()[1]
    print("PORT %d" % port, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()
    with open(os.path.join(args.dir, "count"), "w") as f:
        f.write(str(counter))


if __name__ == "__main__":
    asyncio.run(main())
