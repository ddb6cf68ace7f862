"""A new user's first session, end to end: namespace → bucket → text and PNG objects →
text and image collections and a collection fed by the text collection → batch → task
completes → documents with vectors of the documented sizes."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import FerryTestCase, b64_file  # noqa: E402

TEXTS = ["The ferry crosses the river at dawn.", "Vectors are lists of numbers.",
         "A red square sits on a white page."]


class NewUserPathTest(FerryTestCase):
    def test_path(self):
        api = self.api
        ns = self.assertStatus(api.post("/v1/namespaces", {
            "namespace_name": "quickstart",
            "feature_extractors": [
                {"feature_extractor_name": "text_extractor", "version": "v1"},
                {"feature_extractor_name": "image_extractor", "version": "v1"}]}), 200)
        c = self.server.client(namespace=ns["namespace_id"])
        bucket = self.assertStatus(c.post("/v1/buckets", {
            "bucket_name": "media",
            "bucket_schema": {"properties": {"content": {"type": "text"},
                                             "photo": {"type": "image"},
                                             "title": {"type": "string"}}}}), 200)
        bid = bucket["bucket_id"]
        object_ids = []
        for i, text in enumerate(TEXTS):
            o = self.assertStatus(c.post("/v1/buckets/%s/objects" % bid, {"blobs": [
                {"property": "content", "type": "text", "data": text},
                {"property": "title", "type": "string", "data": "t%d" % i}]}), 200)
            object_ids.append(o["object_id"])
        png = self.assertStatus(c.post("/v1/buckets/%s/objects" % bid, {"blobs": [
            {"property": "photo", "type": "image", "data": b64_file("red_16x16.png")}]}), 200)
        object_ids.append(png["object_id"])

        source = {"type": "bucket", "bucket_ids": [bid]}
        texts = self.assertStatus(c.post("/v1/collections", {
            "collection_name": "texts", "source": source,
            "feature_extractor": {"feature_extractor_name": "text_extractor", "version": "v1",
                                  "input_mappings": {"text": "content"},
                                  "field_passthrough": [{"source_path": "title"}]}}), 200)
        images = self.assertStatus(c.post("/v1/collections", {
            "collection_name": "images", "source": source,
            "feature_extractor": {"feature_extractor_name": "image_extractor", "version": "v1",
                                  "input_mappings": {"image": "photo"}}}), 200)
        derived = self.assertStatus(c.post("/v1/collections", {
            "collection_name": "texts-v2",
            "source": {"type": "collection", "collection_id": texts["collection_id"]},
            "feature_extractor": {"feature_extractor_name": "text_extractor", "version": "v2",
                                  "input_mappings": {"text": "text"},
                                  "field_passthrough": [{"source_path": "title"}]}}), 200)

        batch = self.assertStatus(c.post("/v1/buckets/%s/batches" % bid,
                                         {"object_ids": object_ids}), 200)
        task = self.assertStatus(c.post("/v1/buckets/%s/batches/%s/submit"
                                        % (bid, batch["batch_id"])), 200)
        done = self.wait_task(c, task["task_id"])
        self.assertEqual(done["status"], "COMPLETED", done)

        def docs(col):
            page = self.assertStatus(c.post("/v1/collections/%s/documents/list?limit=100"
                                            % col["collection_id"], {"return_vectors": True}), 200)
            return page["results"]

        ok = lambda ds: [d for d in ds if d["_internal"]["metadata"]["ingestion_status"]
                         == "COMPLETED"]
        text_docs, image_docs, derived_docs = ok(docs(texts)), ok(docs(images)), ok(docs(derived))
        self.assertEqual(len(text_docs), 3)
        self.assertEqual(len(image_docs), 1)
        self.assertEqual(len(derived_docs), 3)
        for d in text_docs:
            self.assertEqual(len(d["text_extractor_v1_embedding"]), 256)
            self.assertIn(d["text"], TEXTS)
            self.assertTrue(d["title"].startswith("t"))
        self.assertEqual(len(image_docs[0]["image_extractor_v1_embedding"]), 64)
        self.assertEqual(image_docs[0]["_internal"]["lineage"]["source_object_id"],
                         png["object_id"])
        for d in derived_docs:
            self.assertEqual(len(d["text_extractor_v2_embedding"]), 384)
            self.assertEqual(d["_internal"]["lineage"]["source_collection_id"],
                             texts["collection_id"])
            self.assertTrue(d["title"].startswith("t"))
        ns = self.assertStatus(api.get("/v1/namespaces/quickstart"), 200)
        self.assertEqual(ns["bucket_count"], 1)
        self.assertEqual(ns["collection_count"], 3)
        self.assertEqual(ns["object_count"], 4)


if __name__ == "__main__":
    unittest.main()
