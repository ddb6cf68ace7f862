"""A migration interrupted by SIGTERM (wherever it was: queued, mid-batch, finishing)
continues on the next start from its durable plan and ends with exactly the source's
contents: nothing lost, nothing duplicated."""
import os
import signal
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import Ferryd  # noqa: E402

BASE = "/v1/namespaces/migrations"


class MigrationRestartTest(unittest.TestCase):
    def test_sigterm_then_restart_completes_exactly(self):
        server = Ferryd().start()
        try:
            api = server.client()
            api.post("/v1/namespaces", {"namespace_name": "big", "feature_extractors": [
                {"feature_extractor_name": "text_extractor", "version": "v1"}]})
            c = server.client(namespace="big")
            c.post("/v1/buckets", {"bucket_name": "b", "bucket_schema": {
                "properties": {"content": {"type": "text"}}}})
            c.post("/v1/collections", {"collection_name": "texts",
                   "source": {"type": "bucket", "bucket_ids": [
                       c.get("/v1/buckets/b")[1]["bucket_id"]]},
                   "feature_extractor": {"feature_extractor_name": "text_extractor",
                                         "version": "v1"}})
            ids = [c.post("/v1/buckets/b/objects", {"blobs": [
                {"property": "content", "type": "text", "data": "object %d of many. " % i * 3}]}
            )[1]["object_id"] for i in range(300)]
            batch = c.post("/v1/buckets/b/batches", {"object_ids": ids})[1]
            task = c.post("/v1/buckets/b/batches/%s/submit" % batch["batch_id"])[1]
            while c.get("/v1/tasks/" + task["task_id"])[1]["status"] not in ("COMPLETED",
                                                                            "FAILED"):
                pass
            m = api.post(BASE + "/", {"config": {
                "migration_type": "re_extract", "source_namespace_id": "big",
                "feature_extractors": [{"feature_extractor_name": "text_extractor",
                                        "version": "v2"}],
                "batch_options": {"batch_size": 5, "max_workers": 1}}})[1]
            status, started = api.post(BASE + "/%s/start" % m["migration_id"], {"force": True})
            self.assertEqual(status, 200)
            self.assertEqual(server.stop(signal.SIGTERM), 0)
            server.start()
            api = server.client()
            while True:
                got = api.get(BASE + "/" + m["migration_id"])[1]
                if got["status"] in ("completed", "failed", "cancelled"):
                    break
            self.assertEqual(got["status"], "completed", got["error_message"])
            self.assertTrue(got["additional_data"]["verification"]["ok"])
            for stage in got["progress"]["stages"]:
                self.assertEqual(stage["status"], "completed")
                self.assertEqual(stage["items_completed"] + stage["items_failed"],
                                 stage["items_total"], stage["stage"])
            target = server.client(namespace=got["additional_data"]["target_namespace_id"])
            objects = target.post("/v1/buckets/b/objects/list?limit=1000")[1]
            self.assertEqual(objects["pagination"]["total"], 300)
            docs = target.post("/v1/collections/texts/documents/list?limit=1000")[1]["results"]
            self.assertEqual(len(docs), 300)
            self.assertEqual(len({d["document_id"] for d in docs}), 300)
            roots = sorted(d["_internal"]["lineage"]["root_object_id"] for d in docs)
            self.assertEqual(len(set(roots)), 300)
            self.assertTrue(all(len(d["_internal"]["features"]) == 1 and
                                d["_internal"]["features"][0]["dimensions"] == 384
                                for d in docs))
        finally:
            server.cleanup()


if __name__ == "__main__":
    unittest.main()
