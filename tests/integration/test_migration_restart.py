"""A migration interrupted by SIGTERM in the middle of its batches continues on the next
start from its durable plan and ends with exactly the source's contents: nothing lost,
nothing duplicated. The test confirms that the SIGTERM hit a running migration (in
progress, batch_processing strictly between none and all of its items, and ferryd logging
that it paused it) and that the next start resumed it (logged, and its progress kept)."""
import json
import os
import signal
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import (MIGRATION_TERMINAL, Ferryd, wait_migration, wait_task,  # noqa: E402
                           wait_until)

BASE = "/v1/namespaces/migrations"
N_OBJECTS = 300


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
        self.server = Ferryd().start()
        self.addCleanup(self.server.cleanup)

    def make_source(self):
        api = self.server.client()
        api.post("/v1/namespaces", {"namespace_name": "big", "feature_extractors": [
            {"feature_extractor_name": "text_extractor", "version": "v1"}]})
        c = self.server.client(namespace="big")
        c.post("/v1/buckets", {"bucket_name": "b", "bucket_schema": {
            "properties": {"content": {"type": "text"}}}})
        c.post("/v1/collections", {"collection_name": "texts",
               "source": {"type": "bucket", "bucket_ids": [
                   c.get("/v1/buckets/b")[1]["bucket_id"]]},
               "feature_extractor": {"feature_extractor_name": "text_extractor",
                                     "version": "v1"}})
        ids = [c.post("/v1/buckets/b/objects", {"blobs": [
            {"property": "content", "type": "text", "data": "object %d of many. " % i * 3}]}
        )[1]["object_id"] for i in range(N_OBJECTS)]
        batch = c.post("/v1/buckets/b/batches", {"object_ids": ids})[1]
        task = c.post("/v1/buckets/b/batches/%s/submit" % batch["batch_id"])[1]
        wait_task(c, task["task_id"])

    def wait_mid_batch(self, api, mid):
        """Polls until the migration runs its batches, some but not all of its items done;
        fails if it ends first."""
        def mid_batch():
            m = api.get(BASE + "/" + mid, validate=False)[1]
            if m["status"] in MIGRATION_TERMINAL:
                raise AssertionError("the migration ended before the SIGTERM: %s" % m["status"])
            bp = batch_processing(m)
            done = bp["items_completed"] + bp["items_failed"]
            return (m["status"] == "in_progress" and bp["status"] == "in_progress" and
                    0 < done < bp["items_total"] and m)
        return wait_until(mid_batch, "migration %s in the middle of its batches" % mid,
                          pause=0.005)  # the batches take about a second: look often

    def test_sigterm_mid_batch_then_restart_resumes_and_completes_exactly(self):
        self.make_source()
        api = self.server.client()
        m = api.post(BASE + "/", {"config": {
            "migration_type": "re_extract", "source_namespace_id": "big",
            "feature_extractors": [{"feature_extractor_name": "text_extractor",
                                    "version": "v2"}],
            # One item a batch, one worker: batch_processing lasts long enough (about a
            # second) to be seen and interrupted in its middle.
            "batch_options": {"batch_size": 1, "max_workers": 1}}})[1]
        mid = m["migration_id"]
        status, started = api.post(BASE + "/%s/start" % mid, {"force": True})
        self.assertEqual(status, 200, started)
        before = self.wait_mid_batch(api, mid)
        self.assertEqual(self.server.stop(signal.SIGTERM), 0)
        # The runner paused a running migration (not one that had already finished).
        self.assertTrue(logged(self.server.remaining_stderr.splitlines(),
                               "migration paused for shutdown", mid),
                        "the SIGTERM did not hit the running migration")

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
            self.assertEqual(stage["items_completed"] + stage["items_failed"],
                             stage["items_total"], stage["stage"])
        target = self.server.client(namespace=got["additional_data"]["target_namespace_id"])
        objects = target.post("/v1/buckets/b/objects/list?limit=1000")[1]
        self.assertEqual(objects["pagination"]["total"], N_OBJECTS)
        docs = target.post("/v1/collections/texts/documents/list?limit=1000")[1]["results"]
        self.assertEqual(len(docs), N_OBJECTS)
        self.assertEqual(len({d["document_id"] for d in docs}), N_OBJECTS)
        roots = sorted(d["_internal"]["lineage"]["root_object_id"] for d in docs)
        self.assertEqual(len(set(roots)), N_OBJECTS)
        self.assertTrue(all(len(d["_internal"]["features"]) == 1 and
                            d["_internal"]["features"][0]["dimensions"] == 384
                            for d in docs))


if __name__ == "__main__":
    unittest.main()
