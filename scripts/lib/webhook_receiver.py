"""A webhook receiver for the server's tests: it verifies every request with the official
Standard Webhooks package (`standardwebhooks`, from PyPI; scripts/setup.sh installs it),
not with the server's own code, and writes down what arrived.

    python webhook_receiver.py        # binds 127.0.0.1 on a free port, prints the port

Any POST outside /_control is a delivery: verified with the secret it was given, then
answered 200, or 500 while it was told to fail, or 401 when the signature does not verify.
Only loopback: it binds 127.0.0.1 and never sends anything itself.

    POST /_control  {"secret": "whsec_…", "fail_next": 3, "slow_next": 1, "slow_ms": 30000,
                     "redirect_next": 1}
        secret: the endpoint's signing secret; fail_next: answer the next N verified
        deliveries with 500; slow_next and slow_ms: hold the next N deliveries that long
        before answering; redirect_next: answer the next N with 307 to /moved (a sender
        that followed it would show up there). Each field given replaces what was set.
    GET /_received  every delivery so far, in arrival order: {"path", "id", "type", "payload",
        "timestamp", "user_agent", "verified", "error", "status", "start", "end"} (the
        payload once verified; start and end in seconds on one monotonic clock, end null
        while it is being answered).
"""

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook, WebhookVerificationError

LOCK = threading.Lock()
STATE = {"secret": None, "fail_next": 0, "slow_next": 0, "slow_ms": 0, "redirect_next": 0}
RECEIVED = []


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def _answer(self, status, body, content_type="text/plain", location=None):
        data = body.encode()
        try:
            self.send_response(status)
            self.send_header("content-type", content_type)
            if location:
                self.send_header("location", location)
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the sender went away (a server stopped mid-attempt)

    def _body(self):
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length)

    def do_GET(self):
        if self.path != "/_received":
            self._answer(404, "not here")
            return
        with LOCK:
            body = json.dumps(RECEIVED)
        self._answer(200, body, "application/json")

    def do_POST(self):
        body = self._body()
        if self.path == "/_control":
            self._control(body)
        else:
            self._delivery(body)

    def _control(self, body):
        settings = json.loads(body or b"{}")
        with LOCK:
            for key in ("secret", "fail_next", "slow_next", "slow_ms", "redirect_next"):
                if key in settings:
                    STATE[key] = settings[key]
        self._answer(200, "ok")

    def _delivery(self, body):
        record = {
            "path": self.path,
            "id": self.headers.get("webhook-id"),
            "type": None,
            "payload": None,
            "timestamp": self.headers.get("webhook-timestamp"),
            "user_agent": self.headers.get("user-agent"),
            "verified": False,
            "error": None,
            "status": None,
            "start": time.monotonic(),
            "end": None,
        }
        with LOCK:
            RECEIVED.append(record)
            secret = STATE["secret"]
            slow = STATE["slow_next"] > 0
            if slow:
                STATE["slow_next"] -= 1
            slow_ms = STATE["slow_ms"]
        status, answer = 401, "no secret configured"
        if secret:
            try:
                payload = Webhook(secret).verify(body, dict(self.headers.items()))
                record["verified"] = True
                record["type"] = payload.get("type")
                record["payload"] = payload
                status, answer = 200, json.dumps({"received": record["id"]})
            except (WebhookVerificationError, ValueError) as error:
                answer = f"not verified: {error}"
        redirect = False
        if record["verified"]:
            with LOCK:
                if STATE["fail_next"] > 0:
                    STATE["fail_next"] -= 1
                    status, answer = 500, "failing on purpose"
                elif STATE["redirect_next"] > 0:
                    STATE["redirect_next"] -= 1
                    status, answer, redirect = 307, "moved", True
        record["error"] = None if status == 200 else answer
        if slow:
            time.sleep(slow_ms / 1000)
        self._answer(status, answer, location="/moved" if redirect else None)
        with LOCK:
            record["status"] = status
            record["end"] = time.monotonic()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


def main():
    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
