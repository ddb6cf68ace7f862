"""Whole migrations over HTTP, one per type, on a namespace with text and image objects,
a chunking text collection, a collection fed by it and an image collection: counts,
vector sizes, feature URIs, lineage, id mapping, live progress fields, and a source
that is byte-for-byte unchanged afterwards."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import (MIGRATION_TERMINAL, FerryTestCase, b64_file, wait_task,  # noqa: E402
                           wait_until)  # noqa: E402

BASE = "/v1/namespaces/migrations"
TEXTS = ["Rivers carry boats. Boats carry people.", "Vectors are lists. Lists have length.",
         "The ferry leaves at dawn. It returns at dusk.", "One sentence only."]


class MigrationTypesTest(FerryTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        api = cls.api
        api.post("/v1/namespaces", {"namespace_name": "origin", "feature_extractors": [
            {"feature_extractor_name": "text_extractor", "version": "v1"},
            {"feature_extractor_name": "image_extractor", "version": "v1"}]})
        c = cls.c = cls.server.client(namespace="origin")
        bucket = c.post("/v1/buckets", {"bucket_name": "media", "bucket_schema": {"properties": {
            "content": {"type": "text"}, "photo": {"type": "image"}}}})[1]
        src = {"type": "bucket", "bucket_ids": [bucket["bucket_id"]]}
        cls.texts = c.post("/v1/collections", {"collection_name": "sentences", "source": src,
            "feature_extractor": {"feature_extractor_name": "text_extractor", "version": "v1",
                                  "input_mappings": {"text": "content"},
                                  "parameters": {"split_by": "sentences", "chunk_size": 1}}})[1]
        cls.chained = c.post("/v1/collections", {"collection_name": "restated",
            "source": {"type": "collection", "collection_id": cls.texts["collection_id"]},
            "feature_extractor": {"feature_extractor_name": "text_extractor", "version": "v1",
                                  "input_mappings": {"text": "text"}}})[1]
        cls.images = c.post("/v1/collections", {"collection_name": "pictures", "source": src,
            "feature_extractor": {"feature_extractor_name": "image_extractor", "version": "v1",
                                  "input_mappings": {"image": "photo"}}})[1]
        ids = [c.post("/v1/buckets/media/objects", {"blobs": [
            {"property": "content", "type": "text", "data": t}]})[1]["object_id"] for t in TEXTS]
        ids.append(c.post("/v1/buckets/media/objects", {"blobs": [
            {"property": "photo", "type": "image", "data": b64_file("red_16x16.png")}]})[1]
            ["object_id"])
        batch = c.post("/v1/buckets/media/batches", {"object_ids": ids})[1]
        task = c.post("/v1/buckets/media/batches/%s/submit" % batch["batch_id"])[1]
        wait_task(c, task["task_id"])
        cls.bucket = bucket

    def dump(self, client):
        out = {}
        for col in client.post("/v1/collections/list?limit=100")[1]["results"]:
            docs = client.post("/v1/collections/%s/documents/list?limit=1000"
                               % col["collection_id"], {"return_vectors": True})[1]["results"]
            out[col["collection_name"]] = (col, {d["document_id"]: d for d in docs})
        for b in client.post("/v1/buckets/list")[1]["results"]:
            objs = client.post("/v1/buckets/%s/objects/list?limit=1000" % b["bucket_id"])[1]
            out["bucket:" + b["bucket_name"]] = (b, {o["object_id"]: o for o in objs["results"]})
        return out

    def migrate(self, **config):
        cfg = {"source_namespace_id": "origin", "batch_options": {"batch_size": 2,
                                                                  "max_workers": 3}}
        cfg.update(config)
        m = self.assertStatus(self.api.post(BASE + "/", {"config": cfg}), 201)
        self.assertStatus(self.api.post(BASE + "/%s/start" % m["migration_id"],
                                        {"force": True}), 200)
        percents = []

        def ended():
            got = self.assertStatus(self.api.get(BASE + "/" + m["migration_id"]), 200)
            percents.append(got["progress"]["overall_progress_percent"])
            return got if got["status"] in MIGRATION_TERMINAL else None

        got = wait_until(ended, "migration %s to end" % m["migration_id"])
        self.assertEqual(got["status"], "completed", got["error_message"])
        self.assertEqual(percents, sorted(percents), "overall progress must be monotonic")
        for stage in got["progress"]["stages"]:
            self.assertEqual(stage["status"], "completed")
            self.assertEqual(stage["items_completed"] + stage["items_failed"], stage["items_total"])
        for r in got["progress"]["resources"]:
            self.assertEqual((r["status"], r["progress_percent"]), ("completed", 100))
        self.assertTrue(got["additional_data"]["verification"]["ok"])
        target = self.server.client(namespace=got["additional_data"]["target_namespace_id"])
        return got, target

    def check_mapping(self, got, source, target):
        mapping = got["additional_data"]["id_mapping"]
        for name in ("sentences", "restated", "pictures"):
            src_col, _ = source[name]
            tgt_col, _ = target[name]
            self.assertEqual(mapping[src_col["collection_id"]], tgt_col["collection_id"])
        self.assertEqual(mapping[self.bucket["bucket_id"]], target["bucket:media"][0]["bucket_id"])
        self.assertEqual(len(target["bucket:media"][1]), len(source["bucket:media"][1]))
        # Every lineage reference points inside the target.
        target_docs = {i for _, docs in (target[n] for n in ("sentences", "restated", "pictures"))
                       for i in docs}
        target_objects = set(target["bucket:media"][1])
        for name in ("sentences", "restated", "pictures"):
            for d in target[name][1].values():
                lin = d["_internal"]["lineage"]
                self.assertIn(lin["root_object_id"], target_objects)
                if lin["source_document_id"]:
                    self.assertIn(lin["source_document_id"], target_docs)

    def test_copy_keeps_vectors_and_rewrites_ids(self):
        before = self.dump(self.c)
        got, target_client = self.migrate(migration_type="copy")
        target = self.dump(target_client)
        self.assertEqual(self.dump(self.c), before, "the source must not change")
        self.check_mapping(got, before, target)
        for name in ("sentences", "restated", "pictures"):
            src_docs, tgt_docs = before[name][1], target[name][1]
            self.assertEqual(len(src_docs), len(tgt_docs))
            src_vectors = sorted(json.dumps(d.get("text_extractor_v1_embedding") or
                                            d.get("image_extractor_v1_embedding"))
                                 for d in src_docs.values())
            tgt_vectors = sorted(json.dumps(d.get("text_extractor_v1_embedding") or
                                            d.get("image_extractor_v1_embedding"))
                                 for d in tgt_docs.values())
            self.assertEqual(src_vectors, tgt_vectors)
            self.assertFalse(set(src_docs) & set(tgt_docs), "ids are new unless preserved")
        self.assertEqual(len(before["sentences"][1]), 7)

    def test_re_extract_rebuilds_named_and_downstream_collections(self):
        before = self.dump(self.c)
        got, target_client = self.migrate(migration_type="re_extract", feature_extractors=[
            {"feature_extractor_name": "text_extractor", "version": "v2"}])
        target = self.dump(target_client)
        self.assertEqual(self.dump(self.c), before)
        self.check_mapping(got, before, target)
        for name in ("sentences", "restated"):
            col, docs = target[name]
            self.assertEqual(col["feature_extractor"]["version"], "v2")
            self.assertEqual(len(docs), 7)
            for d in docs.values():
                self.assertEqual(len(d["text_extractor_v2_embedding"]), 384)
                self.assertNotIn("text_extractor_v1_embedding", d)
                self.assertEqual(d["_internal"]["features"][0]["feature_uri"],
                                 "mixpeek://text_extractor@v2/embedding")
        # The image collection is not named: copied as is.
        self.assertEqual(target["pictures"][0]["feature_extractor"]["version"], "v1")
        self.assertEqual(len(target["pictures"][1]), 1)
        ns = self.assertStatus(self.api.get("/v1/namespaces/" +
                                            got["additional_data"]["target_namespace_id"]), 200)
        versions = {e["feature_extractor_name"]: e["version"] for e in ns["feature_extractors"]}
        self.assertEqual(versions["text_extractor"], "v2")

    def test_extend_adds_vectors_beside_the_old_ones(self):
        got, target_client = self.migrate(migration_type="extend", feature_extractors=[
            {"feature_extractor_name": "image_extractor", "version": "v2"}])
        target = self.dump(target_client)
        pics = list(target["pictures"][1].values())
        self.assertEqual(len(pics), 1)
        self.assertEqual(len(pics[0]["image_extractor_v1_embedding"]), 64)
        self.assertEqual(len(pics[0]["image_extractor_v2_embedding"]), 192)
        for d in target["sentences"][1].values():
            self.assertNotIn("image_extractor_v2_embedding", d)

    def test_preserve_resource_ids(self):
        before = self.dump(self.c)
        got, target_client = self.migrate(migration_type="copy", preserve_resource_ids=True)
        target = self.dump(target_client)
        for name in ("sentences", "restated", "pictures", "bucket:media"):
            self.assertEqual(set(before[name][1]), set(target[name][1]), name)
        self.assertEqual(before["sentences"][0]["collection_id"],
                         target["sentences"][0]["collection_id"])

    def test_filter_moves_selection_with_dependencies(self):
        got, target_client = self.migrate(migration_type="copy", filters={
            "collection_ids": [self.chained["collection_id"]]})
        target = self.dump(target_client)
        self.assertIn("restated", target)
        self.assertIn("sentences", target)  # auto-included dependency
        self.assertNotIn("pictures", target)
        order = got["dependency_graph"]["execution_order"]
        self.assertEqual(order, [self.bucket["bucket_id"], self.texts["collection_id"],
                                 self.chained["collection_id"]])


if __name__ == "__main__":
    unittest.main()
