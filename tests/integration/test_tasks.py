"""The task endpoints over HTTP (issue 13 §1): POST /v1/tasks/list (status and task_type
filters, paging) and DELETE /v1/tasks/{task_id}, which kills the job a task stands for: a
batch run stops, its batch and task become CANCELED and no document is written after; a
migration is cancelled.
Killing is idempotent, as Mixpeek's (an absent or finished task answers success); another
organization's task is never listed and cannot be killed. Responses are validated against
/openapi.json. Runs on ferryd_testing: fault_extractor holds a text holding "[hold:NAME]"
while the file NAME exists in the fault directory."""
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


class TasksTest(FerryTestCase):
    @classmethod
    def setUpClass(cls):
        cls.faults = tempfile.mkdtemp(prefix="ferry_faults_")
        cls.server = Ferryd(env={"FERRYD_TEST_FAULT_DIR": cls.faults}).start()
        cls.api = cls.server.client()
        cls.api.post("/v1/namespaces", {"namespace_name": "tasks",
                                        "feature_extractors": EXTRACTORS})
        cls.c = cls.server.client(namespace="tasks")
        bucket = cls.c.post("/v1/buckets", {"bucket_name": "b", "bucket_schema": {
            "properties": {"content": {"type": "text"}}}})[1]
        status, col = cls.c.post("/v1/collections", {
            "collection_name": "faulty",
            "source": {"type": "bucket", "bucket_ids": [bucket["bucket_id"]]},
            "feature_extractor": {"feature_extractor_name": "fault_extractor", "version": "v1"}})
        assert status == 200, col
        key = cls.server.create_key("tasks-other")
        cls.other = cls.server.client(key=key)

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

    def submit(self, texts):
        ids = [self.c.post("/v1/buckets/b/objects", {"blobs": [
            {"property": "content", "type": "text", "data": t}]})[1]["object_id"] for t in texts]
        batch = self.assertStatus(self.c.post("/v1/buckets/b/batches", {"object_ids": ids}), 200)
        task = self.assertStatus(self.c.post(
            "/v1/buckets/b/batches/%s/submit" % batch["batch_id"]), 200)
        return batch, task, ids

    def listed(self, body=None, query="", client=None):
        result = self.assertStatus((client or self.c).post("/v1/tasks/list" + query, body or {}),
                                   200)
        return [t["task_id"] for t in result["results"]], result

    def test_list_filters_and_pages(self):
        _, done, _ = self.submit(["listed task"])
        wait_task(self.c, done["task_id"])
        ids, everything = self.listed(query="?limit=1000")
        self.assertIn(done["task_id"], ids)
        self.assertEqual(everything["pagination"]["total"], len(ids))
        ids, _ = self.listed({"status": "COMPLETED", "task_type": "api_buckets_batches_submit"},
                             "?limit=1000")
        self.assertIn(done["task_id"], ids)
        ids, _ = self.listed({"status": "FAILED"}, "?limit=1000")
        self.assertNotIn(done["task_id"], ids)
        ids, _ = self.listed({"task_type": "engine_cluster_build"}, "?limit=1000")
        self.assertNotIn(done["task_id"], ids)
        first, _ = self.listed(query="?limit=1&offset=0&include_total=true")
        self.assertEqual(len(first), 1)
        body = self.assertStatus(self.c.post("/v1/tasks/list", {
            "status": "NOPE", "task_type": "nope", "filters": {"AND": []}}), 422)
        self.assertEqual(sorted(locs(body)), [("body", "filters"), ("body", "status"),
                                              ("body", "task_type")])
        body = self.assertStatus(self.c.post("/v1/tasks/list?limit=0&include_total=maybe", {}),
                                 422)
        self.assertEqual(sorted(locs(body)), [("query", "include_total"), ("query", "limit")])
        # Another organization sees none of them.
        theirs, _ = self.listed(query="?limit=1000", client=self.other)
        self.assertNotIn(done["task_id"], theirs)

    def test_delete_kills_a_running_batch(self):
        self.set_fault("hold-kill", True)
        try:
            batch, task, ids = self.submit(
                ["held %d [hold:hold-kill]" % i for i in range(3 * CHUNK)])
            path = "/v1/tasks/" + task["task_id"]
            wait_until(lambda: self.c.get(path)[1]["status"] == "IN_PROGRESS",
                       "the batch to run")
            # Another organization cannot kill it: the same answer as an absent task.
            self.assertTrue(self.assertStatus(self.other.delete(path), 200)["success"])
            self.assertEqual(self.c.get(path)[1]["status"], "IN_PROGRESS")
            killed = self.assertStatus(self.c.delete(path), 200)
            self.assertTrue(killed["success"])
            self.assertIn("killed", killed["message"])
            self.assertEqual(self.c.get(path)[1]["status"], "CANCELED")
        finally:
            self.set_fault("hold-kill", False)

        def ended():
            t = self.c.get(path)[1]
            return t if "items_total" in (t.get("additional_data") or {}) else None
        self.assertEqual(wait_until(ended, "the run to end")["status"], "CANCELED")
        got = self.c.get("/v1/buckets/b/batches/" + batch["batch_id"])[1]
        self.assertEqual(got["status"], "CANCELED")
        docs = self.c.post("/v1/collections/faulty/documents/list?limit=1000", {})[1]["results"]
        self.assertEqual([d for d in docs if d["_internal"]["lineage"]["root_object_id"] in ids],
                         [])
        # Idempotent: killed again, finished, or absent — success.
        again = self.assertStatus(self.c.delete(path), 200)
        self.assertIn("not running", again["message"])
        self.assertTrue(self.assertStatus(self.c.delete("/v1/tasks/task_missing"), 200)["success"])

    def test_delete_kills_a_running_migration(self):
        self.api.post("/v1/namespaces", {"namespace_name": "msrc", "feature_extractors": [
            {"feature_extractor_name": "text_extractor", "version": "v1"}]})
        c = self.server.client(namespace="msrc")
        bucket = c.post("/v1/buckets", {"bucket_name": "docs", "bucket_schema": {
            "properties": {"content": {"type": "text"}}}})[1]
        self.assertStatus(c.post("/v1/collections", {
            "collection_name": "texts",
            "source": {"type": "bucket", "bucket_ids": [bucket["bucket_id"]]},
            "feature_extractor": {"feature_extractor_name": "text_extractor", "version": "v1"}}),
            200)
        ids = [c.post("/v1/buckets/docs/objects", {"blobs": [
            {"property": "content", "type": "text", "data": "item %d [hold:mgate]" % i}]}
        )[1]["object_id"] for i in range(20)]
        batch = c.post("/v1/buckets/docs/batches", {"object_ids": ids})[1]
        wait_task(c, c.post("/v1/buckets/docs/batches/%s/submit" % batch["batch_id"])[1]["task_id"])
        self.set_fault("mgate", True)
        try:
            m = self.assertStatus(self.api.post("/v1/namespaces/migrations/", {
                "start_immediately": True, "config": {
                    "migration_type": "extend", "source_namespace_id": "msrc",
                    "feature_extractors": EXTRACTORS,
                    "batch_options": {"batch_size": 5, "max_workers": 2}}}), 201)
            path = "/v1/namespaces/migrations/" + m["migration_id"]

            def processing():
                got = self.api.get(path)[1]
                stage = got["progress"]["stages"][2]
                return stage["status"] == "in_progress" and got
            task_id = wait_until(processing, "batch_processing to run")["task_id"]
            self.assertEqual(self.api.get("/v1/tasks/" + task_id)[1]["task_type"],
                             "api_namespaces_migrations_run")
            killed = self.assertStatus(self.api.delete("/v1/tasks/" + task_id), 200)
            self.assertIn("killed", killed["message"])
            self.assertEqual(self.api.get(path)[1]["status"], "cancelled")
        finally:
            self.set_fault("mgate", False)


if __name__ == "__main__":
    unittest.main()
