"""The dashboard in a real browser: playwright-core (tests/browser/node_modules, from the
committed package-lock.json) drives Debian's chromium, headless, against a real ferryd
(ferryd_testing: ferryd plus the test-only fault_extractor).

This driver prepares the data over the API, then runs dashboard.test.mjs, which:
  signs in with the admin key; watches a running re_extract's stage bars advance (slowed
  by an HTTP extractor whose model server answers after a fixed latency); opens its
  dependency graph and checks one node per resource, by tier; creates, validates and
  starts a second migration with the form and cancels it from its page; retries the
  failed items of a third migration and sees the list change. Screenshots go to
  $FERRY_BROWSER_ARTIFACTS (default build/test-artifacts/browser)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from ferry_harness import ADMIN_KEY, FerryTestCase, Ferryd, wait_migration, wait_task  # noqa: E402
from fake_embeddings import FakeEmbeddingServer  # noqa: E402

BASE = "/v1/namespaces/migrations"
SEARCH = {"stage_name": "search", "stage_type": "filter", "config": {
    "stage_id": "feature_search", "parameters": {
        "searches": [{"feature_uri": "mixpeek://text_extractor@v1/embedding", "top_k": 10,
                      "query": {"input_mode": "text", "text": "{{inputs.query}}"}}],
        "final_top_k": 10}}}
SLOW_OBJECTS = 300
LATENCY_MS = 200
CHROMIUM = os.environ.get("FERRY_CHROMIUM", "/usr/bin/chromium")
UI_DIR = os.environ.get("FERRY_TEST_UI_DIR", os.path.join(HERE, "..", "..", "ui"))
ARTIFACTS = os.environ.get("FERRY_BROWSER_ARTIFACTS",
                           os.path.join(HERE, "..", "..", "build", "test-artifacts", "browser"))
CONFIG = """
[[extractors.http]]
name = "fake_embed"
version = "v1"
base_url = "%(url)s"
model = "fake-model"
dimensions = 8
batch_size = 1

[[extractors.http]]
name = "fake_embed"
version = "v2"
base_url = "%(url)s"
model = "fake-model-2"
dimensions = 8
batch_size = 1
"""


def npm_ci():
    """Installs playwright-core from the lock file, unless that version is already there
    (so that a machine without the registry can rerun the test)."""
    with open(os.path.join(HERE, "package-lock.json")) as f:
        want = json.load(f)["packages"]["node_modules/playwright-core"]["version"]
    installed = os.path.join(HERE, "node_modules", "playwright-core", "package.json")
    if os.path.exists(installed):
        with open(installed) as f:
            if json.load(f)["version"] == want:
                return
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True)


class DashboardBrowserTest(FerryTestCase):
    @classmethod
    def setUpClass(cls):
        npm_ci()
        cls.tmp = tempfile.mkdtemp(prefix="ferry_browser_")
        cls.faults = os.path.join(cls.tmp, "faults")
        os.makedirs(cls.faults)
        cls.fake = FakeEmbeddingServer(dimensions=8).start()
        config = os.path.join(cls.tmp, "ferryd.toml")
        with open(config, "w") as f:
            f.write(CONFIG % {"url": cls.fake.url()})
        cls.server = Ferryd(extra_args=["--config", config],
                            env={"FERRYD_TEST_FAULT_DIR": cls.faults,
                                 "FERRY_UI_DIR": os.path.abspath(UI_DIR)}).start()
        cls.api = cls.server.client()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.fake.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def namespace(self, name, extractor, texts, mappings=None):
        """A namespace with a text bucket and a collection over it, ingested."""
        mappings = {"input_mappings": mappings} if mappings else {}
        self.assertStatus(self.api.post("/v1/namespaces", {"namespace_name": name,
                                                           "feature_extractors": [extractor]}), 200)
        c = self.server.client(namespace=name)
        bucket = self.assertStatus(c.post("/v1/buckets", {"bucket_name": "docs", "bucket_schema": {
            "properties": {"content": {"type": "text"}}}}), 200)
        col = self.assertStatus(c.post("/v1/collections", {
            "collection_name": "texts",
            "source": {"type": "bucket", "bucket_ids": [bucket["bucket_id"]]},
            "feature_extractor": dict(extractor, **mappings)}), 200)
        ids = [self.assertStatus(c.post("/v1/buckets/docs/objects", {"blobs": [
            {"property": "content", "type": "text", "data": t}]}), 200)["object_id"] for t in texts]
        batch = self.assertStatus(c.post("/v1/buckets/docs/batches", {"object_ids": ids}), 200)
        task = self.assertStatus(c.post("/v1/buckets/docs/batches/%s/submit" % batch["batch_id"]),
                                 200)
        wait_task(c, task["task_id"])
        return bucket, col

    def recorded_queries(self, namespace, collection_id):
        """A retriever with executed queries and clicks, so that the migration's benchmark
        replays them on both sides."""
        c = self.server.client(namespace=namespace)
        rid = self.assertStatus(c.post("/v1/retrievers", {
            "retriever_name": "finder", "collection_identifiers": [collection_id],
            "input_schema": {"query": {"type": "text"}}, "stages": [SEARCH]}),
            200)["retriever"]["retriever_id"]
        for q in ("fine 1", "fine 3", "bad one"):
            run = self.assertStatus(c.post("/v1/retrievers/%s/execute" % rid,
                                           {"inputs": {"query": q}}), 200)
            self.assertStatus(c.post("/v1/retrievers/interactions", {
                "feature_id": run["documents"][0]["document_id"], "interaction_type": ["click"],
                "position": 0, "execution_id": run["execution_id"], "retriever_id": rid,
                "query_snapshot": {"query": q}}), 200)

    def failed_migration(self):
        """A completed extend whose fault_extractor failed two items; the cause is then gone,
        so that a retry resolves them. Its namespace has a retriever with recorded queries."""
        texts = ["fine %d" % i for i in range(4)] + ["bad one [fail:flaky]", "bad two [fail:flaky]"]
        _, col = self.namespace("faulty", {"feature_extractor_name": "text_extractor",
                                           "version": "v1"}, texts)
        self.recorded_queries("faulty", col["collection_id"])
        open(os.path.join(self.faults, "flaky"), "w").close()
        m = self.assertStatus(self.api.post(BASE + "/", {"config": {
            "migration_type": "extend", "source_namespace_id": "faulty",
            "feature_extractors": [{"feature_extractor_name": "fault_extractor", "version": "v1"}]},
            "start_immediately": True}), 201)
        got = wait_migration(self.api, m["migration_id"])
        failed = self.assertStatus(self.api.get(BASE + "/%s/failed-items" % m["migration_id"]), 200)
        self.assertEqual(failed["total"], 2, failed)
        self.assertEqual(len(got["additional_data"]["benchmark"]["retrievers"]), 1, got)
        self.assertTrue(got["additional_data"]["verification"]["resources"], got)
        os.remove(os.path.join(self.faults, "flaky"))
        return got

    def test_dashboard_in_chromium(self):
        failed = self.failed_migration()
        bucket, col = self.namespace("slowsrc", {"feature_extractor_name": "fake_embed",
                                                 "version": "v1"},
                                     ["slow text %d" % i for i in range(SLOW_OBJECTS)],
                                     {"text": "content"})
        self.fake.latency = LATENCY_MS / 1000.0  # from here on, a model server's answer time
        slow = self.assertStatus(self.api.post(BASE + "/", {"config": {
            "migration_type": "re_extract", "source_namespace_id": "slowsrc",
            "target_namespace_name": "slow-target",
            "feature_extractors": [{"feature_extractor_name": "fake_embed", "version": "v2"}],
            "batch_options": {"batch_size": 5, "max_workers": 1}}}), 201)
        # Its validation warns about the re-extraction's cost: started with force.
        self.assertStatus(self.api.post(BASE + "/%s/start" % slow["migration_id"],
                                        {"force": True}), 200)
        os.makedirs(ARTIFACTS, exist_ok=True)
        env = dict(os.environ, FERRY_URL="http://127.0.0.1:%d" % self.server.port,
                   FERRY_KEY=ADMIN_KEY, SLOW_MIGRATION=slow["migration_id"],
                   SLOW_RESOURCES=json.dumps({bucket["bucket_id"]: 0, col["collection_id"]: 1}),
                   FAILED_MIGRATION=failed["migration_id"], CHROMIUM=CHROMIUM,
                   ARTIFACTS=os.path.abspath(ARTIFACTS))
        run = subprocess.run(["node", os.path.join(HERE, "dashboard.test.mjs")], env=env,
                             cwd=HERE, timeout=480)
        self.assertEqual(run.returncode, 0, "the browser test failed (its output is above)")
        # What the browser did, seen through the API.
        cancelled = self.assertStatus(self.api.post(BASE + "/list", {"status": "cancelled"}), 200)
        self.assertEqual(len(cancelled["results"]), 1, cancelled)
        made = cancelled["results"][0]["config"]
        self.assertEqual(made["migration_type"], "re_extract")
        self.assertEqual(made["target_namespace_name"], "cancel-me")
        self.assertEqual(made["filters"]["collection_ids"], [col["collection_id"]])
        self.assertEqual(made["batch_options"]["batch_size"], 5)
        self.assertEqual(made["feature_extractors"][0]["feature_extractor_name"], "fake_embed")
        resolved = self.assertStatus(self.api.get(
            BASE + "/%s/failed-items?status=resolved" % failed["migration_id"]), 200)
        self.assertEqual(resolved["total"], 2, resolved)


if __name__ == "__main__":
    unittest.main()
