"""The HTTP embedding extractor against tests/fake_embeddings.py: configured in ferryd's
TOML ([[extractors.http]]), listed like the built-ins, used by collections and by a
re_extract migration; vectors equal the server's; inputs are batched; 429/500 bursts are
retried to success; a stalled request fails only the items it carried (item timeout);
the API key never shows in a response, the log or the data directory; bad extractor
config stops ferryd at startup with a clear message."""
import math
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import FERRYD, Ferryd, FerryTestCase  # noqa: E402
from fake_embeddings import FakeEmbeddingServer, embed  # noqa: E402

KEY = "sk-fake-0d6c8e1f2a3b4c5d6e7f8091a2b3c4d5"
KEY_ENV = "FAKE_EMBED_API_KEY"
SCHEMA = {"properties": {"content": {"type": "text"}}}
ITEM_TIMEOUT = 3

CONFIG = """
item_timeout_seconds = %(timeout)d
[[extractors.http]]
name = "fake_embed"
version = "v1"
base_url = "%(url)s"
model = "fake-model"
dimensions = 16
api_key_env = "%(env)s"
batch_size = 4
timeout_seconds = 30
max_retries = 5
backoff_initial_ms = 20
backoff_max_ms = 200

[[extractors.http]]
name = "fake_embed"
version = "v2"
base_url = "%(url)s/"
model = "fake-model-2"
dimensions = 24
send_dimensions = true
api_key_file = "%(key_file)s"
batch_size = 3
"""


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


class HttpExtractorTest(FerryTestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ferry_httpx_")
        cls.fake = FakeEmbeddingServer(api_key=KEY).start()
        key_file = write(os.path.join(cls.tmp, "key"), KEY + "\n")
        config = write(os.path.join(cls.tmp, "ferryd.toml"), CONFIG % {
            "timeout": ITEM_TIMEOUT, "url": cls.fake.url(), "env": KEY_ENV,
            "key_file": key_file})
        cls.server = Ferryd(extra_args=["--config", config], env={KEY_ENV: KEY}).start()
        cls.bodies = []
        cls.api = cls.recording(cls.server.client())
        cls.make_ns = cls.api.post("/v1/namespaces", {"namespace_name": "httpx",
                                                      "feature_extractors": [
            {"feature_extractor_name": "fake_embed", "version": "v1"}]})
        assert cls.make_ns[0] == 200, cls.make_ns
        cls.c = cls.recording(cls.server.client(namespace="httpx"))

    @classmethod
    def tearDownClass(cls):
        cls.fake.reset()  # releases stalled requests
        cls.server.cleanup()
        cls.fake.stop()

    @classmethod
    def recording(cls, client):
        """Keeps every response body the client receives."""
        raw = client.raw

        def recorded(*args, **kwargs):
            result = raw(*args, **kwargs)
            cls.bodies.append(result[1])
            return result
        client.raw = recorded
        return client

    def setUp(self):
        self.fake.reset()

    def ingest(self, name, texts, version="v1"):
        """A bucket and a fake_embed collection over it; one batch of `texts`."""
        bucket = self.assertStatus(self.c.post("/v1/buckets", {"bucket_name": name,
                                                               "bucket_schema": SCHEMA}), 200)
        col = self.assertStatus(self.c.post("/v1/collections", {
            "collection_name": name,
            "source": {"type": "bucket", "bucket_ids": [bucket["bucket_id"]]},
            "feature_extractor": {"feature_extractor_name": "fake_embed", "version": version,
                                  "input_mappings": {"text": "content"}}}), 200)
        ids = [self.assertStatus(self.c.post("/v1/buckets/%s/objects" % bucket["bucket_id"], {
            "blobs": [{"property": "content", "type": "text", "data": t}]}), 200)["object_id"]
            for t in texts]
        path = "/v1/buckets/%s/batches" % bucket["bucket_id"]
        batch = self.assertStatus(self.c.post(path, {"object_ids": ids}), 200)
        task = self.assertStatus(self.c.post(path + "/%s/submit" % batch["batch_id"]), 200)
        return col, self.wait_task(self.c, task["task_id"])

    def documents(self, col_id, client=None):
        page = self.assertStatus((client or self.c).post(
            "/v1/collections/%s/documents/list?limit=100" % col_id, {"return_vectors": True}), 200)
        return page["results"]

    def assertVector(self, got, want):
        self.assertEqual(len(got), len(want))
        for a, b in zip(got, want):
            self.assertTrue(math.isclose(a, b, abs_tol=1e-5), (a, b))

    def test_listed_like_the_builtins(self):
        listed = self.assertStatus(self.c.get("/v1/collections/features/extractors"), 200)
        found = {(e["feature_extractor_name"], e["version"]): e for e in listed}
        for version, dims in (("v1", 16), ("v2", 24)):
            e = found[("fake_embed", version)]
            index = e["required_vector_indexes"][0]
            self.assertEqual(index["index"]["dimensions"], dims)
            self.assertEqual(index["feature_uri"], "mixpeek://fake_embed@%s/embedding" % version)
        self.assertIn(("text_extractor", "v1"), found)

    def test_vectors_are_the_servers_and_inputs_are_batched(self):
        texts = ["embedding text number %d" % i for i in range(10)]
        col, task = self.ingest("vectors", texts)
        self.assertEqual(task["status"], "COMPLETED")
        self.assertEqual(task["additional_data"]["items_failed"], 0)
        docs = self.documents(col["collection_id"])
        self.assertEqual(len(docs), 10)
        for d in docs:
            self.assertEqual(d["_internal"]["features"][0]["feature_uri"],
                             "mixpeek://fake_embed@v1/embedding")
            self.assertVector(d["fake_embed_v1_embedding"], embed("fake-model", d["text"], 16))
        reqs = self.fake.embedding_requests()
        sizes = [len(r["inputs"]) for r in reqs]
        self.assertLessEqual(max(sizes), 4)
        self.assertGreater(max(sizes), 1, "inputs were sent one per request")
        self.assertEqual(sum(sizes), 10)
        self.assertLess(len(reqs), 10)
        self.assertEqual({r["authorization"] for r in reqs}, {"Bearer " + KEY})
        self.assertEqual({r["path"] for r in reqs}, {"/v1/embeddings"})

    def test_429_and_500_bursts_are_retried_to_success(self):
        for status, name in ((429, "burst429"), (500, "burst500")):
            self.fake.reset()
            self.fake.set_behaviour(fail_status=status, fail_count=3, retry_after=0)
            texts = ["%s item %d" % (name, i) for i in range(6)]
            col, task = self.ingest(name, texts)
            self.assertEqual(task["status"], "COMPLETED")
            self.assertEqual(task["additional_data"]["items_failed"], 0, task)
            statuses = [r["status"] for r in self.fake.embedding_requests()]
            self.assertEqual(statuses.count(status), 3, statuses)
            self.assertEqual(sum(len(r["inputs"]) for r in self.fake.embedding_requests()
                                 if r["status"] == 200), 6)
            docs = self.documents(col["collection_id"])
            self.assertEqual(sorted(d["text"] for d in docs), sorted(texts))
            for d in docs:
                self.assertVector(d["fake_embed_v1_embedding"], embed("fake-model", d["text"], 16))

    def test_a_stalled_request_fails_only_its_items(self):
        self.fake.set_behaviour(stall_marker="STALL", stall_seconds=120)
        texts = ["STALL here"] + ["flowing item %d" % i for i in range(7)]
        col, task = self.ingest("stalled", texts)
        # One request of 4 hangs; its items fail after the item timeout, the rest flow: the
        # fake server answered the other request while the stalled one was in flight, and
        # the batch was done with the stalled request still unanswered (it stalls 120 s).
        reqs = self.fake.embedding_requests()
        stalled = [r for r in reqs if any("STALL" in t for t in r["inputs"])]
        flowing = [r for r in reqs if not any("STALL" in t for t in r["inputs"])]
        self.assertTrue(stalled)
        self.assertEqual([r["status"] for r in stalled], [None] * len(stalled),
                         "the batch waited for the stalled request")
        self.assertEqual(sorted(t for r in flowing if r["status"] == 200 for t in r["inputs"]),
                         sorted(texts[4:]))
        self.assertEqual(task["status"], "COMPLETED")
        self.assertEqual(task["additional_data"]["items_failed"], 4)
        docs = self.documents(col["collection_id"])
        failed = [d for d in docs if d["_internal"]["metadata"]["ingestion_status"] == "FAILED"]
        self.assertEqual(len(failed), 4)
        for d in failed:
            self.assertIn("timed out", d["_internal"]["metadata"]["error"])
        ok = [d for d in docs if d["_internal"]["metadata"]["ingestion_status"] != "FAILED"]
        self.assertEqual(len(ok), 4)
        for d in ok:
            self.assertVector(d["fake_embed_v1_embedding"], embed("fake-model", d["text"], 16))

    def test_re_extract_migration_uses_the_http_extractor(self):
        texts = ["migrated text %d" % i for i in range(5)]
        self.ingest("tomigrate", texts)
        base = "/v1/namespaces/migrations"
        m = self.assertStatus(self.api.post(base + "/", {"config": {
            "migration_type": "re_extract", "source_namespace_id": "httpx",
            "feature_extractors": [{"feature_extractor_name": "fake_embed", "version": "v2"}]}}),
            201)
        self.assertTrue(m["validation_result"]["valid"], m["validation_result"])
        self.assertStatus(self.api.post(base + "/%s/start" % m["migration_id"], {"force": True}),
                          200)
        got = self.wait_migration(m["migration_id"])
        self.assertEqual(got["status"], "completed", got["error_message"])
        target = self.recording(self.server.client(
            namespace=got["additional_data"]["target_namespace_id"]))
        cols = self.assertStatus(target.post("/v1/collections/list?limit=100"), 200)["results"]
        col = [c for c in cols if c["collection_name"] == "tomigrate"][0]
        self.assertEqual(col["feature_extractor"]["version"], "v2")
        docs = self.documents(col["collection_id"], target)
        self.assertEqual(sorted(d["text"] for d in docs), sorted(texts))
        for d in docs:
            self.assertVector(d["fake_embed_v2_embedding"], embed("fake-model-2", d["text"], 24))
        v2 = [r for r in self.fake.embedding_requests() if r["model"] == "fake-model-2"]
        self.assertTrue(v2)
        self.assertEqual({r["authorization"] for r in v2}, {"Bearer " + KEY})

    def test_the_key_never_leaves_through_ferry(self):
        # Independent of the other tests: it makes ferryd use the key itself (an ingest with
        # v1, whose key comes from the environment, and a collection with v2, whose key comes
        # from a file), then checks every response so far, the log and the files.
        col, task = self.ingest("keyed", ["key check %d" % i for i in range(5)])
        self.assertEqual(task["status"], "COMPLETED")
        self.assertTrue(self.documents(col["collection_id"]))
        col2, task2 = self.ingest("keyed2", ["key check two %d" % i for i in range(4)], "v2")
        self.assertEqual(task2["status"], "COMPLETED")
        self.assertEqual({r["authorization"] for r in self.fake.embedding_requests()},
                         {"Bearer " + KEY})
        self.assertStatus(self.c.get("/v1/collections/features/extractors"), 200)
        self.assertStatus(self.api.post("/v1/namespaces/list", {}), 200)
        self.assertStatus(self.c.post("/v1/collections/list?limit=100"), 200)
        self.assertTrue(self.bodies)
        for body in self.bodies:
            self.assertNotIn(KEY, body)
        self.assertTrue(any("fake_embed" in line for line in self.server.stderr_lines))
        for line in self.server.stderr_lines:
            self.assertNotIn(KEY, line)
        scanned = 0
        for root, _, files in os.walk(self.server.data_dir):
            for name in files:
                with open(os.path.join(root, name), "rb") as f:
                    self.assertNotIn(KEY.encode(), f.read(), name)
                scanned += 1
        self.assertGreater(scanned, 0)


BASE_ENTRY = {"name": '"bad"', "base_url": '"http://127.0.0.1:9/v1"', "model": '"m"',
              "dimensions": "8"}


class HttpExtractorConfigErrorTest(unittest.TestCase):
    def start_with(self, entry, env=None):
        tmp = tempfile.mkdtemp(prefix="ferry_httpx_cfg_")
        body = "\n".join("%s = %s" % kv for kv in entry.items())
        config = write(os.path.join(tmp, "ferryd.toml"), "[[extractors.http]]\n" + body + "\n")
        run_env = {k: v for k, v in os.environ.items() if not k.startswith("FERRY_")}
        run_env.update(env or {})
        proc = subprocess.run([FERRYD, "--config", config, "--data-dir", tmp + "/data",
                               "--listen", "127.0.0.1:0"], capture_output=True, text=True,
                              timeout=60, env=run_env, stdin=subprocess.DEVNULL)
        return proc.returncode, proc.stderr

    def test_bad_entries_stop_startup_with_a_clear_message(self):
        missing_url = dict(BASE_ENTRY)
        del missing_url["base_url"]
        cases = [
            (missing_url, None, "extractors.http[0]: base_url is required"),
            (dict(BASE_ENTRY, dimensions="0"), None,
             "extractors.http[0]: dimensions must be 1-65536, got 0"),
            (dict(BASE_ENTRY, dimensions='"many"'), None,
             "extractors.http[0].dimensions must be an integer"),
            (dict(BASE_ENTRY, api_key='"sk-plain"'), None,
             "extractors.http[0].api_key is not accepted"),
            (dict(BASE_ENTRY, api_key_env='"FAKE_UNSET_KEY_VAR"'), None,
             "api_key_env names FAKE_UNSET_KEY_VAR, which is not set"),
        ]
        for entry, env, message in cases:
            with self.subTest(message=message):
                rc, stderr = self.start_with(entry, env)
                self.assertNotEqual(rc, 0)
                self.assertIn(message, stderr)


if __name__ == "__main__":
    unittest.main()
