"""Migration webhooks end to end: a receiver that answers 500 at first and then recovers
gets every event exactly once (by delivery id), in order, signed with the organization's
rotated secret; private targets are refused unless the operator allows them."""
import hashlib
import hmac
import http.server
import json
import os
import sys
import threading
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import Ferryd, FerryTestCase, wait_until  # noqa: E402

BASE = "/v1/namespaces/migrations"
TEXT = [{"feature_extractor_name": "text_extractor", "version": "v1"}]


class Receiver:
    """A local webhook receiver that fails its first `failures` requests with 500."""

    def __init__(self, failures):
        self.failures = failures
        self.requests = []  # (headers, body) of every request, failed ones included
        self.accepted = []  # (headers, body) answered 200
        self.done = threading.Event()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                if len(receiver.requests) <= receiver.failures:
                    self.send_response(500)
                    self.end_headers()
                    return
                receiver.accepted.append((dict(self.headers), body))
                self.send_response(200)
                self.end_headers()
                if json.loads(body)["event"] in ("migration.completed", "migration.failed"):
                    receiver.done.set()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/hooks/ferry" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class WebhookTest(FerryTestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Ferryd(env={"FERRY_WEBHOOK_ALLOW_PRIVATE": "1"}).start()
        cls.api = cls.server.client()
        cls.api.post("/v1/namespaces", {"namespace_name": "hooked", "feature_extractors": TEXT})
        c = cls.server.client(namespace="hooked")
        c.post("/v1/buckets", {"bucket_name": "b", "bucket_schema": {
            "properties": {"content": {"type": "text"}}}})
        c.post("/v1/buckets/b/objects", {"blobs": [
            {"property": "content", "type": "text", "data": "one object"}]})

    def test_every_event_once_in_order_signed(self):
        secret = self.assertStatus(self.api.post("/v1/webhooks/secret/rotate"), 200)["secret"]
        receiver = Receiver(failures=2)
        try:
            m = self.assertStatus(self.api.post(BASE + "/", {"config": {
                "migration_type": "copy", "source_namespace_id": "hooked",
                "webhook_url": receiver.url}, "start_immediately": True}), 201)
            self.assertTrue(receiver.done.wait(120), "no migration.completed webhook")
        finally:
            receiver.close()
        events = [json.loads(b) for _, b in receiver.accepted]
        self.assertEqual([e["event"] for e in events],
                         ["migration.started"] + ["migration.stage_completed"] * 7 +
                         ["migration.completed"])
        self.assertEqual([e["stage"] for e in events[1:8]],
                         ["namespace_setup", "batch_creation", "batch_processing",
                          "cluster_execution", "taxonomy_enrichment", "benchmark_evaluation",
                          "finalization"])
        delivery_ids = [h["X-Ferry-Delivery-Id"] for h, _ in receiver.accepted]
        self.assertEqual(len(set(delivery_ids)), len(delivery_ids))
        # The two failed attempts were retried with the same delivery id and body.
        first_id = receiver.requests[0][0]["X-Ferry-Delivery-Id"]
        self.assertEqual(receiver.requests[1][0]["X-Ferry-Delivery-Id"], first_id)
        self.assertEqual(delivery_ids[0], first_id)
        for headers, body in receiver.requests:
            expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
            self.assertEqual(headers["X-Ferry-Signature"], expected)
            self.assertEqual(headers["X-Ferry-Event"], json.loads(body)["event"])
        for e in events:
            self.assertEqual(e["migration_id"], m["migration_id"])
            self.assertTrue(e["timestamp"].endswith("Z"))
            self.assertIn("overall_progress_percent", e["progress"])
        self.assertEqual(events[-1]["status"], "completed")
        got = self.assertStatus(self.api.get(BASE + "/" + m["migration_id"]), 200)
        self.assertEqual(got["status"], "completed")

    def test_live_migration_events(self):
        """migration.synced, migration.cutover and migration.rolled_back (issue 13)."""
        self.api.post("/v1/namespaces", {"namespace_name": "hooked-live", "feature_extractors": TEXT})
        c = self.server.client(namespace="hooked-live")
        c.post("/v1/buckets", {"bucket_name": "b", "bucket_schema": {
            "properties": {"content": {"type": "text"}}}})
        receiver = Receiver(failures=0)
        try:
            m = self.assertStatus(self.api.post(BASE + "/", {"config": {
                "migration_type": "copy", "source_namespace_id": "hooked-live",
                "webhook_url": receiver.url}, "start_immediately": True}), 201)
            self.assertTrue(receiver.done.wait(120), "no migration.completed webhook")
            self.assertStatus(c.post("/v1/buckets/b/objects", {"blobs": [
                {"property": "content", "type": "text", "data": "written later"}]}), 200)
            mid = m["migration_id"]
            for op in ("sync", "cutover", "rollback"):
                self.assertStatus(self.api.post(BASE + "/%s/%s" % (mid, op)), 200)

            def live_events():
                events = [json.loads(b) for _, b in receiver.accepted]
                names = [e["event"] for e in events if e["event"] in (
                    "migration.synced", "migration.cutover", "migration.rolled_back")]
                return events if len(names) == 3 else None

            events = wait_until(live_events, "the three live-migration webhooks")
        finally:
            receiver.close()
        live = [e for e in events if e["event"] in (
            "migration.synced", "migration.cutover", "migration.rolled_back")]
        self.assertEqual([e["event"] for e in live],
                         ["migration.synced", "migration.cutover", "migration.rolled_back"])
        for e in live:
            self.assertEqual(e["migration_id"], mid)
            self.assertEqual(e["status"], "completed")

    def test_a_dead_receiver_does_not_slow_or_fail_the_migration(self):
        m = self.assertStatus(self.api.post(BASE + "/", {"config": {
            "migration_type": "copy", "source_namespace_id": "hooked",
            "webhook_url": "http://127.0.0.1:9/nobody-listens"},
            "start_immediately": True}), 201)
        got = self.wait_migration(m["migration_id"])
        self.assertEqual(got["status"], "completed")


class PrivateTargetTest(unittest.TestCase):
    def test_private_webhook_urls_are_refused_by_default(self):
        server = Ferryd().start()
        try:
            api = server.client()
            api.post("/v1/namespaces", {"namespace_name": "p", "feature_extractors": TEXT})
            for url in ["http://127.0.0.1:8080/x", "http://10.0.0.5/x", "http://169.254.169.254/",
                        "http://[::1]/x", "ftp://example.com/x", "http://user:pw@example.com/"]:
                with self.subTest(url=url):
                    status, m = api.post(BASE + "/", {"config": {
                        "migration_type": "copy", "source_namespace_id": "p",
                        "webhook_url": url}})
                    self.assertEqual(status, 201)
                    self.assertFalse(m["validation_result"]["valid"])
                    self.assertEqual(m["validation_result"]["errors"][0]["loc"],
                                     ["config", "webhook_url"])
        finally:
            server.cleanup()


if __name__ == "__main__":
    unittest.main()
