"""The batch endpoints over HTTP (issue 13 §1): POST …/batches/list, DELETE …/batches/{id},
POST …/cancel, POST …/retry and GET …/failed-documents, each against the spec's shapes
(every response is validated against /openapi.json), with bad input and another
organization's bucket. Runs on ferryd_testing: fault_extractor fails a text holding
"[fail:NAME]" while the file NAME exists in the fault directory, and holds one holding
"[hold:NAME]" while NAME exists (a batch kept running until the test releases it)."""
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import Ferryd, FerryTestCase, wait_task, wait_until  # noqa: E402

EXTRACTORS = [{"feature_extractor_name": "fault_extractor", "version": "v1"}]
CHUNK = 16  # BatchRunner::kChunkSize


def locs(body):
    return [tuple(d["loc"]) for d in body["detail"]]


class BatchesTest(FerryTestCase):
    @classmethod
    def setUpClass(cls):
        cls.faults = tempfile.mkdtemp(prefix="ferry_faults_")
        cls.server = Ferryd(env={"FERRYD_TEST_FAULT_DIR": cls.faults}).start()
        cls.api = cls.server.client()
        cls.api.post("/v1/namespaces", {"namespace_name": "batches",
                                        "feature_extractors": EXTRACTORS})
        cls.c = cls.server.client(namespace="batches")
        status, bucket = cls.c.post("/v1/buckets", {"bucket_name": "b", "bucket_schema": {
            "properties": {"content": {"type": "text"}}}})
        assert status == 200, bucket
        cls.bucket_id = bucket["bucket_id"]
        status, cls.col = cls.c.post("/v1/collections", {
            "collection_name": "faulty",
            "source": {"type": "bucket", "bucket_ids": [cls.bucket_id]},
            "feature_extractor": {"feature_extractor_name": "fault_extractor", "version": "v1"}})
        assert status == 200, cls.col
        cls.base = "/v1/buckets/b/batches"

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

    def objects(self, texts):
        return [self.assertStatus(self.c.post("/v1/buckets/b/objects", {"blobs": [
            {"property": "content", "type": "text", "data": t}]}), 200)["object_id"]
            for t in texts]

    def batch(self, texts):
        return self.assertStatus(self.c.post(self.base, {"object_ids": self.objects(texts)}),
                                 200)

    def submit(self, batch_id):
        return self.assertStatus(self.c.post("%s/%s/submit" % (self.base, batch_id)), 200)

    def docs_of(self, object_ids):
        docs = self.c.post("/v1/collections/faulty/documents/list?limit=1000", {})[1]["results"]
        return [d for d in docs if d["_internal"]["lineage"]["root_object_id"] in object_ids]

    def wait_run_ended(self, task_id):
        """The runner has recorded its result (the counters of the run)."""
        def ended():
            t = self.c.get("/v1/tasks/" + task_id)[1]
            return t if "items_total" in (t.get("additional_data") or {}) else None
        return wait_until(ended, "the batch run to end")

    def test_list_filters_and_pages(self):
        done = self.batch(["listed one", "listed two"])
        self.batch(["listed draft"])
        wait_task(self.c, self.submit(done["batch_id"])["task_id"])
        everything = self.assertStatus(self.c.post(self.base + "/list", {}), 200)
        ids = [b["batch_id"] for b in everything["results"]]
        self.assertIn(done["batch_id"], ids)
        self.assertEqual(everything["total_count"], len(ids))
        completed = self.assertStatus(self.c.post(self.base + "/list", {"status": "COMPLETED"}),
                                      200)
        self.assertIn(done["batch_id"], [b["batch_id"] for b in completed["results"]])
        self.assertTrue(all(b["status"] == "COMPLETED" for b in completed["results"]))
        drafts = self.assertStatus(self.c.post(self.base + "/list", {"status": "DRAFT"}), 200)
        self.assertNotIn(done["batch_id"], [b["batch_id"] for b in drafts["results"]])
        page = self.assertStatus(self.c.post(self.base + "/list", {"limit": 1, "offset": 1}), 200)
        self.assertEqual([b["batch_id"] for b in page["results"]], ids[1:2])
        self.assertEqual(page["total_count"], everything["total_count"])
        body = self.assertStatus(self.c.post(self.base + "/list", {"limit": 0,
                                                                   "status": "NOPE"}), 422)
        self.assertEqual(sorted(locs(body)), [("body", "limit"), ("body", "status")])
        self.assertStatus(self.c.post("/v1/buckets/nobucket/batches/list", {}), 404)

    def test_get_and_delete(self):
        b = self.batch(["to delete"])
        path = "%s/%s" % (self.base, b["batch_id"])
        self.assertEqual(self.assertStatus(self.c.get(path), 200)["status"], "DRAFT")
        deleted = self.assertStatus(self.c.delete(path), 200)
        self.assertTrue(deleted["success"])
        self.assertStatus(self.c.get(path), 404)
        self.assertStatus(self.c.delete(path), 404)

    def test_cancel_stops_the_run_and_nothing_is_written_after(self):
        self.set_fault("hold-cancel", True)
        try:
            b = self.batch(["held %d [hold:hold-cancel]" % i for i in range(3 * CHUNK)])
            path = "%s/%s" % (self.base, b["batch_id"])
            # A running batch cannot be deleted.
            task = self.submit(b["batch_id"])
            wait_until(lambda: self.c.get("/v1/tasks/" + task["task_id"])[1]["status"]
                       == "IN_PROGRESS", "the batch to run")
            self.assertStatus(self.c.delete(path), 409)
            cancelled = self.assertStatus(self.c.post(path + "/cancel"), 200)
            self.assertEqual(cancelled["task_id"], task["task_id"])
            self.assertEqual(cancelled["status"], "CANCELED")
            self.assertEqual(self.c.get(path)[1]["status"], "CANCELED")
        finally:
            self.set_fault("hold-cancel", False)
        ended = self.wait_run_ended(task["task_id"])
        self.assertEqual(ended["status"], "CANCELED")
        self.assertEqual(self.c.get(path)[1]["status"], "CANCELED")
        self.assertEqual(self.docs_of(b["object_ids"]), [])
        # Not running any more: cancel again is a conflict, delete works.
        self.assertStatus(self.c.post(path + "/cancel"), 409)
        # A cancelled batch can be retried: every object runs again.
        retry = self.assertStatus(self.c.post(path + "/retry", {}), 200)
        self.assertEqual(sorted(retry["retried_object_ids"]), sorted(b["object_ids"]))
        wait_task(self.c, retry["task_id"])
        self.assertEqual(len(self.docs_of(b["object_ids"])), len(b["object_ids"]))
        self.assertTrue(self.assertStatus(self.c.delete(path), 200)["success"])

    def test_cancel_of_a_batch_not_running_is_a_conflict(self):
        b = self.batch(["never submitted"])
        self.assertStatus(self.c.post("%s/%s/cancel" % (self.base, b["batch_id"])), 409)
        self.assertStatus(self.c.post("%s/btch_missing/cancel" % self.base), 404)

    def test_failed_documents_and_retry(self):
        self.set_fault("fd", True)
        self.set_fault("fd2", True)
        try:
            b = self.batch(["good one", "bad one [fail:fd]", "bad two [fail:fd]", "good two",
                            "stubborn [fail:fd2]"])
            wait_task(self.c, self.submit(b["batch_id"])["task_id"])
            path = "%s/%s" % (self.base, b["batch_id"])
            failed = self.assertStatus(self.c.get(path + "/failed-documents"), 200)
            self.assertEqual(failed["total"], 3)
            self.assertEqual(failed["batch_id"], b["batch_id"])
            self.assertEqual(sorted(f["object_id"] for f in failed["results"]),
                             sorted(b["object_ids"][1:3] + b["object_ids"][4:5]))
            for f in failed["results"]:
                self.assertEqual(f["collection_id"], self.col["collection_id"])
                self.assertEqual(f["tier_num"], 0)
                self.assertEqual(f["error_type"], "permanent")
                self.assertIn("injected failure", f["error"])
            page = self.assertStatus(self.c.get(path + "/failed-documents?limit=1&offset=1"), 200)
            self.assertEqual(page["results"], failed["results"][1:2])
            none = self.assertStatus(self.c.get(path + "/failed-documents?tier_num=1"), 200)
            self.assertEqual((none["total"], none["results"]), (0, []))
            other = self.assertStatus(
                self.c.get(path + "/failed-documents?collection_id=col_other"), 200)
            self.assertEqual(other["total"], 0)
            body = self.assertStatus(self.c.get(path + "/failed-documents?limit=0&tier_num=x"),
                                     422)
            self.assertEqual(sorted(locs(body)), [("query", "limit"), ("query", "tier_num")])

            # transient_only (the default): an injected failure is not transient.
            self.assertStatus(self.c.post(path + "/retry", {}), 409)
            body = self.assertStatus(self.c.post(path + "/retry", {
                "retry_mode": "sometimes", "max_retry_count": 11, "tier_nums": ["a"]}), 422)
            self.assertEqual(sorted(locs(body)), [("body", "max_retry_count"),
                                                  ("body", "retry_mode"),
                                                  ("body", "tier_nums", 0)])
            body = self.assertStatus(self.c.post(path + "/retry", {"tier_nums": [3]}), 422)
            self.assertEqual(locs(body), [("body", "tier_nums", 0)])

            self.set_fault("fd", False)
            retry = self.assertStatus(self.c.post(path + "/retry", {
                "retry_mode": "all", "max_retry_count": 1}), 200)
            self.assertEqual(sorted(retry["retried_object_ids"]),
                             sorted(b["object_ids"][1:3] + b["object_ids"][4:5]))
            self.assertEqual(retry["retry_count"], 1)
            self.assertEqual(retry["tier_nums"], [0])
            wait_task(self.c, retry["task_id"])
            left = self.assertStatus(self.c.get(path + "/failed-documents"), 200)
            self.assertEqual([f["object_id"] for f in left["results"]], b["object_ids"][4:5])
            statuses = {d["_internal"]["lineage"]["root_object_id"]:
                        d["_internal"]["metadata"]["ingestion_status"]
                        for d in self.docs_of(b["object_ids"])}
            self.assertEqual(statuses[b["object_ids"][1]], "COMPLETED")
            # Retried once already: max_retry_count 1 refuses another.
            self.assertStatus(self.c.post(path + "/retry", {
                "retry_mode": "all", "max_retry_count": 1}), 409)
            self.assertStatus(self.c.post(path + "/retry", {"retry_mode": "all"}), 200)
        finally:
            self.set_fault("fd", False)
            self.set_fault("fd2", False)

    def test_a_draft_batch_cannot_be_retried(self):
        b = self.batch(["draft retry"])
        self.assertStatus(self.c.post("%s/%s/retry" % (self.base, b["batch_id"]), {}), 409)

    def test_another_organizations_bucket_is_not_found(self):
        b = self.batch(["mine"])
        key = self.server.create_key("batches-other")
        other = self.server.client(key=key)
        other.post("/v1/namespaces", {"namespace_name": "batches",
                                      "feature_extractors": EXTRACTORS})
        theirs = self.server.client(key=key, namespace="batches")
        path = "%s/%s" % (self.base, b["batch_id"])
        self.assertStatus(theirs.post(self.base + "/list", {}), 404)
        self.assertStatus(theirs.get(path), 404)
        self.assertStatus(theirs.delete(path), 404)
        self.assertStatus(theirs.post(path + "/cancel"), 404)
        self.assertStatus(theirs.post(path + "/retry", {}), 404)
        self.assertStatus(theirs.get(path + "/failed-documents"), 404)
        ns_id = self.c.get("/v1/namespaces/batches")[1]["namespace_id"]
        self.assertStatus(theirs.delete(path, namespace=ns_id), 404)
        self.assertEqual(self.c.get(path)[1]["status"], "DRAFT")


if __name__ == "__main__":
    unittest.main()
