"""Cancelling a running migration over HTTP, then restarting ferryd.

Runs ferryd_testing: its test-only fault_extractor holds every text marked "[hold:NAME]"
while the file NAME exists in FERRYD_TEST_FAULT_DIR, so the migration is certainly running
(its workers inside a batch) when the cancel arrives, whatever the machine's speed.

The cancel takes effect at once: its answer and every later read show the final state
(cancelled, completed_at set, every stage and resource that did not finish cancelled, the
partial target named in additional_data), and nothing moves afterwards — not while the
workers held inside their batches are released, and not across a restart, which must not
resume it. That no batch started after the cancel is observed in the target itself: each
batch in flight stopped after its current item, so the target holds at most one document
per worker, far fewer than one batch."""
import os
import shutil
import signal
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import Ferryd, wait_until  # noqa: E402

BASE = "/v1/namespaces/migrations"
OBJECTS = 60
BATCH_SIZE = 10
WORKERS = 2
FINISHED = ("completed", "cancelled")


class MigrationCancelTest(unittest.TestCase):
    def setUp(self):
        self.faults = tempfile.mkdtemp(prefix="ferry_cancel_faults_")
        self.server = Ferryd(env={"FERRYD_TEST_FAULT_DIR": self.faults}).start()
        self.gate = os.path.join(self.faults, "gate")
        self.api = self.server.client()

    def tearDown(self):
        if os.path.exists(self.gate):
            os.remove(self.gate)  # never leave an extraction held
        self.server.cleanup()
        shutil.rmtree(self.faults, ignore_errors=True)

    def make_source(self):
        status, body = self.api.post("/v1/namespaces", {
            "namespace_name": "csrc",
            "feature_extractors": [{"feature_extractor_name": "text_extractor", "version": "v1"}]})
        self.assertEqual(status, 200, body)
        c = self.server.client(namespace="csrc")
        status, bucket = c.post("/v1/buckets", {"bucket_name": "docs", "bucket_schema": {
            "properties": {"content": {"type": "text"}}}})
        self.assertEqual(status, 200, bucket)
        status, body = c.post("/v1/collections", {
            "collection_name": "texts",
            "source": {"type": "bucket", "bucket_ids": [bucket["bucket_id"]]},
            "feature_extractor": {"feature_extractor_name": "text_extractor", "version": "v1"}})
        self.assertEqual(status, 200, body)
        ids = [c.post("/v1/buckets/docs/objects", {"blobs": [
            {"property": "content", "type": "text", "data": "held item %d [hold:gate]" % i}]}
        )[1]["object_id"] for i in range(OBJECTS)]
        batch = c.post("/v1/buckets/docs/batches", {"object_ids": ids})[1]
        task = c.post("/v1/buckets/docs/batches/%s/submit" % batch["batch_id"])[1]

        def task_done():
            got = c.get("/v1/tasks/" + task["task_id"])[1]
            return got["status"] not in ("PENDING", "IN_PROGRESS", "PROCESSING") and got
        self.assertEqual(wait_until(task_done, "ingestion")["status"], "COMPLETED")

    def get(self, mid):
        status, body = self.api.get(BASE + "/" + mid)
        self.assertEqual(status, 200, body)
        return body

    def target_documents(self, target_id):
        c = self.server.client(namespace=target_id)
        status, body = c.post("/v1/collections/texts/documents/list?limit=1", {})
        self.assertEqual(status, 200, body)
        return body["pagination"]["total"]

    def assert_frozen(self, mid, final):
        """A few reads, paced: each shows exactly the final state."""
        for _ in range(10):
            got = self.get(mid)
            self.assertEqual(got["status"], "cancelled")
            self.assertEqual(got["completed_at"], final["completed_at"])
            self.assertEqual(got["progress"], final["progress"])
            self.assertEqual(got["additional_data"], final["additional_data"])
            time.sleep(0.05)  # pacing between reads

    def test_cancel_of_a_running_migration_is_final_and_survives_a_restart(self):
        self.make_source()
        open(self.gate, "w").close()  # from now on every extraction of the migration waits
        status, m = self.api.post(BASE + "/", {"start_immediately": True, "config": {
            "migration_type": "extend", "source_namespace_id": "csrc",
            "feature_extractors": [{"feature_extractor_name": "fault_extractor",
                                    "version": "v1"}],
            "batch_options": {"batch_size": BATCH_SIZE, "max_workers": WORKERS}}})
        self.assertEqual(status, 201, m)
        mid = m["migration_id"]

        def processing():
            got = self.get(mid)
            self.assertNotIn(got["status"], ("completed", "failed", "cancelled"), got)
            stage = got["progress"]["stages"][2]
            return stage["stage"] == "batch_processing" and stage["status"] == "in_progress"
        wait_until(processing, "batch_processing to run")

        status, cancel = self.api.post(BASE + "/%s/cancel" % mid, {"reason": "not needed"})
        self.assertEqual(status, 200, cancel)
        self.assertEqual(cancel["status"], "cancelled")
        final = wait_until(lambda: (lambda g: g["status"] == "cancelled" and g)(self.get(mid)),
                     "the cancel to show", timeout=10)
        self.assertIsNotNone(final["completed_at"])
        self.assertEqual(cancel["cancelled_at"], final["completed_at"])
        self.assertEqual(final["progress"]["overall_status"], "cancelled")
        stages = {s["stage"]: s["status"] for s in final["progress"]["stages"]}
        self.assertEqual(stages["namespace_setup"], "completed")
        self.assertEqual(stages["batch_processing"], "cancelled")
        for name, state in stages.items():
            self.assertIn(state, FINISHED, name)
        resources = final["progress"]["resources"]
        self.assertTrue(resources)
        for r in resources:
            self.assertIn(r["status"], FINISHED, r)
        self.assertIn("cancelled", [r["status"] for r in resources])
        target_id = final["additional_data"]["target_namespace_id"]
        partial = final["additional_data"]["partial_target"]
        self.assertEqual(partial["namespace_id"], target_id)
        self.assertTrue(partial["partial"])

        os.remove(self.gate)  # the workers held inside their batches go on
        self.assert_frozen(mid, final)
        # A graceful stop waits for the run to be gone; the restart must not resume it.
        self.assertEqual(self.server.stop(signal.SIGTERM), 0)
        self.server.start()
        self.api = self.server.client()
        self.assert_frozen(mid, final)
        # Each batch in flight stopped after its current item, and none started after the
        # cancel: at most one document per worker reached the target.
        self.assertLessEqual(self.target_documents(target_id), WORKERS)
        status, listed = self.api.post(BASE + "/list", {"status": "cancelled"})
        self.assertEqual(status, 200, listed)
        self.assertIn(mid, [x["migration_id"] for x in listed["results"]])


if __name__ == "__main__":
    unittest.main()
