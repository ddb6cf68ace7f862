"""GET /v1/namespaces/migrations/{id}/events (Ferry extension, issue 12): the live event
stream of a migration, over a real connection to a real ferryd. The stream follows a
re_extract (made slow by a model server's latency) from its first state to `end`; every
event is the migration's GET body; the rate stays at most 4 per second; Last-Event-ID on
reconnect; auth and tenancy. On PostgreSQL storage (the `_pg` variant), a second process
(`--role api`) serves the stream of a migration the first one runs."""
import http.client
import json
import os
import shutil
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import (ADMIN_KEY, PG_URL_FILE, STORAGE_URL_NAME,  # noqa: E402
                           FerryTestCase, Ferryd)
from fake_embeddings import FakeEmbeddingServer  # noqa: E402

BASE = "/v1/namespaces/migrations"
OBJECTS = 120
CONFIG = """
[[extractors.http]]
name = "fake_embed"
version = "v1"
base_url = "%(url)s"
model = "fake-model"
dimensions = 8
batch_size = 25

[[extractors.http]]
name = "fake_embed"
version = "v2"
base_url = "%(url)s"
model = "fake-model-2"
dimensions = 8
send_dimensions = true
batch_size = 5
"""


class EventStream:
    """One SSE connection: events as dicts (id, event, data, at), comments skipped."""

    def __init__(self, port, migration_id, key=ADMIN_KEY, last_event_id=None):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Authorization": "Bearer " + key}
        if last_event_id:
            headers["Last-Event-ID"] = last_event_id
        self.conn.request("GET", "%s/%s/events" % (BASE, migration_id), headers=headers)
        self.resp = self.conn.getresponse()

    def next(self):
        """The next event, or None when the server ended the stream."""
        event = {}
        while True:
            line = self.resp.readline()
            if not line:
                return None
            line = line.decode().rstrip("\n")
            if line == "":
                if event:
                    event["at"] = time.monotonic()
                    return event
                continue
            if line.startswith(":"):
                continue
            field, _, value = line.partition(": ")
            event[field] = json.loads(value) if field == "data" else value

    def close(self):
        self.conn.close()


class MigrationEventsTest(FerryTestCase):
    @classmethod
    def setUpClass(cls):
        cls.fake = FakeEmbeddingServer(dimensions=8).start()
        cls.server = Ferryd(extra_args=["--config", cls.config_file()]).start()
        cls.api = cls.server.client()
        cls.source_made = False

    @classmethod
    def config_file(cls):
        fd, cls.config_path = tempfile.mkstemp(prefix="ferry_events_", suffix=".toml")
        with os.fdopen(fd, "w") as f:
            f.write(CONFIG % {"url": cls.fake.url()})
        return cls.config_path

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()
        cls.fake.stop()
        os.remove(cls.config_path)

    def setUp(self):
        if not type(self).source_made:
            self.make_source()
            type(self).source_made = True

    def make_source(self):
        self.assertStatus(self.api.post("/v1/namespaces", {
            "namespace_name": "evsrc",
            "feature_extractors": [{"feature_extractor_name": "fake_embed", "version": "v1"}]}),
            200)
        c = self.server.client(namespace="evsrc")
        bucket = self.assertStatus(c.post("/v1/buckets", {"bucket_name": "texts", "bucket_schema": {
            "properties": {"content": {"type": "text"}}}}), 200)
        self.assertStatus(c.post("/v1/collections", {
            "collection_name": "embedded",
            "source": {"type": "bucket", "bucket_ids": [bucket["bucket_id"]]},
            "feature_extractor": {"feature_extractor_name": "fake_embed", "version": "v1",
                                  "input_mappings": {"text": "content"}}}), 200)
        ids = [self.assertStatus(c.post("/v1/buckets/texts/objects", {"blobs": [
            {"property": "content", "type": "text", "data": "event text %d" % i}]}), 200)[
            "object_id"] for i in range(OBJECTS)]
        batch = self.assertStatus(c.post("/v1/buckets/texts/batches", {"object_ids": ids}), 200)
        task = self.assertStatus(c.post("/v1/buckets/texts/batches/%s/submit" % batch["batch_id"]),
                                 200)
        self.wait_task(c, task["task_id"], want=("COMPLETED",))

    def slow_re_extract(self):
        """A draft re_extract whose batches each wait for the model server."""
        self.fake.latency = 0.1
        return self.assertStatus(self.api.post(BASE + "/", {"config": {
            "source_namespace_id": "evsrc", "migration_type": "re_extract",
            "feature_extractors": [{"feature_extractor_name": "fake_embed", "version": "v2"}],
            "batch_options": {"batch_size": 10, "max_workers": 1}}}), 201)["migration_id"]

    def follow(self, stream):
        events = []
        while True:
            e = stream.next()
            if e is None:
                return events
            events.append(e)

    def test_a_stream_follows_a_migration_from_its_state_to_its_end(self):
        mid = self.slow_re_extract()
        stream = EventStream(self.server.port, mid)
        self.assertEqual(stream.resp.status, 200)
        self.assertEqual(stream.resp.getheader("Content-Type"), "text/event-stream")
        self.assertEqual(stream.resp.getheader("Cache-Control"), "no-store")
        first = stream.next()
        self.assertEqual(first["event"], "migration")
        self.assertEqual(first["data"]["status"], "draft")
        # The event's data is exactly what GET answers (and so matches its schema).
        self.assertEqual(first["data"], self.assertStatus(self.api.get(BASE + "/" + mid), 200))
        self.assertStatus(self.api.post(BASE + "/%s/start" % mid, {"force": True}), 200)
        events = [first] + self.follow(stream)
        stream.close()
        last = events[-1]
        self.assertEqual(last["event"], "end")
        self.assertEqual(last["data"]["status"], "completed")
        self.assertEqual(last["data"], self.assertStatus(self.api.get(BASE + "/" + mid), 200))
        self.assertTrue(all(e["event"] == "migration" for e in events[:-1]))
        # Live: the stages were seen filling up, each state once (consecutive ids differ).
        percents = [e["data"]["progress"]["stages"][2]["progress_percent"] for e in events]
        self.assertGreater(len(set(percents)), 2, percents)
        self.assertEqual(percents, sorted(percents))
        self.assertTrue(all(a["id"] != b["id"] for a, b in zip(events, events[1:])))
        # At most 4 events a second after the first (one per 250 ms tick).
        span = events[-1]["at"] - events[1]["at"]
        self.assertLessEqual(len(events) - 2, 4 * span + 1, (len(events), span))

    def test_a_reconnect_with_last_event_id_and_an_ended_migration(self):
        mid = self.slow_re_extract()
        self.assertStatus(self.api.post(BASE + "/%s/start" % mid, {"force": True}), 200)
        self.wait_migration(mid)
        # An ended migration's stream is its final state as `end`, then the close; also for
        # a client that already has it.
        first = EventStream(self.server.port, mid)
        events = self.follow(first)
        self.assertEqual([e["event"] for e in events], ["end"])
        again = EventStream(self.server.port, mid, last_event_id=events[0]["id"])
        self.assertEqual([e["id"] for e in self.follow(again)], [events[0]["id"]])

    def test_a_draft_is_not_resent_to_a_client_that_has_it(self):
        mid = self.slow_re_extract()
        first = EventStream(self.server.port, mid)
        state = first.next()
        first.close()
        again = EventStream(self.server.port, mid, last_event_id=state["id"])
        self.assertStatus(self.api.post(BASE + "/%s/cancel" % mid, {"reason": "enough"}), 200)
        # The next event it gets is the change, not the draft it reconnected with.
        events = self.follow(again)
        self.assertNotEqual(events[0]["id"], state["id"])
        self.assertEqual(events[-1]["event"], "end")
        self.assertEqual(events[-1]["data"]["status"], "cancelled")

    def test_auth_and_tenancy(self):
        mid = self.slow_re_extract()
        for key, want in [("sk_not_a_key_000000000000", 401),
                          (self.server.create_key("events-other"), 404)]:
            s = EventStream(self.server.port, mid, key=key)
            self.assertEqual(s.resp.status, want)
            body = json.loads(s.resp.read())
            self.assertEqual(body["success"], False)
            self.assertEqual(body["status"], want)
            s.close()
        s = EventStream(self.server.port, "mig_does_not_exist")
        self.assertEqual(s.resp.status, 404)
        s.close()

    @unittest.skipUnless(PG_URL_FILE, "a second process needs shared (PostgreSQL) storage")
    def test_another_process_serves_the_stream(self):
        data_dir = os.path.join(os.path.dirname(self.server.data_dir),
                                os.path.basename(self.server.data_dir) + "-api2")
        os.makedirs(data_dir)
        shutil.copy(os.path.join(self.server.data_dir, STORAGE_URL_NAME), data_dir)
        shutil.copy(os.path.join(self.server.data_dir, "secret.key"), data_dir)
        other = Ferryd(data_dir=data_dir,
                       extra_args=["--config", self.config_path, "--role", "api"]).start()
        try:
            mid = self.slow_re_extract()
            stream = EventStream(other.port, mid)
            self.assertEqual(stream.next()["data"]["status"], "draft")
            self.assertStatus(self.api.post(BASE + "/%s/start" % mid, {"force": True}), 200)
            events = self.follow(stream)
            self.assertEqual(events[-1]["event"], "end")
            self.assertEqual(events[-1]["data"]["status"], "completed")
            self.assertGreater(len(events), 1)
        finally:
            other.cleanup()
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
