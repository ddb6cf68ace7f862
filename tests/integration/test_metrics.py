"""Prometheus /metrics (Ferry extension) against a real ferryd: the text parses with
prometheus_client's parser; requests are counted under their route template (never the raw
path); a copy and an extend migration move the migration, item, extractor, lease and webhook
counters by exactly what they did; metrics_require_auth makes the endpoint need a key; and
every metric the example Grafana dashboard (docs/grafana-dashboard.json) queries exists.

Runs ferryd_testing (its fault_extractor fails a text marked "[fail:NAME]" while the file
NAME exists in FERRYD_TEST_FAULT_DIR) with webhooks to loopback allowed and one delivery
attempt per event, so a receiver answering 500 makes a delivery given up at once."""
import http.server
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import unittest

from prometheus_client.parser import text_string_to_metric_families

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import (ADMIN_KEY, PG_URL_FILE, Ferryd, FerryTestCase,  # noqa: E402
                           wait_task, wait_until)

BASE = "/v1/namespaces/migrations"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
DASHBOARD = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "grafana-dashboard.json")
TEXTS = ["metric text %d" % i for i in range(5)]
TEXTS[2] = "this one fails [fail:boom]"


class Scrape:
    """One parsed scrape: every sample by (name, labels), and every family and sample name."""

    def __init__(self, text):
        self.samples = {}
        self.names = set()
        for family in text_string_to_metric_families(text):
            self.names.add(family.name)
            for s in family.samples:
                self.names.add(s.name)
                self.samples[(s.name, tuple(sorted(s.labels.items())))] = s.value

    def value(self, name, **labels):
        """The sample's value; 0 when absent (a labelled series appears on first use)."""
        return self.samples.get((name, tuple(sorted(labels.items()))), 0.0)

    def label_values(self, name, label):
        return {dict(labels).get(label) for (n, labels) in self.samples if n == name}


class Receiver:
    """A webhook receiver answering 500 to its first `failures` requests, then 200."""

    def __init__(self, failures):
        self.failures = failures
        self.events = []  # event name of every request, in arrival order
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.events.append(json.loads(body)["event"])
                self.send_response(500 if len(receiver.events) <= receiver.failures else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/hooks" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def scrape(client, key=None):
    headers = {"Authorization": "Bearer " + key} if key else {}
    status, body, headers = client.raw("GET", "/metrics", headers=headers)
    assert status == 200, body
    assert headers["Content-Type"] == CONTENT_TYPE, headers
    return Scrape(body)


class MetricsTest(FerryTestCase):
    @classmethod
    def setUpClass(cls):
        cls.faults = tempfile.mkdtemp(prefix="ferry_faults_")
        open(os.path.join(cls.faults, "boom"), "w").close()
        cls.server = Ferryd(env={"FERRYD_TEST_FAULT_DIR": cls.faults,
                                 "FERRY_WEBHOOK_ALLOW_PRIVATE": "1",
                                 "FERRY_WEBHOOK_MAX_ATTEMPTS": "1"}).start()
        cls.api = cls.server.client()
        cls.api.post("/v1/namespaces", {"namespace_name": "msrc", "feature_extractors": [
            {"feature_extractor_name": "text_extractor", "version": "v1"}]})
        c = cls.server.client(namespace="msrc")
        status, bucket = c.post("/v1/buckets", {"bucket_name": "docs", "bucket_schema": {
            "properties": {"content": {"type": "text"}}}})
        assert status == 200, bucket
        status, col = c.post("/v1/collections", {
            "collection_name": "texts",
            "source": {"type": "bucket", "bucket_ids": [bucket["bucket_id"]]},
            "feature_extractor": {"feature_extractor_name": "text_extractor", "version": "v1"}})
        assert status == 200, col
        ids = [c.post("/v1/buckets/docs/objects", {"blobs": [
            {"property": "content", "type": "text", "data": t}]})[1]["object_id"] for t in TEXTS]
        batch = c.post("/v1/buckets/docs/batches", {"object_ids": ids})[1]
        task = c.post("/v1/buckets/docs/batches/%s/submit" % batch["batch_id"])[1]
        wait_task(c, task["task_id"])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.faults, ignore_errors=True)

    def create(self, config):
        """A migration created (and validated: the extractor speed probe runs here), not
        started; the caller scrapes, then starts it."""
        cfg = {"source_namespace_id": "msrc"}
        cfg.update(config)
        m = self.assertStatus(self.api.post(BASE + "/", {"config": cfg}), 201)
        self.assertTrue(m["validation_result"]["valid"], m)
        return m["migration_id"]

    def run_started(self, mid):
        self.assertStatus(self.api.post("%s/%s/start" % (BASE, mid)), 200)
        return self.wait_migration(mid)

    def test_scrape_is_public_and_parses(self):
        status, body, headers = self.api.raw("GET", "/metrics")  # no Authorization header
        self.assertEqual(status, 200, body)
        self.assertEqual(headers["Content-Type"], CONTENT_TYPE)
        names = Scrape(body).names
        for name in ("ferry_http_requests", "ferry_http_request_duration_seconds",
                     "ferry_migrations", "ferry_migration_items_processed",
                     "ferry_migration_items_failed", "ferry_extractor_items",
                     "ferry_extractor_call_duration_seconds", "ferry_batch_lease_claims",
                     "ferry_batch_leases_lost", "ferry_webhook_deliveries",
                     "ferry_storage_errors", "ferry_metrics_scrape_errors"):
            self.assertIn(name, names)

    def test_requests_are_counted_under_their_route_template(self):
        route = "/v1/namespaces/{namespace_identifier}"
        before = scrape(self.api)
        for _ in range(2):
            self.assertStatus(self.api.get("/v1/namespaces/msrc"), 200)
        self.assertStatus(self.api.get("/v1/namespaces/no_such_ns_42"), 404)
        self.assertStatus(self.api.get("/v1/no/such/route/77"), 404)
        after = scrape(self.api)

        def delta(name, **labels):
            return after.value(name, **labels) - before.value(name, **labels)

        self.assertEqual(delta("ferry_http_requests_total", route=route, method="GET",
                               status="200"), 2)
        self.assertEqual(delta("ferry_http_requests_total", route=route, method="GET",
                               status="404"), 1)
        self.assertEqual(delta("ferry_http_requests_total", route="unmatched", method="GET",
                               status="404"), 1)
        self.assertEqual(delta("ferry_http_request_duration_seconds_count", route=route), 3)
        # The previous scrape itself is counted, under its own route.
        self.assertGreaterEqual(after.value("ferry_http_requests_total", route="/metrics",
                                            method="GET", status="200"), 1)
        routes = after.label_values("ferry_http_requests_total", "route")
        for raw in ("msrc", "no_such_ns_42", "/v1/no/such/route/77"):
            self.assertFalse([r for r in routes if raw in r], routes)

    def test_copy_migration_moves_its_counters_by_exact_amounts(self):
        receiver = Receiver(failures=2)
        try:
            mid = self.create({"migration_type": "copy", "webhook_url": receiver.url})
            before = scrape(self.api)
            m = self.run_started(mid)
            # The migration.completed delivery ends the outbox; its outcome is recorded
            # just after the receiver answered.
            wait_until(lambda: receiver.events[-1:] == ["migration.completed"],
                       "the migration.completed webhook")
            expected_sent = len(receiver.events)
            wait_until(lambda: sum(scrape(self.api).value(
                "ferry_webhook_deliveries_total", result=r) for r in ("delivered", "given_up"))
                - sum(before.value("ferry_webhook_deliveries_total", result=r)
                      for r in ("delivered", "given_up")) == expected_sent,
                "every webhook attempt counted")
            after = scrape(self.api)
        finally:
            receiver.close()

        def delta(name, **labels):
            return after.value(name, **labels) - before.value(name, **labels)

        self.assertEqual(m["status"], "completed")
        self.assertEqual(delta("ferry_migrations", status="completed"), 1)
        self.assertEqual(delta("ferry_migrations", status="draft"), -1)
        self.assertEqual(after.value("ferry_migrations", status="in_progress"), 0)
        # Every batch of the plan was claimed once, by this process, and none was lost.
        shares = m["additional_data"]["batch_processing_workers"]
        self.assertGreater(sum(s["batches"] for s in shares.values()), 0, shares)
        self.assertEqual(delta("ferry_batch_lease_claims_total"),
                         sum(s["batches"] for s in shares.values()), shares)
        self.assertEqual(delta("ferry_batch_leases_lost_total"), 0)
        stage = [s for s in m["progress"]["stages"] if s["stage"] == "batch_processing"][0]
        self.assertGreater(stage["items_completed"], 0, stage)
        self.assertEqual(delta("ferry_migration_items_processed_total", type="copy"),
                         stage["items_completed"])
        self.assertEqual(delta("ferry_migration_items_failed_total", type="copy"), 0)
        # A copy extracts nothing.
        self.assertEqual(delta("ferry_extractor_items_total", extractor="text_extractor@v1"), 0)
        self.assertEqual(delta("ferry_webhook_deliveries_total", result="given_up"), 2)
        self.assertEqual(delta("ferry_webhook_deliveries_total", result="delivered"),
                         expected_sent - 2)
        self.assertEqual(delta("ferry_webhook_deliveries_total", result="retried"), 0)

    def test_failed_items_are_counted_by_type_and_extractor(self):
        mid = self.create({"migration_type": "extend", "feature_extractors": [
            {"feature_extractor_name": "fault_extractor", "version": "v1"}]})
        before = scrape(self.api)
        m = self.run_started(mid)
        after = scrape(self.api)

        def delta(name, **labels):
            return after.value(name, **labels) - before.value(name, **labels)

        self.assertEqual(m["status"], "completed", m)
        failed = self.assertStatus(self.api.get("%s/%s/failed-items" % (BASE, mid)), 200)
        self.assertEqual(failed["total"], 1, failed)
        stage = [s for s in m["progress"]["stages"] if s["stage"] == "batch_processing"][0]
        self.assertEqual(stage["items_failed"], 1, stage)
        self.assertEqual(delta("ferry_migration_items_failed_total", type="extend"), 1)
        self.assertEqual(delta("ferry_migration_items_processed_total", type="extend"),
                         stage["items_completed"])
        fx = "fault_extractor@v1"
        self.assertEqual(delta("ferry_extractor_items_total", extractor=fx), len(TEXTS))
        self.assertEqual(delta("ferry_extractor_items_failed_total", extractor=fx), 1)
        self.assertGreaterEqual(delta("ferry_extractor_call_duration_seconds_count",
                                      extractor=fx), 1)

    def test_dashboard_queries_only_metrics_a_scrape_has(self):
        with open(DASHBOARD) as f:
            dashboard = json.load(f)
        exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
        exprs += [v["definition"] for v in dashboard["templating"]["list"]]
        self.assertGreaterEqual(len(dashboard["panels"]), 8)
        used = {n for e in exprs for n in re.findall(r"\bferry_[a-z0-9_]+", e)}
        self.assertGreaterEqual(len(used), 10, used)
        names = scrape(self.api).names
        for name in sorted(used):
            self.assertIn(re.sub(r"_(bucket|count|sum)$", "", name), names, name)

    @unittest.skipUnless(PG_URL_FILE, "a worker process needs shared (PostgreSQL) storage")
    def test_worker_role_serves_metrics(self):
        worker = Ferryd(data_dir=self.server.data_dir, extra_args=["--role", "worker"]).start()
        try:
            client = worker.client()
            names = scrape(client).names
            self.assertIn("ferry_batch_lease_claims", names)
            self.assertIn("ferry_migrations", names)
            status, _, _ = client.raw("GET", "/v1/namespaces/msrc")
            self.assertEqual(status, 404)  # a worker serves no API
        finally:
            worker.cleanup()


class RequireAuthTest(FerryTestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Ferryd(env={"FERRY_METRICS_REQUIRE_AUTH": "1"}).start()
        cls.api = cls.server.client()

    def test_metrics_need_a_valid_key(self):
        for key in ("", "sk_wrong_key_000"):
            with self.subTest(key=key):
                err = self.assertStatus(self.api.call("GET", "/metrics", key=key), 401)
                self.assertFalse(err["success"])
                self.assertNotIn("ferry_", json.dumps(err))
        names = scrape(self.api, key=ADMIN_KEY).names
        self.assertIn("ferry_http_requests", names)


if __name__ == "__main__":
    unittest.main()
