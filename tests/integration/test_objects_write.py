"""The object write endpoints over HTTP (issue 13 §1): PUT and PATCH
/v1/buckets/{bucket}/objects/{object}. Every response is validated against /openapi.json.
Changing an object marks the documents derived from it — in the bucket's collection and the
collection fed by that one — for re-processing (ingestion_status PENDING); the next batch
over the object rebuilds them from its new content. Also: bad input (422 with its
location), and another organization's bucket (404)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import FerryTestCase, wait_task  # noqa: E402

TEXT = [{"feature_extractor_name": "text_extractor", "version": "v1"}]


def locs(body):
    return [tuple(d["loc"]) for d in body["detail"]]


class ObjectsWriteTest(FerryTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.api.post("/v1/namespaces", {"namespace_name": "objs-w", "feature_extractors": TEXT})
        cls.c = cls.server.client(namespace="objs-w")
        schema = {"properties": {"content": {"type": "text", "required": True},
                                 "title": {"type": "string"}}}
        cls.bucket = cls.c.post("/v1/buckets", {"bucket_name": "b", "bucket_schema": schema})[1]
        cls.first = cls.c.post("/v1/collections", {
            "collection_name": "texts",
            "source": {"type": "bucket", "bucket_ids": [cls.bucket["bucket_id"]]},
            "feature_extractor": {"feature_extractor_name": "text_extractor", "version": "v1",
                                  "input_mappings": {"text": "content"}}})[1]
        cls.second = cls.c.post("/v1/collections", {
            "collection_name": "derived",
            "source": {"type": "collection", "collection_id": cls.first["collection_id"]},
            "feature_extractor": {"feature_extractor_name": "text_extractor", "version": "v1"}})[1]
        assert "collection_id" in cls.second, cls.second

    def create(self, text, title=None):
        blobs = [{"property": "content", "type": "text", "data": text}]
        if title is not None:
            blobs.append({"property": "title", "type": "string", "data": title})
        return self.assertStatus(self.c.post("/v1/buckets/b/objects", {"blobs": blobs}), 200)

    def process(self, object_ids):
        path = "/v1/buckets/b/batches"
        batch = self.assertStatus(self.c.post(path, {"object_ids": object_ids}), 200)
        task = self.assertStatus(self.c.post(path + "/%s/submit" % batch["batch_id"]), 200)
        wait_task(self.c, task["task_id"])

    def derived(self, object_id):
        """{collection name: [(text, ingestion_status)]} of the documents from the object."""
        out = {}
        for name in ("texts", "derived"):
            docs = self.c.post("/v1/collections/%s/documents/list?limit=1000" % name, {})[1]
            out[name] = sorted(
                (d.get("text"), d["_internal"]["metadata"]["ingestion_status"])
                for d in docs["results"]
                if d["_internal"]["lineage"]["root_object_id"] == object_id)
        return out

    def path(self, obj):
        return "/v1/buckets/b/objects/" + obj["object_id"]

    def test_put_changes_blobs_marks_then_rebuilds_documents(self):
        obj = self.create("first version words", title="t1")
        self.process([obj["object_id"]])
        both = lambda text, status: {"texts": [(text, status)], "derived": [(text, status)]}
        self.assertEqual(self.derived(obj["object_id"]), both("first version words", "COMPLETED"))

        put = self.assertStatus(self.c.call("PUT", self.path(obj), {
            "key_prefix": "/docs", "skip_duplicates": True,
            "blobs": [{"property": "content", "type": "text", "data": "second version words"}]}),
            200)
        self.assertEqual(put["object_id"], obj["object_id"])
        self.assertEqual(put["key_prefix"], "/docs")
        blobs = {b["property"]: b["properties"].get("data") for b in put["blobs"]}
        self.assertEqual(blobs, {"content": "second version words", "title": "t1"})
        got = self.assertStatus(self.c.get(self.path(obj)), 200)
        self.assertEqual(got["blobs"], put["blobs"])
        # Marked, not yet rebuilt: the old content, visibly pending.
        self.assertEqual(self.derived(obj["object_id"]), both("first version words", "PENDING"))
        self.process([obj["object_id"]])
        self.assertEqual(self.derived(obj["object_id"]), both("second version words", "COMPLETED"))

    def test_patch_sets_flat_fields_and_removes_with_null(self):
        obj = self.create("patch me please", title="old title")
        self.process([obj["object_id"]])
        patched = self.assertStatus(self.c.patch(self.path(obj), {"title": "new title"}), 200)
        blobs = {b["property"]: b["properties"].get("data") for b in patched["blobs"]}
        self.assertEqual(blobs, {"content": "patch me please", "title": "new title"})
        patched = self.assertStatus(self.c.patch(self.path(obj), {"title": None}), 200)
        self.assertEqual([b["property"] for b in patched["blobs"]], ["content"])
        patched = self.assertStatus(self.c.patch(self.path(obj), {
            "content": "patched content words", "key_prefix": "/p"}), 200)
        self.assertEqual(patched["key_prefix"], "/p")
        self.assertEqual(self.derived(obj["object_id"])["texts"],
                         [("patch me please", "PENDING")])
        self.process([obj["object_id"]])
        self.assertEqual(self.derived(obj["object_id"]),
                         {"texts": [("patched content words", "COMPLETED")],
                          "derived": [("patched content words", "COMPLETED")]})
        # An empty patch changes nothing.
        same = self.assertStatus(self.c.patch(self.path(obj), {}), 200)
        self.assertEqual(same["updated_at"], patched["updated_at"])

    def test_bad_input_is_422_with_its_location_and_nothing_changes(self):
        obj = self.create("stay as I am")
        before = self.c.get(self.path(obj))[1]
        body = self.assertStatus(self.c.patch(self.path(obj), {"nope": 1, "content": 5}), 422)
        self.assertEqual(sorted(locs(body)), [("body", "content"), ("body", "nope")])
        body = self.assertStatus(self.c.patch(self.path(obj), {"content": None}), 422)
        self.assertEqual(locs(body), [("body", "content")])
        body = self.assertStatus(self.c.call("PUT", self.path(obj), {"metadata": {"a": 1}}), 422)
        self.assertEqual(locs(body), [("body", "metadata")])
        body = self.assertStatus(self.c.call("PUT", self.path(obj), {
            "blobs": [{"property": "content", "type": "image", "data": "aGk="},
                      {"property": "other", "type": "text", "data": "x"}]}), 422)
        self.assertEqual(sorted(locs(body)), [("body", "blobs", 0, "type"),
                                              ("body", "blobs", 1, "property")])
        body = self.assertStatus(self.c.call("PUT", self.path(obj), {"blobs": [{"type": "text"}]}),
                                 422)
        self.assertIn(("body", "blobs", 0, "property"), locs(body))
        self.assertStatus(self.c.call("PUT", self.path(obj), []), 422)
        status = self.c.raw("PATCH", self.path(obj), b"{oops", {
            "Authorization": "Bearer " + self.c.key, "X-Namespace": "objs-w"})[0]
        self.assertEqual(status, 400)
        self.assertEqual(self.c.get(self.path(obj))[1], before)
        self.assertStatus(self.c.patch("/v1/buckets/b/objects/obj_missing", {"title": "x"}), 404)
        self.assertStatus(self.c.call("PUT", "/v1/buckets/nobucket/objects/obj_x", {}), 404)

    def test_another_organizations_object_is_not_found(self):
        obj = self.create("private words")
        key = self.server.create_key("objs-write-other")
        other = self.server.client(key=key)
        other.post("/v1/namespaces", {"namespace_name": "objs-w", "feature_extractors": TEXT})
        theirs = self.server.client(key=key, namespace="objs-w")
        self.assertStatus(theirs.patch(self.path(obj), {"title": "x"}), 404)
        self.assertStatus(theirs.call("PUT", self.path(obj), {"key_prefix": "/x"}), 404)
        ns_id = self.c.get("/v1/namespaces/objs-w")[1]["namespace_id"]
        self.assertStatus(theirs.patch(self.path(obj), {"title": "x"}, namespace=ns_id), 404)
        got = self.c.get(self.path(obj))[1]
        self.assertEqual([b["property"] for b in got["blobs"]], ["content"])
        self.assertIsNone(got["key_prefix"])


if __name__ == "__main__":
    unittest.main()
