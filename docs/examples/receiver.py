#!/usr/bin/env python3
"""A kycd webhook receiver using only the Python standard library.

It checks both signatures kycd sends (Idenfy-Signature and the Standard Webhooks
webhook-signature) over the raw body, refuses stale timestamps, ignores repeats of an
event it has already handled (same webhook-id) and answers 200, or 401 when a check fails.

    KYCD_SIGNING_KEY=... PORT=8000 python3 receiver.py     (HOST defaults to 127.0.0.1)
"""

import base64
import hashlib
import hmac
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SIGNING_KEY = os.environ["KYCD_SIGNING_KEY"].encode("utf-8")  # the partner's signing key
HOST = os.environ.get("HOST", "127.0.0.1")
PORT = int(os.environ.get("PORT", "8000"))
TOLERANCE_SECONDS = 5 * 60  # refuse webhook-timestamp values further than this from now
MAX_BODY_BYTES = 1024 * 1024

# webhook-ids already handled. Keep these in your database in production (with a unique index),
# for several days: the default retry schedule spans about a day, and operators can resend later.
seen_ids = set()
seen_lock = threading.Lock()


def idenfy_signature_ok(body: bytes, header: str) -> bool:
    expected = hmac.new(SIGNING_KEY, body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.strip().lower())


def standard_signature_ok(body: bytes, msg_id: str, timestamp: str, header: str) -> bool:
    signed = msg_id.encode() + b"." + timestamp.encode() + b"." + body
    expected = base64.b64encode(hmac.new(SIGNING_KEY, signed, hashlib.sha256).digest()).decode()
    # The header may list several space-separated "v1,<base64>" values; one match is enough.
    ok = False
    for candidate in header.split():
        version, _, signature = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(expected, signature):
            ok = True
    return ok


def timestamp_fresh(timestamp: str) -> bool:
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    return abs(time.time() - sent) <= TOLERANCE_SECONDS


def handle_event(event_type: str, event: dict) -> None:
    # Your business logic. Keep it fast (kycd waits at most 10 s) or hand it to a queue.
    print(f"{event_type} scanRef={event['scanRef']} overall={event['status']['overall']} "
          f"final={event['final']}", flush=True)


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            return self.answer(413, "too large")
        body = self.rfile.read(length)  # the raw bytes: verify these, never re-serialised JSON

        msg_id = self.headers.get("webhook-id", "")
        timestamp = self.headers.get("webhook-timestamp", "")
        if not idenfy_signature_ok(body, self.headers.get("Idenfy-Signature", "")):
            return self.answer(401, "bad Idenfy-Signature")
        if not standard_signature_ok(body, msg_id, timestamp,
                                     self.headers.get("webhook-signature", "")):
            return self.answer(401, "bad webhook-signature")
        if not timestamp_fresh(timestamp):
            return self.answer(401, "stale webhook-timestamp")

        with seen_lock:
            duplicate = msg_id in seen_ids
            seen_ids.add(msg_id)
        if not duplicate:
            handle_event(self.headers.get("Idenfy-Event-Type", ""), json.loads(body))
        self.answer(200, "ok")

    def answer(self, status: int, text: str) -> None:
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


if __name__ == "__main__":
    print(f"listening on {HOST}:{PORT}", flush=True)
    ThreadingHTTPServer((HOST, PORT), Handler).serve_forever()
