"""Failed items and retry of migrations over HTTP (Ferry extensions): items that fail are
listed (paginated), counted in progress, and re-run by POST .../retry into the same target
once their cause is gone; bad input, another organization's migration and retries that
cannot run are clear errors.

Runs ferryd_testing: ferryd plus the test-only fault_extractor, which fails a text marked
"[fail:NAME]" while the file NAME exists in FERRYD_TEST_FAULT_DIR. Deleting the file is the
test's way of fixing the cause of a failure."""
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import Ferryd, FerryTestCase, wait_task  # noqa: E402

BASE = "/v1/namespaces/migrations"
FAULT = [{"feature_extractor_name": "fault_extractor", "version": "v1"}]
FAULT_URI = "mixpeek://fault_extractor@v1/embedding"
TEXTS = ["plain text %d" % i for i in range(6)]
TEXTS[1] = "flaky one [fail:flaky]"
TEXTS[4] = "flaky two [fail:flaky]"
TEXTS[5] = "stuck for longer [fail:stuck]"


class FailedItemsTest(FerryTestCase):
    @classmethod
    def setUpClass(cls):
        cls.faults = tempfile.mkdtemp(prefix="ferry_faults_")
        cls.server = Ferryd(env={"FERRYD_TEST_FAULT_DIR": cls.faults}).start()
        cls.api = cls.server.client()
        cls.api.post("/v1/namespaces", {"namespace_name": "fsrc", "feature_extractors": [
            {"feature_extractor_name": "text_extractor", "version": "v1"}]})
        c = cls.server.client(namespace="fsrc")
        status, bucket = c.post("/v1/buckets", {"bucket_name": "docs", "bucket_schema": {
            "properties": {"content": {"type": "text"}}}})
        assert status == 200, bucket
        status, cls.col = c.post("/v1/collections", {
            "collection_name": "texts",
            "source": {"type": "bucket", "bucket_ids": [bucket["bucket_id"]]},
            "feature_extractor": {"feature_extractor_name": "text_extractor", "version": "v1"}})
        assert status == 200, cls.col
        ids = [c.post("/v1/buckets/docs/objects", {"blobs": [
            {"property": "content", "type": "text", "data": t}]})[1]["object_id"] for t in TEXTS]
        batch = c.post("/v1/buckets/docs/batches", {"object_ids": ids})[1]
        task = c.post("/v1/buckets/docs/batches/%s/submit" % batch["batch_id"])[1]
        wait_task(c, task["task_id"])
        docs = c.post("/v1/collections/texts/documents/list?limit=100", {})[1]["results"]
        cls.source_docs = {d["text"]: d["document_id"] for d in docs}
        assert len(cls.source_docs) == len(TEXTS), docs

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.faults, ignore_errors=True)

    def set_fault(self, name, on):
        path = os.path.join(self.faults, name)
        if on:
            open(path, "w").close()
        elif os.path.exists(path):
            os.remove(path)

    def run_migration(self, migration_type="extend", **extra):
        cfg = {"migration_type": migration_type, "source_namespace_id": "fsrc"}
        if migration_type == "extend":
            cfg["feature_extractors"] = FAULT
        cfg.update(extra)
        m = self.assertStatus(self.api.post(BASE + "/", {"config": cfg,
                                                         "start_immediately": True}), 201)
        self.assertEqual(m["status"], "pending", m)
        return self.wait(m["migration_id"])

    def wait(self, mid):
        return self.wait_migration(mid)

    def failed_items(self, mid, query=""):
        return self.assertStatus(self.api.get("%s/%s/failed-items%s" % (BASE, mid, query)), 200)

    def stage(self, m, name):
        return [s for s in m["progress"]["stages"] if s["stage"] == name][0]

    def target_docs(self, m):
        target = self.server.client(namespace=m["additional_data"]["target_namespace_id"])
        docs = target.post("/v1/collections/texts/documents/list?limit=100", {})
        return {d["text"]: d for d in self.assertStatus(docs, 200)["results"]}

    def test_failed_items_are_listed_and_retried_until_they_succeed(self):
        self.set_fault("flaky", True)
        self.set_fault("stuck", True)
        m = self.run_migration(filters={"collection_ids": [self.col["collection_id"]]})
        mid = m["migration_id"]
        # Failed items do not fail the migration; they are counted in progress.
        self.assertEqual(m["status"], "completed", m["error_message"])
        processing = self.stage(m, "batch_processing")
        self.assertEqual(processing["items_failed"], 3)
        self.assertEqual(processing["items_completed"], processing["items_total"] - 3)
        res = [r for r in m["progress"]["resources"]
               if r["resource_id"] == self.col["collection_id"]][0]
        self.assertIn("3 items failed", res["error_message"])

        listed = self.failed_items(mid)
        self.assertEqual(listed["total"], 3)
        want = sorted(self.source_docs[TEXTS[i]] for i in (1, 4, 5))
        self.assertEqual([f["id"] for f in listed["results"]], want)
        for f in listed["results"]:
            self.assertEqual(f["resource_id"], self.col["collection_id"])
            self.assertEqual(f["resource_type"], "collection")
            self.assertEqual(f["migration_id"], mid)
            self.assertIn("injected failure", f["error"])
            self.assertEqual(f["attempts"], 1)
            self.assertEqual(f["status"], "failed")
            self.assertGreaterEqual(f["batch_no"], 1)
        page = self.failed_items(mid, "?limit=2&offset=2")
        self.assertEqual((page["total"], page["limit"], page["offset"]), (3, 2, 2))
        self.assertEqual([f["id"] for f in page["results"]], want[2:])
        self.assertEqual(self.failed_items(mid, "?status=resolved")["total"], 0)
        docs = self.target_docs(m)
        self.assertEqual(len(docs), len(TEXTS))
        self.assertNotIn(FAULT_URI, [f["feature_uri"] for f in docs[TEXTS[1]]["_internal"]["features"]])

        # The cause of the "flaky" failures is gone; "stuck" still fails.
        self.set_fault("flaky", False)
        retry = self.assertStatus(self.api.post("%s/%s/retry" % (BASE, mid)), 200)
        self.assertEqual(retry["items_to_retry"], 3)
        self.assertEqual(retry["status"], "pending")
        self.assertEqual(retry["task_id"], m["task_id"])
        m = self.wait(mid)
        self.assertEqual(m["status"], "completed", m["error_message"])
        self.assertEqual(self.stage(m, "batch_processing")["items_failed"], 1)
        listed = self.failed_items(mid)
        self.assertEqual([(f["id"], f["attempts"]) for f in listed["results"]],
                         [(self.source_docs[TEXTS[5]], 2)])
        resolved = self.failed_items(mid, "?status=resolved")
        self.assertEqual(sorted(f["id"] for f in resolved["results"]),
                         sorted(self.source_docs[TEXTS[i]] for i in (1, 4)))
        docs = self.target_docs(m)
        self.assertEqual(len(docs), len(TEXTS))  # same ids: rewritten, not duplicated
        for i in (0, 1, 4):
            self.assertIn(FAULT_URI, [f["feature_uri"] for f in docs[TEXTS[i]]["_internal"]["features"]])

        self.set_fault("stuck", False)
        self.assertStatus(self.api.post("%s/%s/retry" % (BASE, mid)), 200)
        m = self.wait(mid)
        self.assertEqual(m["status"], "completed", m["error_message"])
        self.assertEqual(self.stage(m, "batch_processing")["items_failed"], 0)
        self.assertEqual(m["progress"]["overall_progress_percent"], 100)
        self.assertEqual(self.failed_items(mid)["total"], 0)
        res = [r for r in m["progress"]["resources"]
               if r["resource_id"] == self.col["collection_id"]][0]
        self.assertIsNone(res["error_message"])
        self.assertEqual(self.failed_items(mid, "?status=resolved")["total"], 3)
        self.assertEqual(len(self.target_docs(m)), len(TEXTS))
        task = self.assertStatus(self.api.get("/v1/tasks/" + m["task_id"]), 200)
        self.assertEqual(task["status"], "COMPLETED")
        # Nothing failed any more: nothing to retry.
        err = self.assertStatus(self.api.post("%s/%s/retry" % (BASE, mid)), 409)
        self.assertIn("nothing to retry", err["error"]["message"])

    def test_retry_refused_when_nothing_failed_or_not_finished(self):
        m = self.run_migration("copy")
        self.assertEqual(m["status"], "completed", m["error_message"])
        self.assertEqual(self.failed_items(m["migration_id"])["total"], 0)
        self.assertStatus(self.api.post("%s/%s/retry" % (BASE, m["migration_id"])), 409)
        draft = self.assertStatus(self.api.post(BASE + "/", {"config": {
            "migration_type": "copy", "source_namespace_id": "fsrc"}}), 201)
        err = self.assertStatus(self.api.post("%s/%s/retry" % (BASE, draft["migration_id"])), 409)
        self.assertIn("draft", err["error"]["message"])
        self.assertEqual(self.assertStatus(self.api.get(BASE + "/" + draft["migration_id"]),
                                           200)["status"], "draft")

    def test_bad_input_and_unknown_migrations(self):
        m = self.run_migration("copy")
        mid = m["migration_id"]
        for query, loc in [("?limit=0", ["query", "limit"]), ("?offset=-1", ["query", "offset"]),
                           ("?status=bogus", ["query", "status"])]:
            with self.subTest(query=query):
                err = self.assertStatus(
                    self.api.get("%s/%s/failed-items%s" % (BASE, mid, query)), 422)
                self.assertEqual(err["detail"][0]["loc"], loc)
        self.assertStatus(self.api.get(BASE + "/mig_unknown/failed-items"), 404)
        self.assertStatus(self.api.post(BASE + "/mig_unknown/retry"), 404)
        self.assertStatus(self.api.call("GET", BASE + "/%s/retry" % mid), 405)
        key = self.server.create_key("failed-items-other")
        other = self.server.client(key=key)
        self.assertStatus(other.get("%s/%s/failed-items" % (BASE, mid)), 404)
        self.assertStatus(other.post("%s/%s/retry" % (BASE, mid)), 404)


if __name__ == "__main__":
    unittest.main()
