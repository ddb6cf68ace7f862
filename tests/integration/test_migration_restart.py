"""A migration interrupted by SIGTERM in the middle of its batches continues on the next
start from its durable plan and ends with exactly the source's contents: nothing lost,
nothing duplicated.

The moment is not left to chance: the re_extract goes to an HTTP extractor whose fake
server holds every embedding request until the test lets it go, so the migration is
provably running, mid-batch (in progress, batch_processing strictly between none and all
of its items), when the SIGTERM comes; then requests are let go one at a time until ferryd
has stopped, and ferryd must log that it paused the migration. The next start must log
that it resumes it, keep its progress, and complete it."""
import json
import os
import queue
import shutil
import signal
import sys
import tempfile
import threading
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from fake_embeddings import FakeEmbeddingServer, embed  # noqa: E402
from ferry_harness import (MIGRATION_TERMINAL, Ferryd, wait_migration, wait_task,  # noqa: E402
                           wait_until)

BASE = "/v1/namespaces/migrations"
N_OBJECTS = 100
KEY = "sk-fake-restart-0123456789abcdef"
KEY_ENV = "FAKE_EMBED_API_KEY"
CONFIG = """
[[extractors.http]]
name = "fake_embed"
version = "v1"
base_url = "%(url)s"
model = "fake-model"
dimensions = 16
api_key_env = "%(env)s"

[[extractors.http]]
name = "fake_embed"
version = "v2"
base_url = "%(url)s"
model = "fake-model-2"
dimensions = 24
send_dimensions = true
api_key_env = "%(env)s"
"""


class HeldEmbeddings(FakeEmbeddingServer):
    """The fake embedding server; while `holding`, each request for fake-model-2 (the
    migration's extractor) waits until the test lets it go."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.holding = False
        self.held = queue.Queue()  # one Event per waiting request

    def handle_embeddings(self, path, authorization, body):
        if self.holding and b'"fake-model-2"' in body:
            go = threading.Event()
            self.held.put(go)
            go.wait(120)
        return super().handle_embeddings(path, authorization, body)

    def let_one_go(self):
        try:
            self.held.get_nowait().set()
        except queue.Empty:
            pass

    def stop_holding(self):
        self.holding = False
        while not self.held.empty():
            self.let_one_go()


def batch_processing(m):
    return next(s for s in m["progress"]["stages"] if s["stage"] == "batch_processing")


def logged(lines, msg, migration_id):
    """Log lines (JSON objects) with message `msg` about the migration."""
    out = []
    for line in lines:
        if line.startswith("{"):
            entry = json.loads(line)
            if entry.get("msg") == msg and entry.get("migration_id") == migration_id:
                out.append(entry)
    return out


class MigrationRestartTest(unittest.TestCase):
    def setUp(self):
        self.fake = HeldEmbeddings(api_key=KEY).start()
        self.addCleanup(self.fake.stop)
        self.addCleanup(self.fake.stop_holding)
        tmp = tempfile.mkdtemp(prefix="ferry_restart_")
        self.addCleanup(shutil.rmtree, tmp, True)
        config = os.path.join(tmp, "ferryd.toml")
        with open(config, "w") as f:
            f.write(CONFIG % {"url": self.fake.url(), "env": KEY_ENV})
        self.server = Ferryd(extra_args=["--config", config], env={KEY_ENV: KEY}).start()
        self.addCleanup(self.server.cleanup)

    def make_source(self):
        api = self.server.client()
        api.post("/v1/namespaces", {"namespace_name": "big", "feature_extractors": [
            {"feature_extractor_name": "fake_embed", "version": "v1"}]})
        c = self.server.client(namespace="big")
        c.post("/v1/buckets", {"bucket_name": "b", "bucket_schema": {
            "properties": {"content": {"type": "text"}}}})
        c.post("/v1/collections", {"collection_name": "texts",
               "source": {"type": "bucket", "bucket_ids": [
                   c.get("/v1/buckets/b")[1]["bucket_id"]]},
               "feature_extractor": {"feature_extractor_name": "fake_embed", "version": "v1",
                                     "input_mappings": {"text": "content"}}})
        ids = [c.post("/v1/buckets/b/objects", {"blobs": [
            {"property": "content", "type": "text", "data": "object %d of many." % i}]}
        )[1]["object_id"] for i in range(N_OBJECTS)]
        batch = c.post("/v1/buckets/b/batches", {"object_ids": ids})[1]
        task = c.post("/v1/buckets/b/batches/%s/submit" % batch["batch_id"])[1]
        wait_task(c, task["task_id"])

    def wait_held_mid_batch(self, api, mid):
        """Polls until the migration waits on a held request in the middle of its batches:
        in progress, overall progress strictly between 0 and 100 %, batch_processing
        running with items left. Fails if it ends."""
        def held_mid_batch():
            m = api.get(BASE + "/" + mid, validate=False)[1]
            if m["status"] in MIGRATION_TERMINAL:
                raise AssertionError("the migration ended before the SIGTERM: %s" % m["status"])
            bp = batch_processing(m)
            done = bp["items_completed"] + bp["items_failed"]
            percent = m["progress"]["overall_progress_percent"]
            return (not self.fake.held.empty() and m["status"] == "in_progress" and
                    0 < percent < 100 and bp["status"] == "in_progress" and
                    bp["items_total"] > 0 and done < bp["items_total"] and m)
        return wait_until(held_mid_batch, "migration %s held in the middle of its batches" % mid)

    def sigterm_while_held(self):
        """SIGTERM, then the held requests are let go one at a time until ferryd exits (it
        finishes the item in flight, then pauses)."""
        proc = self.server.proc
        proc.send_signal(signal.SIGTERM)

        def exited():
            if proc.poll() is not None:
                return True
            self.fake.let_one_go()
            return False
        wait_until(exited, "ferryd to stop after SIGTERM", timeout=120)
        self.assertEqual(self.server.stop(signal.SIGTERM), 0)

    def test_sigterm_mid_batch_then_restart_resumes_and_completes_exactly(self):
        self.make_source()
        api = self.server.client()
        m = api.post(BASE + "/", {"config": {
            "migration_type": "re_extract", "source_namespace_id": "big",
            "feature_extractors": [{"feature_extractor_name": "fake_embed", "version": "v2"}],
            "batch_options": {"batch_size": 1, "max_workers": 1}}})[1]
        mid = m["migration_id"]
        self.fake.holding = True
        status, started = api.post(BASE + "/%s/start" % mid, {"force": True})
        self.assertEqual(status, 200, started)
        before = self.wait_held_mid_batch(api, mid)
        self.sigterm_while_held()
        # The runner paused a running migration (not one that had already finished).
        self.assertTrue(logged(self.server.remaining_stderr.splitlines(),
                               "migration paused for shutdown", mid),
                        "the SIGTERM did not hit the running migration")

        self.fake.stop_holding()
        self.server.start()
        self.assertTrue(logged(self.server.stderr_lines, "resuming migration", mid),
                        "the restarted ferryd did not resume the migration")
        api = self.server.client()
        resumed = api.get(BASE + "/" + mid)[1]
        self.assertIn(resumed["status"], ("in_progress", "completed"))
        self.assertGreaterEqual(batch_processing(resumed)["items_completed"],
                                batch_processing(before)["items_completed"],
                                "the resumed migration lost the progress made before")
        self.assertGreaterEqual(resumed["progress"]["overall_progress_percent"],
                                before["progress"]["overall_progress_percent"])
        got = wait_migration(api, mid)
        self.assertTrue(got["additional_data"]["verification"]["ok"])
        for stage in got["progress"]["stages"]:
            self.assertEqual(stage["status"], "completed")
            self.assertEqual(stage["items_failed"], 0, stage["stage"])
            self.assertEqual(stage["items_completed"], stage["items_total"], stage["stage"])
        target = self.server.client(namespace=got["additional_data"]["target_namespace_id"])
        objects = target.post("/v1/buckets/b/objects/list?limit=1000")[1]
        self.assertEqual(objects["pagination"]["total"], N_OBJECTS)
        docs = target.post("/v1/collections/texts/documents/list?limit=1000",
                           {"return_vectors": True})[1]["results"]
        self.assertEqual(len(docs), N_OBJECTS)
        self.assertEqual(len({d["document_id"] for d in docs}), N_OBJECTS)
        roots = {d["_internal"]["lineage"]["root_object_id"] for d in docs}
        self.assertEqual(len(roots), N_OBJECTS)
        for d in docs:
            self.assertEqual([(f["feature_uri"], f["dimensions"]) for f in
                              d["_internal"]["features"]],
                             [("mixpeek://fake_embed@v2/embedding", 24)])
            want = embed("fake-model-2", d["text"], 24)
            got_v = d["fake_embed_v2_embedding"]
            self.assertEqual(len(got_v), 24)
            self.assertTrue(all(abs(a - b) < 1e-5 for a, b in zip(got_v, want)), d["text"])


if __name__ == "__main__":
    unittest.main()
