"""Live migrations survive SIGKILL (issue 13): ferryd kills itself (a crash point,
common/crash_points.h, raises SIGKILL at an exact moment) during a sync, during a cutover
before and after its name swap, and during a rollback after its swap back. After a restart
on the same data dir exactly one namespace holds the name, writes are not left paused, and
no write is lost or applied twice: syncing again makes the target equal the source."""
import hashlib
import os
import signal
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import Ferryd, wait_migration, wait_task  # noqa: E402

BASE = "/v1/namespaces/migrations"
NAME = "live-src"


class LiveCrashTest(unittest.TestCase):
    def setUp(self):
        self.server = None
        self.dir = None

    def tearDown(self):
        if self.server is not None:
            self.server.cleanup()

    def start(self, crash_points=None):
        env = {"FERRY_CRASH_POINTS": crash_points} if crash_points else {}
        self.server = Ferryd(data_dir=self.dir, env=env).start()
        self.dir = self.server.data_dir
        self.api = self.server.client()
        self.c = self.server.client(namespace=NAME)

    def crash_on(self, method, path, body=None):
        """Sends a request that makes ferryd kill itself; waits for the SIGKILL."""
        with self.assertRaises(AssertionError):
            self.api.call(method, path, body if body is not None else {}, validate=False)
        self.assertEqual(self.server.proc.wait(timeout=60), -signal.SIGKILL)
        self.server.proc = None  # dead: nothing to stop
        self.server.owns_dir = False

    def restart(self, crash_points=None):
        old = self.server
        self.start(crash_points)
        old.owns_dir = True  # the new process owns the dir from now on (cleanup)
        self.server.owns_dir = True

    def ok(self, result, status=200):
        self.assertEqual(result[0], status, result[1])
        return result[1]

    def add_object(self, client, text, process=True):
        obj = self.ok(client.post("/v1/buckets/items/objects", {"blobs": [
            {"property": "content", "type": "text", "data": text}]}))
        if process:
            batch = self.ok(client.post("/v1/buckets/items/batches",
                                        {"object_ids": [obj["object_id"]]}))
            task = self.ok(client.post("/v1/buckets/items/batches/%s/submit" % batch["batch_id"]))
            wait_task(client, task["task_id"])
        return obj

    def objects(self, client):
        page = self.ok(client.post("/v1/buckets/items/objects/list?limit=1000"))["results"]
        return sorted(o["blobs"][0]["details"]["hash"] for o in page)

    def documents(self, client):
        page = self.ok(client.post("/v1/collections/texts/documents/list?limit=1000", {}))
        # As object content hashes (SHA-256 of the text), to compare with objects().
        return sorted(hashlib.sha256(d["text"].encode()).hexdigest() for d in page["results"])

    def migrated(self, crash_points=None):
        """A completed re_extract of a small namespace, with source writes after it."""
        self.start(crash_points)
        self.ok(self.api.post("/v1/namespaces", {"namespace_name": NAME, "feature_extractors": [
            {"feature_extractor_name": "text_extractor", "version": "v1"}]}))
        bucket = self.ok(self.c.post("/v1/buckets", {"bucket_name": "items", "bucket_schema": {
            "properties": {"content": {"type": "text"}}}}))
        self.ok(self.c.post("/v1/collections", {"collection_name": "texts", "source": {
            "type": "bucket", "bucket_ids": [bucket["bucket_id"]]}, "feature_extractor": {
            "feature_extractor_name": "text_extractor", "version": "v1",
            "input_mappings": {"text": "content"}}}))
        ids = [self.add_object(self.c, "object %d before the migration" % i,
                               process=False)["object_id"] for i in range(12)]
        batch = self.ok(self.c.post("/v1/buckets/items/batches", {"object_ids": ids}))
        task = self.ok(self.c.post("/v1/buckets/items/batches/%s/submit" % batch["batch_id"]))
        wait_task(self.c, task["task_id"])
        m = self.ok(self.api.post(BASE + "/", {"config": {
            "source_namespace_id": NAME, "migration_type": "re_extract",
            "feature_extractors": [{"feature_extractor_name": "text_extractor", "version": "v2"}]}}),
            201)
        self.ok(self.api.post(BASE + "/%s/start" % m["migration_id"], {"force": True}))
        got = wait_migration(self.api, m["migration_id"])
        for i in range(5):
            self.add_object(self.c, "object %d after the migration" % i)
        victim = self.ok(self.c.post("/v1/buckets/items/objects/list?limit=1"))["results"][0]
        self.ok(self.c.delete("/v1/buckets/items/objects/" + victim["object_id"]), 204)
        return got["migration_id"], got["additional_data"]["target_namespace_id"]

    def named(self, name):
        return self.ok(self.api.get("/v1/namespaces/" + name))["namespace_id"]

    def assert_target_equals_source(self, source, target):
        want = self.objects(source)
        self.assertEqual(self.objects(target), want)
        # One rebuilt document per object (no chunking): none lost, none twice.
        self.assertEqual(self.documents(target), want)

    def test_sigkill_during_sync_then_sync_again(self):
        mid, target_id = self.migrated("live.sync.page_applied=1")
        source_id = self.named(NAME)
        self.crash_on("POST", BASE + "/%s/sync" % mid)
        self.restart()
        live = self.ok(self.api.get(BASE + "/" + mid))["additional_data"]["live"]
        self.assertIsNone(live.get("applied_seq"), "the crash came before the page was recorded")
        self.ok(self.api.post(BASE + "/%s/sync" % mid))
        self.assert_target_equals_source(self.server.client(namespace=source_id),
                                         self.server.client(namespace=target_id))

    def test_sigkill_in_the_pause_leaves_the_source_named_and_writable(self):
        mid, target_id = self.migrated("live.cutover.paused=1")
        source_id = self.named(NAME)
        self.crash_on("POST", BASE + "/%s/cutover" % mid)
        self.restart()
        self.assertEqual(self.named(NAME), source_id)
        live = self.ok(self.api.get(BASE + "/" + mid))["additional_data"]["live"]
        self.assertIsNone(live["operation"])
        self.assertIsNone(live["cutover_at"])
        self.assertIn("interrupted", live["last_error"])
        self.add_object(self.c, "written after the restart")  # not paused
        cut = self.ok(self.api.post(BASE + "/%s/cutover" % mid))
        self.assertIsNotNone(cut["additional_data"]["live"]["cutover_at"])
        self.assertEqual(self.named(NAME), target_id)
        self.assert_target_equals_source(self.server.client(namespace=source_id),
                                         self.server.client(namespace=target_id))

    def test_sigkill_after_the_swap_finishes_the_cutover(self):
        mid, target_id = self.migrated("live.cutover.swapped=1")
        source_id = self.named(NAME)
        self.crash_on("POST", BASE + "/%s/cutover" % mid)
        self.restart()
        self.assertEqual(self.named(NAME), target_id)
        pre = self.ok(self.api.get("/v1/namespaces/" + source_id))["namespace_name"]
        self.assertEqual(pre, NAME + "-pre-" + mid[4:12])
        live = self.ok(self.api.get(BASE + "/" + mid))["additional_data"]["live"]
        self.assertIsNotNone(live["cutover_at"])
        self.assertIsNone(live["operation"])
        source = self.server.client(namespace=source_id)
        self.assert_target_equals_source(source, self.server.client(namespace=NAME))
        self.add_object(source, "the old source takes writes again")  # not left paused

    def test_sigkill_after_the_swap_back_finishes_the_rollback(self):
        mid, target_id = self.migrated("live.rollback.swapped=1")
        source_id = self.named(NAME)
        self.ok(self.api.post(BASE + "/%s/cutover" % mid))
        self.add_object(self.c, "written to the target")  # by name: the target now
        self.crash_on("POST", BASE + "/%s/rollback" % mid)
        self.restart()
        self.assertEqual(self.named(NAME), source_id)
        live = self.ok(self.api.get(BASE + "/" + mid))["additional_data"]["live"]
        self.assertIsNotNone(live["rolled_back_at"])
        self.assertIn(hashlib.sha256(b"written to the target").hexdigest(), self.objects(self.c))
        self.add_object(self.server.client(namespace=target_id), "target writable")


if __name__ == "__main__":
    unittest.main()
