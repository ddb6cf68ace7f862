"""`ferryd move-storage`: an embedded data directory moved into PostgreSQL, read back
over HTTP with the same API key. Needs the throwaway cluster (FERRY_TEST_PG_URL_FILE)."""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import ferry_harness  # noqa: E402
from ferry_harness import FERRYD, Ferryd, b64_file, wait_task  # noqa: E402

SCHEMA = {"properties": {"content": {"type": "text"}, "photo": {"type": "image"}}}


def move(data_dir, url):
    return subprocess.run([FERRYD, "move-storage", "--data-dir", data_dir, "--to", url],
                          capture_output=True, text=True)


def ok(test, result, status=200):
    test.assertEqual(result[0], status, msg=str(result[1])[:2000])
    return result[1]


class MoveStorageTest(unittest.TestCase):
    def setUp(self):
        if not ferry_harness.PG_URL_FILE:
            self.fail("needs FERRY_TEST_PG_URL_FILE (ctest's postgres fixture)")
        self.pg_url_file = ferry_harness.PG_URL_FILE
        self.server = None

    def tearDown(self):
        ferry_harness.PG_URL_FILE = self.pg_url_file
        if self.server is not None:
            self.server.cleanup()

    def fill_embedded(self):
        """Starts ferryd on embedded storage and writes through HTTP; returns what to
        read back: (key, ids, objects, documents)."""
        ferry_harness.PG_URL_FILE = None  # this first server is embedded
        self.server = Ferryd().start()
        key = self.server.create_key("movers")
        c = self.server.client(key=key)
        ok(self, c.post("/v1/namespaces", {"namespace_name": "moving", "feature_extractors": [
            {"feature_extractor_name": "text_extractor", "version": "v1"}]}))
        c = self.server.client(key=key, namespace="moving")
        bucket = ok(self, c.post("/v1/buckets", {"bucket_name": "files", "bucket_schema": SCHEMA}))
        bpath = "/v1/buckets/%s" % bucket["bucket_id"]
        col = ok(self, c.post("/v1/collections", {
            "collection_name": "docs",
            "source": {"type": "bucket", "bucket_ids": [bucket["bucket_id"]]},
            "feature_extractor": {"feature_extractor_name": "text_extractor", "version": "v1"}}))
        ids = [ok(self, c.post(bpath + "/objects", {"blobs": [
            {"property": "content", "type": "text", "data": "document number %d" % i}]}))
               ["object_id"] for i in range(3)]
        ids.append(ok(self, c.post(bpath + "/objects", {"blobs": [
            {"property": "photo", "type": "image", "data": b64_file("red_16x16.png")}]}))
                   ["object_id"])
        batch = ok(self, c.post(bpath + "/batches", {"object_ids": ids}))
        task = ok(self, c.post(bpath + "/batches/%s/submit" % batch["batch_id"]))
        wait_task(c, task["task_id"], want=("COMPLETED",))
        state = self.read_all(c, bucket["bucket_id"], col["collection_id"])
        self.assertEqual(len(state["objects"]), 4)
        self.assertGreaterEqual(len(state["documents"]), 3)
        return key, bucket["bucket_id"], col["collection_id"], state

    def read_all(self, c, bucket_id, col_id):
        bpath = "/v1/buckets/%s" % bucket_id
        objects = ok(self, c.post(bpath + "/objects/list?limit=100"))["results"]
        docs = ok(self, c.post("/v1/collections/%s/documents/list?limit=100" % col_id,
                               {"return_vectors": True}))["results"]
        return {"namespaces": ok(self, c.post("/v1/namespaces/list"))["results"],
                "namespace": ok(self, c.get("/v1/namespaces/moving")),
                "bucket": ok(self, c.get(bpath)),
                "collection": ok(self, c.get("/v1/collections/" + col_id)),
                "objects": objects,
                "documents": docs,
                "one": [ok(self, c.get(bpath + "/objects/" + o["object_id"])) for o in objects]}

    def test_move_into_postgres_keeps_data_and_keys(self):
        key, bucket_id, col_id, before = self.fill_embedded()
        data_dir = self.server.data_dir

        ferry_harness.PG_URL_FILE = self.pg_url_file
        url = ferry_harness.storage_url_for(data_dir)  # a new, empty database
        refused = move(data_dir, url)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("in use", refused.stderr)
        self.assertNotIn(data_dir, refused.stderr)

        self.assertEqual(self.server.stop(), 0)
        moved = move(data_dir, url)
        self.assertEqual(moved.returncode, 0, msg=moved.stderr)
        self.assertIn("organizations 2", moved.stdout)  # the admin's and "movers"
        self.assertIn("namespaces 1", moved.stdout)
        self.assertIn("objects 4", moved.stdout)
        self.assertIn("documents %d" % len(before["documents"]), moved.stdout)

        again = move(data_dir, url)
        self.assertNotEqual(again.returncode, 0)
        self.assertIn("not empty", again.stderr)

        # The same data dir (its secret.key) with --storage on the database.
        self.server.start()
        self.assertIsNotNone(ferry_harness.storage_url_for(data_dir))
        c = self.server.client(key=key, namespace="moving")
        after = self.read_all(c, bucket_id, col_id)
        self.assertEqual(after, before)
        photo = [b for o in after["objects"] for b in o["blobs"] if b["property"] == "photo"][0]
        self.assertGreater(len(self.server.read_blob(photo["details"]["hash"])), 0)


if __name__ == "__main__":
    unittest.main()
