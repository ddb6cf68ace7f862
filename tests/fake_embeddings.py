"""A fake OpenAI-compatible embeddings server for tests (Python standard library only).

    python3 tests/fake_embeddings.py [--port N] [--dimensions D] [--api-key KEY]
                                     [--latency-ms MS]

prints "LISTENING <port>" once ready. POST /v1/embeddings answers
{"object": "list", "data": [{"object": "embedding", "index": i, "embedding": [...]}], ...}
with a deterministic unit vector per (model, text) (see embed()); "dimensions" in the
request overrides the default length. With --api-key, any other Authorization than
"Bearer KEY" gets 401. With --latency-ms, every embeddings request is answered that long
after it arrived (a model server's latency; requests are served concurrently).

Behaviour is controlled with POST /admin/behaviour, a JSON object of any of:
  {"fail_status": 429, "fail_count": 3, "retry_after": 0}  next 3 requests fail that way
  {"stall_count": 2, "stall_seconds": 60}   next 2 requests wait (until released) first
  {"stall_marker": "STALL", "stall_seconds": 60}  requests with an input containing it stall
POST /admin/reset clears behaviour and records and releases stalled requests;
GET /admin/requests lists what was received: path, authorization, model, inputs, status.
Tests may also use FakeEmbeddingServer in-process (same controls as methods).
"""
import argparse
import hashlib
import json
import math
import random
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def embed(model, text, dimensions):
    """Unit vector seeded by SHA-256 of model and text."""
    seed = int.from_bytes(hashlib.sha256((model + "\0" + text).encode()).digest()[:8], "big")
    rng = random.Random(seed)
    v = [rng.uniform(-1.0, 1.0) for _ in range(dimensions)]
    norm = math.sqrt(sum(x * x for x in v)) or 1.0
    return [x / norm for x in v]


class FakeEmbeddingServer:
    def __init__(self, port=0, dimensions=16, api_key=None, latency_ms=0):
        self.dimensions = dimensions
        self.api_key = api_key
        self.latency = latency_ms / 1000.0
        self.lock = threading.Lock()
        self.requests = []
        self.release = threading.Event()
        self._clear_behaviour()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                if self.path == "/admin/requests":
                    with server.lock:
                        self._send(200, list(server.requests))
                else:
                    self._send(404, {"error": {"message": "not found"}})

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path == "/admin/behaviour":
                    server.set_behaviour(**json.loads(body or b"{}"))
                    self._send(200, {"ok": True})
                elif self.path == "/admin/reset":
                    server.reset()
                    self._send(200, {"ok": True})
                elif self.path.endswith("/embeddings"):
                    status, payload, headers = server.handle_embeddings(
                        self.path, self.headers.get("Authorization"), body)
                    self._send(status, payload, headers)
                else:
                    self._send(404, {"error": {"message": "not found"}})

            def _send(self, status, payload, headers=None):
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for k, v in (headers or {}).items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timed out) first

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self):
        return "http://127.0.0.1:%d/v1" % self.port

    def _clear_behaviour(self):
        self.fail_status, self.fail_count, self.retry_after = 500, 0, None
        self.stall_count, self.stall_marker, self.stall_seconds = 0, None, 60.0

    def set_behaviour(self, fail_status=None, fail_count=None, retry_after=None,
                      stall_count=None, stall_marker=None, stall_seconds=None):
        with self.lock:
            if fail_count is not None:
                self.fail_status, self.fail_count = fail_status or 500, fail_count
                self.retry_after = retry_after
            if stall_count is not None:
                self.stall_count = stall_count
            if stall_marker is not None:
                self.stall_marker = stall_marker or None
            if stall_seconds is not None:
                self.stall_seconds = stall_seconds
            if stall_count or stall_marker:
                self.release.clear()

    def reset(self):
        with self.lock:
            self._clear_behaviour()
            self.requests = []
        self.release.set()

    def embedding_requests(self):
        with self.lock:
            return [r for r in self.requests if r["path"].endswith("/embeddings")]

    def handle_embeddings(self, path, authorization, body):
        try:
            req = json.loads(body)
            inputs = req["input"]
            inputs = [inputs] if isinstance(inputs, str) else list(inputs)
            model = req["model"]
            dims = int(req.get("dimensions") or self.dimensions)
        except (ValueError, KeyError, TypeError):
            return 400, {"error": {"message": "malformed request"}}, None
        record = {"path": path, "authorization": authorization, "model": model,
                  "inputs": inputs, "status": None}
        with self.lock:
            self.requests.append(record)
            stall = self.stall_count > 0 or (
                self.stall_marker is not None and any(self.stall_marker in t for t in inputs))
            if self.stall_count > 0:
                self.stall_count -= 1
            fail = None
            authorized = self.api_key is None or authorization == "Bearer " + self.api_key
            if authorized and not stall and self.fail_count > 0:
                self.fail_count -= 1
                fail = self.fail_status
            stall_seconds = self.stall_seconds
        if stall:
            self.release.wait(stall_seconds)
        if self.latency > 0:
            time.sleep(self.latency)  # the simulated model's answer time
        if not authorized:
            record["status"] = 401
            return 401, {"error": {"message": "Incorrect API key provided"}}, None
        if fail is not None:
            record["status"] = fail
            headers = {"Retry-After": str(self.retry_after)} if self.retry_after is not None \
                else None
            return fail, {"error": {"message": "injected failure", "type": "fake"}}, headers
        record["status"] = 200
        data = [{"object": "embedding", "index": i, "embedding": embed(model, t, dims)}
                for i, t in enumerate(inputs)]
        return 200, {"object": "list", "data": data, "model": model,
                     "usage": {"prompt_tokens": 0, "total_tokens": 0}}, None


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--dimensions", type=int, default=16)
    p.add_argument("--api-key", default=None)
    p.add_argument("--latency-ms", type=int, default=0)
    args = p.parse_args()
    server = FakeEmbeddingServer(args.port, args.dimensions, args.api_key, args.latency_ms)
    print("LISTENING %d" % server.port, flush=True)
    try:
        server.httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
