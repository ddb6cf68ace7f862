"""Scale-out (issue 11): three ferryd processes on one PostgreSQL database — `worker` x2 and
`all` — share the batches of one re_extract through an HTTP extractor whose model answers
after a fixed latency. One worker is SIGKILLed mid-run and the other is frozen (SIGSTOP)
past its batch lease: the migration completes, the target is exact document by document,
each process's share is reported, and the frozen worker's late completion is refused by
its fencing token.

Runs only with FERRY_TEST_PG_URL_FILE (ctest's throwaway cluster)."""
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import (ADMIN_KEY, FerryTestCase, Ferryd, MIGRATION_TERMINAL,  # noqa: E402
                           STORAGE_URL_NAME, storage_url_for, wait_until)
from fake_embeddings import FakeEmbeddingServer, embed  # noqa: E402

OBJECTS = 1200
BATCH = 25  # migration batch size: 48 batches
LATENCY_MS = 50
BASE = "/v1/namespaces/migrations"
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


@unittest.skipUnless(os.environ.get("FERRY_TEST_PG_URL_FILE"), "needs the PostgreSQL cluster")
class ScaleOutTest(FerryTestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ferry_cluster_")
        cls.fake = FakeEmbeddingServer(dimensions=8).start()
        config = os.path.join(cls.tmp, "ferryd.toml")
        with open(config, "w") as f:
            f.write(CONFIG % {"url": cls.fake.url()})
        cls.procs = {}
        first = os.path.join(cls.tmp, "all-1")
        cls.url = storage_url_for(first)
        cls.server = cls.start("all-1", "all", config)
        # Every process of a cluster shares the storage and the webhook secret key.
        for name in ("worker-1", "worker-2"):
            data_dir = os.path.join(cls.tmp, name)
            os.makedirs(data_dir)
            with open(os.path.join(data_dir, STORAGE_URL_NAME), "w") as f:
                f.write(cls.url)
            shutil.copy(os.path.join(first, "secret.key"), os.path.join(data_dir, "secret.key"))
            cls.start(name, "worker", config)

    @classmethod
    def start(cls, name, role, config):
        server = Ferryd(data_dir=os.path.join(cls.tmp, name),
                        extra_args=["--config", config, "--role", role, "--node-name", name],
                        env={"FERRY_LOG_LEVEL": "info"})
        cls.procs[name] = server.start()
        return server

    @classmethod
    def tearDownClass(cls):
        for p in cls.procs.values():
            if p.proc is not None:
                try:
                    p.proc.send_signal(signal.SIGCONT)
                except ProcessLookupError:
                    pass
            p.cleanup()
        cls.fake.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def sql(self, query):
        out = subprocess.run(["psql", self.url, "-At", "-v", "ON_ERROR_STOP=1", "-c", query],
                             capture_output=True, text=True, check=True)
        return [line.split("|") for line in out.stdout.splitlines() if line]

    def source(self):
        api = self.server.client()
        self.assertStatus(api.post("/v1/namespaces", {"namespace_name": "origin",
                                                      "feature_extractors": [
            {"feature_extractor_name": "fake_embed", "version": "v1"}]}), 200)
        c = self.server.client(namespace="origin")
        bucket = self.assertStatus(c.post("/v1/buckets", {"bucket_name": "texts", "bucket_schema": {
            "properties": {"content": {"type": "text"}}}}), 200)
        self.assertStatus(c.post("/v1/collections", {
            "collection_name": "embedded",
            "source": {"type": "bucket", "bucket_ids": [bucket["bucket_id"]]},
            "feature_extractor": {"feature_extractor_name": "fake_embed", "version": "v1",
                                  "input_mappings": {"text": "content"}}}), 200)
        texts = ["scale-out text number %d" % i for i in range(OBJECTS)]
        ids = [self.assertStatus(c.post("/v1/buckets/texts/objects", {"blobs": [
            {"property": "content", "type": "text", "data": t}]}), 200)["object_id"] for t in texts]
        batch = self.assertStatus(c.post("/v1/buckets/texts/batches", {"object_ids": ids}), 200)
        task = self.assertStatus(c.post("/v1/buckets/texts/batches/%s/submit" % batch["batch_id"]),
                                 200)
        self.wait_task(c, task["task_id"], want=("COMPLETED",))
        return texts

    def documents(self, client, collection_id):
        docs, offset = [], 0
        while True:
            page = self.assertStatus(client.post(
                "/v1/collections/%s/documents/list?limit=500&offset=%d" % (collection_id, offset),
                {"return_vectors": True}), 200)["results"]
            docs += page
            offset += len(page)
            if len(page) < 500:
                return docs

    def leased_by(self, owner, migration_id):
        return self.sql("SELECT batch_no FROM ferry.migration_batches WHERE migration_id = '%s' "
                        "AND lease_owner = '%s' AND status <> 'completed' AND lease_expires_at > "
                        "(extract(epoch from now()) * 1000)::bigint" % (migration_id, owner))

    def completed_by(self, owner, migration_id):
        return int(self.sql("SELECT count(*) FROM ferry.migration_batches WHERE migration_id = "
                            "'%s' AND completed_by = '%s'" % (migration_id, owner))[0][0])

    def secondary(self, namespace_id):
        """The secondary indexes of the namespace's partitions, and its foreign keys with how
        many are validated (docs/postgres.md: a bulk load suspends them)."""
        part = self.sql("SELECT part FROM ferry.namespace_data WHERE namespace_id = '%s'"
                        % namespace_id)[0][0]
        tables = ", ".join("'ferry.%s_p%s'::regclass" % (t, part)
                           for t in ("objects", "documents"))
        indexes = self.sql("SELECT count(*) FROM pg_index WHERE indrelid IN (%s) "
                           "AND NOT indisprimary" % tables)[0][0]
        keys = self.sql("SELECT count(*), count(*) FILTER (WHERE convalidated) FROM pg_constraint "
                        "WHERE contype = 'f' AND conrelid IN (%s)" % tables)[0]
        return int(indexes), [int(k) for k in keys]

    def test_three_processes_share_a_re_extract_through_a_kill_and_a_freeze(self):
        texts = self.source()
        self.fake.latency = LATENCY_MS / 1000.0  # from here on, a model server's answer time
        api = self.server.client()
        m = self.assertStatus(api.post(BASE + "/", {"config": {
            "source_namespace_id": "origin", "migration_type": "re_extract",
            "preserve_resource_ids": True,
            "feature_extractors": [{"feature_extractor_name": "fake_embed", "version": "v2"}],
            "batch_options": {"batch_size": BATCH, "max_workers": 1}}}), 201)
        mid = m["migration_id"]
        self.assertStatus(api.post(BASE + "/%s/start" % mid, {"force": True}), 200)

        # worker-1 takes part, then dies holding a batch: its lease expires and another
        # process claims the batch again.
        wait_until(lambda: self.completed_by("worker-1", mid) >= 1 and
                   self.leased_by("worker-1", mid), "worker-1 to complete a batch and hold one")
        self.procs["worker-1"].stop(signal.SIGKILL)
        # Both tiers (the bucket copied, the collection rebuilt from it) load the target
        # with its partitions' secondary indexes and foreign keys suspended.
        target_ns = self.assertStatus(api.get(BASE + "/" + mid),
                                      200)["additional_data"]["target_namespace_id"]
        self.assertEqual(self.secondary(target_ns), (0, [0, 0]))
        # worker-2 is frozen while it holds a batch, until that lease has been taken over
        # (after it completed one: its share is checked below).
        frozen = wait_until(lambda: self.completed_by("worker-2", mid) >= 1 and
                            self.freeze_holding("worker-2", mid),
                            "worker-2 frozen while holding a batch")
        # Thawed even when a check below fails, so that the next test finds it running.
        self.addCleanup(self.procs["worker-2"].proc.send_signal, signal.SIGCONT)
        wait_until(lambda: self.taken_over(api, mid, frozen),
                   "batch %s to be taken over from the frozen worker" % frozen)
        self.procs["worker-2"].proc.send_signal(signal.SIGCONT)

        got = wait_until(lambda: self.ended(api, mid), "the migration to end")
        self.assertEqual(got["status"], "completed", got["error_message"])
        self.assertTrue(got["additional_data"]["verification"]["ok"])
        stage = got["progress"]["stages"][2]
        # The bucket's objects and the collection's documents.
        self.assertEqual(stage["items_total"], 2 * OBJECTS)
        self.assertEqual(stage["items_completed"], stage["items_total"])
        # Each process's share is reported, and all three took part.
        shares = got["additional_data"]["batch_processing_workers"]
        self.assertEqual(set(shares), {"all-1", "worker-1", "worker-2"}, shares)
        batches = int(self.sql("SELECT count(*) FROM ferry.migration_batches WHERE "
                               "migration_id = '%s'" % mid)[0][0])
        self.assertEqual(sum(s["batches"] for s in shares.values()), batches)
        self.assertEqual(sum(s["items"] for s in shares.values()), 2 * OBJECTS)
        for name, share in shares.items():
            self.assertGreater(share["batches"], 0, name)
        print("batches per process: %s" % json.dumps(shares), file=sys.stderr)

        # The frozen worker's late completion of the batch it lost is refused (fencing).
        wait_until(lambda: any('"migration batch taken over"' in line
                               for line in self.procs["worker-2"].stderr_lines),
                   "worker-2 to find its batch taken over")
        self.assertEqual(self.sql("SELECT count(*) FROM ferry.migration_batches WHERE "
                                  "migration_id = '%s' AND status <> 'completed'" % mid),
                         [["0"]])

        # The load's end restored them: six indexes, three keys, all validated.
        self.assertEqual(self.secondary(target_ns), (6, [2, 2]))

        # The target, document by document: one per object, the v2 model's vector of its text.
        target = self.server.client(namespace=got["additional_data"]["target_namespace_id"])
        cols = self.assertStatus(target.post("/v1/collections/list?limit=10"), 200)["results"]
        self.assertEqual(len(cols), 1)
        docs = self.documents(target, cols[0]["collection_id"])
        self.assertEqual(sorted(d["text"] for d in docs), sorted(texts))
        for d in docs:
            want = embed("fake-model-2", d["text"], 8)
            got_vec = d["fake_embed_v2_embedding"]
            self.assertTrue(all(math.isclose(a, b, abs_tol=1e-5) for a, b in zip(got_vec, want)),
                            d["document_id"])
            self.assertNotIn("fake_embed_v1_embedding", d)

    def test_z_a_cancel_stops_the_batches_of_another_process(self):
        # Runs after the main test (alphabetical order): worker-2 is alive, worker-1 dead.
        self.fake.latency = LATENCY_MS / 1000.0
        api = self.server.client()
        m = self.assertStatus(api.post(BASE + "/", {"config": {
            "source_namespace_id": "origin", "migration_type": "re_extract",
            "feature_extractors": [{"feature_extractor_name": "fake_embed", "version": "v2"}],
            "batch_options": {"batch_size": BATCH, "max_workers": 1}}}), 201)
        mid = m["migration_id"]
        self.assertStatus(api.post(BASE + "/%s/start" % mid, {"force": True}), 200)
        wait_until(lambda: self.leased_by("worker-2", mid), "worker-2 to join and hold a batch")
        # Sent to all-1 (the coordinator): worker-2 learns it at its next lease renewal.
        got = self.assertStatus(api.post(BASE + "/%s/cancel" % mid, {"reason": "enough"}), 200)
        self.assertEqual(got["status"], "cancelled")
        left = '"left migration"'
        wait_until(lambda: any(left in line and mid in line
                               for line in self.procs["worker-2"].stderr_lines),
                   "worker-2 to stop its batches", timeout=60)
        self.assertEqual(self.leased_by("worker-2", mid), [])
        done = self.sql("SELECT count(*) FROM ferry.migration_batches WHERE migration_id = '%s' "
                        "AND status = 'completed'" % mid)
        final = wait_until(lambda: self.ended(api, mid), "the cancelled migration")
        self.assertEqual(final["status"], "cancelled")
        self.assertIn("enough", final["error_message"])
        self.assertLess(int(done[0][0]), int(self.sql(
            "SELECT count(*) FROM ferry.migration_batches WHERE migration_id = '%s'" % mid)[0][0]))

    def freeze_holding(self, name, migration_id):
        """SIGSTOPs `name` when it holds a batch lease; the batch, or None (then it runs on)."""
        proc = self.procs[name].proc
        proc.send_signal(signal.SIGSTOP)
        held = self.leased_by(name, migration_id)
        if held:
            return held[0][0]
        proc.send_signal(signal.SIGCONT)
        return None

    def taken_over(self, api, mid, batch_no):
        """Whether batch `batch_no` left the frozen worker-2; fails at once when the migration
        ended without it (nobody would take it over then)."""
        if self.sql("SELECT 1 FROM ferry.migration_batches WHERE migration_id = '%s' AND "
                    "batch_no = %s AND (lease_owner <> 'worker-2' OR status = 'completed')"
                    % (mid, batch_no)):
            return True
        got = self.ended(api, mid)
        if got is not None:
            self.fail("the migration ended (%s: %s) while worker-2 held batch %s"
                      % (got["status"], got.get("error_message"), batch_no))
        return False

    @staticmethod
    def ended(api, mid):
        status, body = api.get(BASE + "/" + mid, validate=False)
        return body if status == 200 and body["status"] in MIGRATION_TERMINAL else None


if __name__ == "__main__":
    unittest.main(failfast=True)
