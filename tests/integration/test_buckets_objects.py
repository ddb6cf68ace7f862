"""Buckets, objects and batches over HTTP, including validation against the bucket
schema and content-addressed blob storage."""
import base64
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import PG_URL_FILE, FerryTestCase, b64_file  # noqa: E402

SCHEMA = {"properties": {
    "content": {"type": "text", "required": True},
    "title": {"type": "string"},
    "rank": {"type": "integer"},
    "score": {"type": "number"},
    "published": {"type": "boolean"},
    "tags": {"type": "array"},
    "meta": {"type": "object"},
    "photo": {"type": "image"},
}}


class BucketObjectTest(FerryTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.api.post("/v1/namespaces", {"namespace_name": "objs", "feature_extractors": [
            {"feature_extractor_name": "text_extractor", "version": "v1"}]})
        cls.c = cls.server.client(namespace="objs")
        status, cls.bucket = cls.c.post("/v1/buckets", {"bucket_name": "docs",
                                                        "bucket_schema": SCHEMA,
                                                        "description": "d"})
        assert status == 200, cls.bucket

    def obj_path(self, suffix=""):
        return "/v1/buckets/%s/objects%s" % (self.bucket["bucket_id"], suffix)

    def test_bucket_shape_get_by_id_and_name_list(self):
        b = self.bucket
        self.assertTrue(b["bucket_id"].startswith("bkt_"))
        self.assertEqual(b["bucket_schema"]["properties"]["content"]["type"], "text")
        self.assertEqual(b["status"], "ACTIVE")
        self.assertEqual(self.assertStatus(self.c.get("/v1/buckets/docs"), 200)["bucket_id"],
                         b["bucket_id"])
        listed = self.assertStatus(self.c.post("/v1/buckets/list"), 200)
        self.assertIn(b["bucket_id"], [x["bucket_id"] for x in listed["results"]])
        self.assertStatus(self.c.post("/v1/buckets", {"bucket_name": "docs",
                                                      "bucket_schema": SCHEMA}), 409)

    def test_bucket_validation(self):
        cases = [
            ({"bucket_schema": SCHEMA}, ["body", "bucket_name"]),
            ({"bucket_name": "x"}, ["body", "bucket_schema"]),
            ({"bucket_name": "x", "bucket_schema": {"properties": {"a": {"type": "blob"}}}},
             ["body", "bucket_schema", "properties", "a", "type"]),
            ({"bucket_name": "x", "bucket_schema": {"properties": []}},
             ["body", "bucket_schema", "properties"]),
        ]
        for body, loc in cases:
            with self.subTest(body=body):
                err = self.assertStatus(self.c.post("/v1/buckets", body), 422)
                self.assertIn(loc, [d["loc"] for d in err["detail"]])

    def test_object_with_every_blob_type_round_trips(self):
        png = b64_file("red_16x16.png")
        body = {"key_prefix": "/a", "blobs": [
            {"property": "content", "type": "text", "data": "hello world"},
            {"property": "title", "type": "string", "data": "T"},
            {"property": "rank", "type": "integer", "data": 3},
            {"property": "score", "type": "number", "data": 0.5},
            {"property": "published", "type": "boolean", "data": True},
            {"property": "tags", "type": "array", "data": ["a", "b"]},
            {"property": "meta", "type": "object", "data": {"k": "v"}},
            {"property": "photo", "type": "image", "data": png},
        ]}
        obj = self.assertStatus(self.c.post(self.obj_path(), body), 200)
        self.assertTrue(obj["object_id"].startswith("obj_"))
        blobs = {b["property"]: b for b in obj["blobs"]}
        self.assertEqual(blobs["rank"]["properties"]["data"], 3)
        self.assertEqual(blobs["meta"]["properties"]["data"], {"k": "v"})
        self.assertEqual(blobs["photo"]["details"]["mime_type"], "image/png")
        self.assertEqual(blobs["photo"]["details"]["size_bytes"], len(base64.b64decode(png)))
        self.assertEqual(len(blobs["photo"]["details"]["hash"]), 64)
        got = self.assertStatus(self.c.get(self.obj_path("/" + obj["object_id"])), 200)
        self.assertEqual(got, obj)
        # Content-addressed: the PNG is stored once under its SHA-256 (as a file of the
        # embedded store; PostgreSQL keeps it in a table, checked by its conformance suite).
        h = blobs["photo"]["details"]["hash"]
        self.assertTrue(PG_URL_FILE or os.path.exists(os.path.join(self.server.data_dir, "blobs", h[:2], h[2:]))
                        or any(h in f for _, _, fs in os.walk(
                            os.path.join(self.server.data_dir, "blobs")) for f in fs))
        bucket = self.assertStatus(self.c.get("/v1/buckets/" + self.bucket["bucket_id"]), 200)
        self.assertGreaterEqual(bucket["object_count"], 1)
        self.assertGreater(bucket["total_size_bytes"], 0)

    def test_object_validation_against_schema(self):
        cases = [
            ({"blobs": [{"property": "nope", "type": "text", "data": "x"}]},
             ["body", "blobs", 0, "property"]),
            ({"blobs": [{"property": "content", "type": "string", "data": "x"}]},
             ["body", "blobs", 0, "type"]),
            ({"blobs": [{"property": "content", "type": "text", "data": "x"},
                        {"property": "rank", "type": "integer", "data": "three"}]},
             ["body", "blobs", 1, "data"]),
            ({"blobs": [{"property": "content", "type": "text", "data": "x"},
                        {"property": "photo", "type": "image", "data": "%%%not base64"}]},
             ["body", "blobs", 1, "data"]),
            ({"blobs": [{"property": "title", "type": "string", "data": "only title"}]},
             ["body", "blobs"]),
            ({"blobs": [{"property": "content", "type": "weird", "data": "x"}]},
             ["body", "blobs", 0, "type"]),
            ({"blobs": [{"property": "content", "type": "text"}]},
             ["body", "blobs", 0, "data"]),
        ]
        before = self.assertStatus(self.c.post(self.obj_path("/list")), 200)["pagination"]["total"]
        for body, loc in cases:
            with self.subTest(body=body):
                err = self.assertStatus(self.c.post(self.obj_path(), body), 422)
                self.assertIn(loc, [d["loc"] for d in err["detail"]])
        after = self.assertStatus(self.c.post(self.obj_path("/list")), 200)["pagination"]["total"]
        self.assertEqual(before, after, "a rejected object must not be stored")

    def test_list_and_delete_objects(self):
        ids = []
        for i in range(3):
            o = self.assertStatus(self.c.post(self.obj_path(), {"blobs": [
                {"property": "content", "type": "text", "data": "doc %d" % i}]}), 200)
            ids.append(o["object_id"])
        page = self.assertStatus(self.c.post(self.obj_path("/list?limit=2")), 200)
        self.assertEqual(len(page["results"]), 2)
        self.assertIsNotNone(page["pagination"]["next_cursor"])
        self.assertEqual(self.c.delete(self.obj_path("/" + ids[0]))[0], 204)
        self.assertStatus(self.c.get(self.obj_path("/" + ids[0])), 404)
        self.assertStatus(self.c.delete(self.obj_path("/" + ids[0])), 404)

    def test_batches(self):
        o = self.assertStatus(self.c.post(self.obj_path(), {"blobs": [
            {"property": "content", "type": "text", "data": "batch me"}]}), 200)
        path = "/v1/buckets/%s/batches" % self.bucket["bucket_id"]
        err = self.assertStatus(self.c.post(path, {"object_ids": [o["object_id"], "obj_missing"]}),
                                422)
        self.assertEqual(err["detail"][0]["loc"], ["body", "object_ids", 1])
        self.assertStatus(self.c.post(path, {}), 422)
        batch = self.assertStatus(self.c.post(path, {"object_ids": [o["object_id"]]}), 200)
        self.assertTrue(batch["batch_id"].startswith("btch_"))
        self.assertEqual(batch["status"], "DRAFT")
        got = self.assertStatus(self.c.get(path + "/" + batch["batch_id"]), 200)
        self.assertEqual(got["object_ids"], [o["object_id"]])
        task = self.assertStatus(self.c.post(path + "/" + batch["batch_id"] + "/submit"), 200)
        self.assertEqual(task["task_type"], "api_buckets_batches_submit")
        done = self.wait_task(self.c, task["task_id"])
        self.assertEqual(done["status"], "COMPLETED")
        again = self.c.post(path + "/" + batch["batch_id"] + "/submit")
        self.assertStatus(again, 409)
        self.assertStatus(self.c.get(path + "/btch_nope"), 404)

    def test_bucket_list_pages_from_the_body(self):
        # Regression: POST /v1/buckets/list read limit and offset from the query string
        # and ignored ListBucketsRequest's body.
        self.api.post("/v1/namespaces", {"namespace_name": "bpages", "feature_extractors": [
            {"feature_extractor_name": "text_extractor", "version": "v1"}]})
        c = self.server.client(namespace="bpages")
        for i in range(3):
            self.assertStatus(c.post("/v1/buckets", {"bucket_name": "b%d" % i,
                                                     "bucket_schema": SCHEMA}), 200)
        everything = [b["bucket_id"] for b in
                      self.assertStatus(c.post("/v1/buckets/list"), 200)["results"]]
        self.assertEqual(len(everything), 3)
        first = self.assertStatus(c.post("/v1/buckets/list", {"limit": 2}), 200)
        self.assertEqual([b["bucket_id"] for b in first["results"]], everything[:2])
        self.assertEqual(first["pagination"]["total"], 3)
        rest = self.assertStatus(c.post("/v1/buckets/list", {"limit": 2, "offset": 2}), 200)
        self.assertEqual([b["bucket_id"] for b in rest["results"]], everything[2:])
        # Mixpeek's operation has no query parameters: the body alone pages.
        ignored = self.assertStatus(c.post("/v1/buckets/list?limit=1&offset=1", {}), 200)
        self.assertEqual(len(ignored["results"]), 3)
        for body, loc in [({"limit": 0}, "limit"), ({"limit": 1001}, "limit"),
                          ({"offset": -1}, "offset"), ({"limit": None}, "limit"),
                          ({"search": "b1"}, "search"),
                          ({"filters": {"bucket_name": "b1"}}, "filters"),
                          ({"sort": {"field": "bucket_name"}}, "sort")]:
            with self.subTest(body=body):
                err = self.assertStatus(c.post("/v1/buckets/list", body), 422)
                self.assertEqual([d["loc"] for d in err["detail"]], [["body", loc]])
        # Defaults sent explicitly are no filter.
        self.assertEqual(len(self.assertStatus(c.post("/v1/buckets/list", {
            "filters": None, "sort": {}, "search": "", "case_sensitive": False}),
            200)["results"]), 3)

    def test_object_list_refuses_filters_it_does_not_apply(self):
        # Regression: filters, sort, search and select were ignored (an unfiltered list).
        for key, value in [("filters", {"AND": [{"field": "key_prefix", "value": "x"}]}),
                           ("sort", {"field": "created_at"}), ("search", "doc"),
                           ("select", ["object_id"])]:
            with self.subTest(key=key):
                err = self.assertStatus(self.c.post(self.obj_path("/list"), {key: value}), 422)
                self.assertEqual([d["loc"] for d in err["detail"]], [["body", key]])
        self.assertStatus(self.c.post(self.obj_path("/list"), {
            "filters": None, "sort": None, "search": "", "select": []}), 200)

    def test_delete_bucket(self):
        self.assertStatus(self.c.post("/v1/buckets", {"bucket_name": "gone",
                                                      "bucket_schema": SCHEMA}), 200)
        self.assertStatus(self.c.delete("/v1/buckets/gone"), 200)
        self.assertStatus(self.c.get("/v1/buckets/gone"), 404)
        self.assertStatus(self.c.delete("/v1/buckets/gone"), 404)


if __name__ == "__main__":
    unittest.main()
