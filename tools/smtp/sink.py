#!/usr/bin/env python3
"""A real SMTP server for Sala's tests (aiosmtpd): every message it accepts is parsed with
Python's `email` package and written, as JSON, to OUT/<n>.json (written to a temporary name
and renamed, so a reader never sees half a file). Prints "listo <port>" once it listens.

  sink.py --port 2525 --out /tmp/mails [--delay-ms 50] [--refuse-first 2] [--stall-first 1]
          [--reject-rcpt TEXT] [--refuse-sender "535 5.7.8 Credenciales inválidas"]

--delay-ms waits before accepting each message's DATA (a slow relay, so a test can kill
Sala while messages are in flight); --refuse-first answers the first N messages with a
passing refusal (451), as a busy relay does; --reject-rcpt TEXT refuses for good (550) every
recipient address containing TEXT; --stall-first N never answers the DATA of the first N
messages (a relay that hangs mid-exchange: they are not recorded); --refuse-sender REPLY
answers every MAIL FROM with REPLY (a relay refusing Sala's account or sender).
"""
import argparse
import asyncio
import hashlib
import json
import os
import signal
from email import policy
from email.parser import BytesParser

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out, delay_ms, refuse_first, reject, stall_first=0, refuse_sender=""):
        self.out = out
        self.reject = reject
        self.stall = stall_first
        self.refuse_sender = refuse_sender
        self.delay = delay_ms / 1000
        self.refuse = refuse_first
        self.count = 0

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.refuse_sender:
            return self.refuse_sender
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject and self.reject in address:
            return "550 5.1.1 Buzón inexistente"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse > 0:
            self.refuse -= 1
            return "451 4.3.0 Intente más tarde"
        if self.stall > 0:
            self.stall -= 1
            await asyncio.sleep(3600)
        if self.delay:
            await asyncio.sleep(self.delay)
        message = BytesParser(policy=policy.default).parsebytes(envelope.content)
        body = message.get_body(preferencelist=("plain",))
        attachments = []
        for part in message.iter_attachments():
            data = part.get_payload(decode=True) or b""
            attachments.append({
                "filename": part.get_filename(),
                "content_type": part.get_content_type(),
                "method": part.get_param("method"),
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "text": data.decode("utf-8") if part.get_content_maintype() == "text" else None,
            })
        self.count += 1
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": str(message["From"]),
            "to": str(message["To"]),
            "subject": str(message["Subject"]),
            "message_id": str(message["Message-ID"]),
            "body": body.get_content() if body is not None else "",
            "attachments": attachments,
        }
        name = os.path.join(self.out, f"{os.getpid()}-{self.count:06d}.json")
        with open(name + ".tmp", "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        os.rename(name + ".tmp", name)
        return "250 OK"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--delay-ms", type=int, default=0)
    parser.add_argument("--refuse-first", type=int, default=0)
    parser.add_argument("--reject-rcpt", default="")
    parser.add_argument("--stall-first", type=int, default=0)
    parser.add_argument("--refuse-sender", default="")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    controller = Controller(
        Sink(args.out, args.delay_ms, args.refuse_first, args.reject_rcpt,
             args.stall_first, args.refuse_sender),
        hostname="127.0.0.1",
        port=args.port,
    )
    controller.start()
    print(f"listo {args.port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.new_event_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.run_until_complete(stop.wait())
    controller.stop()


if __name__ == "__main__":
    main()
