"""Collections and documents over HTTP: extractor listing, collection validation, batch
processing with chunking, image decoding failures recorded per object, chained
collections, lineage, passthrough fields and vectors."""
import math
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import FerryTestCase, b64_file  # noqa: E402

DIMS = {("text_extractor", "v1"): 256, ("text_extractor", "v2"): 384,
        ("image_extractor", "v1"): 64, ("image_extractor", "v2"): 192}

SCHEMA = {"properties": {"content": {"type": "text"}, "title": {"type": "string"},
                         "photo": {"type": "image"}}}


def collection(name, source, extractor="text_extractor", version="v1", **kw):
    fx = {"feature_extractor_name": extractor, "version": version}
    fx.update(kw)
    return {"collection_name": name, "source": source, "feature_extractor": fx}


class CollectionTest(FerryTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.api.post("/v1/namespaces", {"namespace_name": "cols", "feature_extractors": [
            {"feature_extractor_name": "text_extractor", "version": "v1"}]})
        cls.c = cls.server.client(namespace="cols")

    def setUp(self):
        # Each test has its own bucket, so its batches feed only its own collections.
        name = self.id().rsplit(".", 1)[1]
        self.bucket = self.assertStatus(self.c.post("/v1/buckets", {"bucket_name": name,
                                                                    "bucket_schema": SCHEMA}), 200)
        self.bsrc = {"type": "bucket", "bucket_ids": [self.bucket["bucket_id"]]}

    def add_object(self, blobs):
        return self.assertStatus(
            self.c.post("/v1/buckets/%s/objects" % self.bucket["bucket_id"], {"blobs": blobs}),
            200)["object_id"]

    def run_batch(self, object_ids):
        path = "/v1/buckets/%s/batches" % self.bucket["bucket_id"]
        batch = self.assertStatus(self.c.post(path, {"object_ids": object_ids}), 200)
        task = self.assertStatus(self.c.post(path + "/%s/submit" % batch["batch_id"]), 200)
        self.assertIn(task["status"], ("PENDING", "IN_PROGRESS", "COMPLETED"))
        done = self.wait_task(self.c, task["task_id"])
        batch = self.assertStatus(self.c.get(path + "/" + batch["batch_id"]), 200)
        return done, batch

    def documents(self, col_id, vectors=False):
        out, offset = [], 0
        while True:
            page = self.assertStatus(self.c.post(
                "/v1/collections/%s/documents/list?limit=100&offset=%d" % (col_id, offset),
                {"return_vectors": vectors}), 200)
            out += page["results"]
            offset += len(page["results"])
            if offset >= page["pagination"]["total"] or not page["results"]:
                return out

    def test_extractor_listing_documents_every_version(self):
        listed = self.assertStatus(self.c.get("/v1/collections/features/extractors"), 200)
        found = {(e["feature_extractor_name"], e["version"]):
                 e["required_vector_indexes"][0]["index"]["dimensions"] for e in listed}
        self.assertEqual(found, DIMS)
        for e in listed:
            self.assertEqual(e["required_vector_indexes"][0]["feature_uri"],
                             "mixpeek://%s@%s/embedding" % (e["feature_extractor_name"],
                                                            e["version"]))

    def test_collection_validation(self):
        cases = [
            (collection("val-1", self.bsrc, "nope_extractor"),
             ["body", "feature_extractor", "feature_extractor_name"]),
            (collection("val-2", self.bsrc, version="v7"), ["body", "feature_extractor", "version"]),
            (collection("val-3", self.bsrc, parameters={"split_by": "words", "chunk_size": 0}),
             ["body", "feature_extractor", "parameters"]),
            (collection("val-4", self.bsrc, input_mappings={"text": "photo"}),
             ["body", "feature_extractor", "input_mappings"]),
            (collection("val-5", {"type": "bucket"}), ["body", "source", "bucket_ids"]),
            (collection("val-6", {"type": "galaxy", "bucket_ids": []}), ["body", "source", "type"]),
            ({"collection_name": "val-7", "source": self.bsrc}, ["body", "feature_extractor"]),
            (collection("ab", self.bsrc), ["body", "collection_name"]),
            (collection("has space", self.bsrc), ["body", "collection_name"]),
            (collection("val-8", self.bsrc, "image_extractor", input_mappings={"image": "content"}),
             ["body", "feature_extractor", "input_mappings"]),
        ]
        for body, loc in cases:
            with self.subTest(loc=loc):
                err = self.assertStatus(self.c.post("/v1/collections", body), 422)
                self.assertIn(loc, [d["loc"] for d in err["detail"]])
        missing = collection("val-9", {"type": "bucket", "bucket_ids": ["bkt_missing"]})
        self.assertStatus(self.c.post("/v1/collections", missing), 404)
        missing = collection("val-10", {"type": "collection", "collection_id": "col_missing"})
        self.assertStatus(self.c.post("/v1/collections", missing), 404)
        listed = self.assertStatus(self.c.post("/v1/collections/list"), 200)
        self.assertNotIn("val-1", [x["collection_name"] for x in listed["results"]])

    def test_chunking_makes_several_documents_per_object(self):
        col = self.assertStatus(self.c.post("/v1/collections", collection(
            "chunks", self.bsrc, version="v2", input_mappings={"text": "content"},
            parameters={"split_by": "words", "chunk_size": 3, "chunk_overlap": 0},
            field_passthrough=[{"source_path": "title"}])), 200)
        oid = self.add_object([
            {"property": "content", "type": "text",
             "data": "one two three four five six seven eight"},
            {"property": "title", "type": "string", "data": "Counting"}])
        task, _ = self.run_batch([oid])
        self.assertEqual(task["status"], "COMPLETED")
        docs = [d for d in self.documents(col["collection_id"], vectors=True)
                if d["_internal"]["lineage"]["root_object_id"] == oid]
        self.assertEqual(sorted(d["text"] for d in docs),
                         sorted(["one two three", "four five six", "seven eight"]))
        for d in docs:
            self.assertEqual(d["title"], "Counting")
            vec = d["text_extractor_v2_embedding"]
            self.assertEqual(len(vec), 384)
            self.assertAlmostEqual(math.sqrt(sum(x * x for x in vec)), 1.0, places=4)
            self.assertEqual(d["_internal"]["features"][0]["feature_uri"],
                             "mixpeek://text_extractor@v2/embedding")
        self.assertStatus(self.c.delete("/v1/collections/chunks"), 200)

    def test_undecodable_image_fails_its_document_only(self):
        col = self.assertStatus(self.c.post("/v1/collections", collection(
            "images", self.bsrc, "image_extractor", "v1")), 200)
        good = self.add_object([{"property": "photo", "type": "image",
                                 "data": b64_file("red_16x16.png")}])
        jpeg = self.add_object([{"property": "photo", "type": "image",
                                 "data": b64_file("gradient_32x32.jpg")}])
        bad = self.add_object([{"property": "photo", "type": "image",
                                "data": b64_file("not_an_image.png")}])
        task, batch = self.run_batch([good, bad, jpeg])
        self.assertEqual(task["status"], "COMPLETED")
        self.assertEqual(task["additional_data"]["items_failed"], 1)
        self.assertEqual(batch["status"], "COMPLETED")
        self.assertEqual(sum(batch["error_summary"].values()), 1)
        docs = {d["_internal"]["lineage"]["source_object_id"]: d
                for d in self.documents(col["collection_id"], vectors=True)}
        self.assertEqual(docs[bad]["_internal"]["metadata"]["ingestion_status"], "FAILED")
        self.assertIn("image", docs[bad]["_internal"]["metadata"]["error"])
        for ok in (good, jpeg):
            self.assertEqual(docs[ok]["_internal"]["metadata"]["ingestion_status"], "COMPLETED")
            self.assertEqual(len(docs[ok]["image_extractor_v1_embedding"]), 64)
        self.assertEqual(docs[jpeg]["width"], 32)
        self.assertStatus(self.c.delete("/v1/collections/images"), 200)

    def test_all_items_failing_fails_the_task(self):
        col = self.assertStatus(self.c.post("/v1/collections", collection(
            "allbad", self.bsrc, "image_extractor", "v2")), 200)
        bad = self.add_object([{"property": "photo", "type": "image",
                                "data": b64_file("not_an_image.png")}])
        task, batch = self.run_batch([bad])
        self.assertEqual(task["status"], "FAILED")
        self.assertIsNotNone(task["error"])
        self.assertEqual(batch["status"], "FAILED")
        self.assertStatus(self.c.delete("/v1/collections/" + col["collection_id"]), 200)

    def test_chained_collection_runs_after_its_source(self):
        base = self.assertStatus(self.c.post("/v1/collections", collection(
            "base", self.bsrc, input_mappings={"text": "content"},
            parameters={"split_by": "sentences", "chunk_size": 1})), 200)
        derived = self.assertStatus(self.c.post("/v1/collections", collection(
            "derived", {"type": "collection", "collection_id": base["collection_id"]},
            version="v2", input_mappings={"text": "text"})), 200)
        self.assertEqual(derived["source"]["inherited_bucket_ids"], [self.bucket["bucket_id"]])
        oid = self.add_object([{"property": "content", "type": "text",
                                "data": "First sentence here. Second one follows."}])
        task, batch = self.run_batch([oid])
        self.assertEqual(task["status"], "COMPLETED")
        self.assertEqual(batch["dag_tiers"][0], [base["collection_id"]])
        self.assertIn([derived["collection_id"]], batch["dag_tiers"])
        base_docs = [d for d in self.documents(base["collection_id"])
                     if d["_internal"]["lineage"]["root_object_id"] == oid]
        derived_docs = [d for d in self.documents(derived["collection_id"], vectors=True)
                        if d["_internal"]["lineage"]["root_object_id"] == oid]
        self.assertEqual(len(base_docs), 2)
        self.assertEqual(len(derived_docs), 2)
        base_ids = {d["document_id"] for d in base_docs}
        for d in derived_docs:
            lin = d["_internal"]["lineage"]
            self.assertEqual(lin["source_type"], "collection")
            self.assertIn(lin["source_document_id"], base_ids)
            self.assertEqual(lin["source_collection_id"], base["collection_id"])
            self.assertEqual(lin["root_bucket_id"], self.bucket["bucket_id"])
            self.assertEqual(len(d["text_extractor_v2_embedding"]), 384)
        # GET one document, with and without vectors.
        one = derived_docs[0]["document_id"]
        path = "/v1/collections/%s/documents/%s" % (derived["collection_id"], one)
        plain = self.assertStatus(self.c.get(path), 200)
        self.assertNotIn("text_extractor_v2_embedding", plain)
        full = self.assertStatus(self.c.get(path + "?return_vectors=true"), 200)
        self.assertEqual(len(full["text_extractor_v2_embedding"]), 384)
        self.assertStatus(self.c.get("/v1/collections/%s/documents/doc_nope"
                                     % derived["collection_id"]), 404)
        got = self.assertStatus(self.c.get("/v1/collections/derived"), 200)
        self.assertEqual(got["document_count"], 2)

    def test_resubmitting_objects_does_not_duplicate_documents(self):
        col = self.assertStatus(self.c.post("/v1/collections", collection(
            "idem", self.bsrc, input_mappings={"text": "content"})), 200)
        oid = self.add_object([{"property": "content", "type": "text", "data": "same again"}])
        self.run_batch([oid])
        first = [d["document_id"] for d in self.documents(col["collection_id"])]
        self.run_batch([oid])
        second = [d["document_id"] for d in self.documents(col["collection_id"])]
        self.assertEqual(sorted(first), sorted(second))
        self.assertStatus(self.c.delete("/v1/collections/idem"), 200)

    def test_document_list_filters_and_pages_over_matches(self):
        # Regression: documents/list ignored `filters` and returned every document.
        col = self.assertStatus(self.c.post("/v1/collections", collection(
            "filtered", self.bsrc, input_mappings={"text": "content"},
            field_passthrough=[{"source_path": "title"}])), 200)["collection_id"]
        oids = [self.add_object([
            {"property": "content", "type": "text", "data": "text number %d" % i},
            {"property": "title", "type": "string", "data": "even" if i % 2 == 0 else "odd"}])
            for i in range(5)]
        self.run_batch(oids)
        listed = self.documents(col)
        self.assertEqual(len(listed), 5)
        even = [d["document_id"] for d in listed if d["title"] == "even"]
        path = "/v1/collections/%s/documents/list" % col
        where = {"AND": [{"field": "title", "operator": "eq", "value": "EVEN"}]}
        first = self.assertStatus(self.c.post(path + "?limit=2", {"filters": where}), 200)
        self.assertEqual([d["document_id"] for d in first["results"]], even[:2])
        self.assertEqual(first["pagination"]["total"], 3)
        self.assertEqual(first["pagination"]["next_cursor"], "2")
        rest = self.assertStatus(self.c.post(path + "?limit=2", {
            "filters": where, "cursor": first["pagination"]["next_cursor"],
            "return_vectors": True}), 200)
        self.assertEqual([d["document_id"] for d in rest["results"]], even[2:])
        self.assertEqual(len(rest["results"][0]["text_extractor_v1_embedding"]), 256)
        self.assertIsNone(rest["pagination"]["next_cursor"])
        odd = self.assertStatus(self.c.post(path, {"filters": {"title": "odd"}}), 200)
        self.assertEqual(sorted(d["title"] for d in odd["results"]), ["odd", "odd"])
        for empty in [None, {}]:
            got = self.assertStatus(self.c.post(path, {"filters": empty}), 200)
            self.assertEqual(got["pagination"]["total"], 5)
        err = self.assertStatus(self.c.post(path, {"filters": {"AND": [
            {"field": "title", "operator": "nope", "value": "odd"}]}}), 422)
        self.assertEqual(err["detail"][0]["loc"], ["body", "filters", "AND", 0, "operator"])

    def test_document_list_refuses_options_it_does_not_apply(self):
        # Regression: search, sort, select and group_by were ignored (an unfiltered list).
        col = collection("unapplied", self.bsrc, input_mappings={"text": "content"})
        col_id = self.assertStatus(self.c.post("/v1/collections", col), 200)["collection_id"]
        path = "/v1/collections/%s/documents/list" % col_id
        for key, value in [("search", "text"), ("sort", {"field": "title"}),
                           ("select", ["title"]), ("group_by", "title")]:
            with self.subTest(key=key):
                err = self.assertStatus(self.c.post(path, {key: value}), 422)
                self.assertEqual([d["loc"] for d in err["detail"]], [["body", key]])
        self.assertStatus(self.c.post(path, {"search": "", "sort": None, "select": [],
                                             "group_by": None, "return_url": False}), 200)
        err = self.assertStatus(self.c.post("/v1/collections/list", {
            "filters": {"AND": [{"field": "collection_name", "value": "x"}]}, "search": "x",
            "sort": {"field": "collection_name"}}), 422)
        self.assertEqual(sorted(d["loc"][1] for d in err["detail"]), ["filters", "search", "sort"])
        self.assertStatus(self.c.post("/v1/collections/list", {"filters": {}, "sort": None}),
                          200)

    def test_document_list_cursor_is_a_non_negative_offset(self):
        # Regression: the body's cursor went through std::stoll unchecked ("-5" reached SQL
        # as a negative offset, "12abc" was read as 12).
        col = collection("cursors", self.bsrc, input_mappings={"text": "content"})
        col_id = self.assertStatus(self.c.post("/v1/collections", col), 200)["collection_id"]
        path = "/v1/collections/%s/documents/list" % col_id
        for cursor in ["-5", "12abc", "+3", " 1", "", "2147483648", "99999999999999999999"]:
            with self.subTest(cursor=cursor):
                err = self.assertStatus(self.c.post(path, {"cursor": cursor}), 422)
                self.assertEqual([d["loc"] for d in err["detail"]], [["body", "cursor"]])
        for cursor in ["0", "7", "2147483647"]:
            with self.subTest(cursor=cursor):
                self.assertStatus(self.c.post(path, {"cursor": cursor}), 200)


if __name__ == "__main__":
    unittest.main()
