"""The document write endpoints over HTTP (issue 13 §1): create, replace, patch and delete
one document; batch update and delete by ids or filters; bulk update. Every response is
validated against /openapi.json. Also: bad input (422 with its location), another
organization's collection (404), and a retriever search that sees a created document and
stops seeing it once deleted."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import FerryTestCase, wait_task  # noqa: E402

TEXT = [{"feature_extractor_name": "text_extractor", "version": "v1"}]
EXTRACTOR_ID = "text_extractor_v1"
DIMS = 256
QUERY = "alpha beta gamma delta"


def feature(values, name="embedding", extractor=EXTRACTOR_ID):
    return {"feature_extractor_id": extractor, "vectors": {name: values}}


def locs(body):
    return [tuple(d["loc"]) for d in body["detail"]]


class DocumentsWriteTest(FerryTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.api.post("/v1/namespaces", {"namespace_name": "docs-w", "feature_extractors": TEXT})
        cls.c = cls.server.client(namespace="docs-w")
        schema = {"properties": {"content": {"type": "text"}}}
        bucket = cls.c.post("/v1/buckets", {"bucket_name": "b", "bucket_schema": schema})[1]
        cls.col = cls.c.post("/v1/collections", {
            "collection_name": "texts",
            "source": {"type": "bucket", "bucket_ids": [bucket["bucket_id"]]},
            "feature_extractor": {"feature_extractor_name": "text_extractor", "version": "v1",
                                  "input_mappings": {"text": "content"}}})[1]
        cls.cid = cls.col["collection_id"]
        cls.docs = "/v1/collections/%s/documents" % cls.cid
        # One processed document gives the embedding of QUERY (the extractor is
        # deterministic), so a manual document with that vector is the query's best match.
        obj = cls.c.post("/v1/buckets/%s/objects" % bucket["bucket_id"], {"blobs": [
            {"property": "content", "type": "text", "data": QUERY}]})[1]
        path = "/v1/buckets/%s/batches" % bucket["bucket_id"]
        batch = cls.c.post(path, {"object_ids": [obj["object_id"]]})[1]
        task = cls.c.post(path + "/%s/submit" % batch["batch_id"])[1]
        wait_task(cls.c, task["task_id"])
        page = cls.c.post(cls.docs + "/list", {"return_vectors": True})[1]
        cls.query_vector = page["results"][0]["text_extractor_v1_embedding"]
        cls.processed_id = page["results"][0]["document_id"]
        assert len(cls.query_vector) == DIMS

    def create(self, **body):
        body.setdefault("collection_id", self.cid)
        return self.assertStatus(self.c.post(self.docs, body), 200)

    def count(self):
        return len(self.c.post(self.docs + "/list?limit=1000", {})[1]["results"])

    def get(self, doc_id, status=200):
        return self.assertStatus(self.c.get("%s/%s" % (self.docs, doc_id)), status)

    def test_create_get_replace_patch_delete(self):
        d = self.create(metadata={"status": "new", "n": 1}, title="hello",
                        features=[feature([0.5] * DIMS)])
        doc_id = d["document_id"]
        self.assertTrue(doc_id.startswith("doc_"))
        self.assertEqual(d["collection_id"], self.cid)
        self.assertEqual(d["metadata"], {"status": "new", "n": 1})
        self.assertEqual(d["title"], "hello")
        lineage = d["_internal"]["lineage"]
        self.assertEqual(lineage["root_object_id"], "")  # a manual document
        self.assertEqual([f["dimensions"] for f in d["_internal"]["features"]], [DIMS])
        got = self.get(doc_id)
        self.assertEqual(got["metadata"], {"status": "new", "n": 1})

        patched = self.assertStatus(self.c.patch("%s/%s" % (self.docs, doc_id), {
            "metadata.status": "done", "metadata": {"n": None, "extra": True}, "title": None}),
            200)
        self.assertEqual(patched["metadata"], {"status": "done", "extra": True})
        self.assertNotIn("title", patched)
        self.assertEqual(len(patched["_internal"]["features"]), 1)  # vectors kept

        replaced = self.assertStatus(self.c.call("PUT", "%s/%s" % (self.docs, doc_id), {
            "document_id": doc_id, "other": [1, 2], "_internal": {"ignored": True}}), 200)
        self.assertEqual(replaced["other"], [1, 2])
        self.assertNotIn("metadata", replaced)
        self.assertEqual(self.get(doc_id)["other"], [1, 2])

        deleted = self.assertStatus(self.c.delete("%s/%s" % (self.docs, doc_id)), 200)
        self.assertTrue(deleted["success"])
        self.get(doc_id, 404)
        self.assertStatus(self.c.delete("%s/%s" % (self.docs, doc_id)), 404)
        self.assertStatus(self.c.patch("%s/%s" % (self.docs, doc_id), {"a": 1}), 404)

    def test_create_by_collection_name_with_source_object(self):
        d = self.assertStatus(self.c.post("/v1/collections/texts/documents", {
            "collection_id": "texts", "source_object_id": "obj_x", "root_bucket_id": "bkt_x"}),
            200)
        self.assertEqual(d["collection_id"], self.cid)
        lineage = d["_internal"]["lineage"]
        self.assertEqual(lineage["root_object_id"], "obj_x")
        self.assertEqual(lineage["source_object_id"], "obj_x")
        self.assertEqual(lineage["source_type"], "bucket")
        self.assertEqual(d["_internal"]["features"], [])

    def test_bad_input_is_422_with_its_location_and_nothing_is_stored(self):
        before = self.count()
        body = self.assertStatus(self.c.post(self.docs, {
            "collection_id": self.cid, "features": [feature([1.0, 2.0])]}), 422)
        self.assertEqual(locs(body), [("body", "features", 0, "vectors", "embedding")])
        self.assertIn("256", body["detail"][0]["msg"])
        body = self.assertStatus(self.c.post(self.docs, {
            "collection_id": self.cid, "features": [feature([0.0] * DIMS, extractor="x_v1")]}),
            422)
        self.assertEqual(locs(body), [("body", "features", 0, "feature_extractor_id")])
        body = self.assertStatus(self.c.post(self.docs, {"collection_id": "col_other"}), 422)
        self.assertEqual(locs(body), [("body", "collection_id")])
        body = self.assertStatus(self.c.post(self.docs, {"metadata": []}), 422)
        self.assertEqual(locs(body), [("body", "collection_id"), ("body", "metadata")])
        self.assertEqual(self.count(), before)
        d = self.create()
        body = self.assertStatus(self.c.call("PUT", "%s/%s" % (self.docs, d["document_id"]), {
            "features": [feature([1.0] * 3)]}), 422)
        self.assertEqual(locs(body), [("body", "features", 0, "vectors", "embedding")])
        body = self.assertStatus(self.c.patch("%s/%s" % (self.docs, d["document_id"]), {
            "root_object_id": "obj_1"}), 422)
        self.assertEqual(locs(body), [("body", "root_object_id")])
        self.assertStatus(self.c.call("POST", self.docs + "/batch", {"updates": []}), 422)
        self.assertStatus(self.c.call("DELETE", self.docs + "/batch", {}), 422)
        self.assertStatus(self.c.patch(self.docs + "/bulk", {"filters": {"a": 1}}), 422)
        status, body = self.c.raw("POST", self.docs, b"{not json", {
            "Authorization": "Bearer " + self.c.key, "X-Namespace": "docs-w"})[:2]
        self.assertEqual(status, 400)

    def test_batch_update_and_delete_by_ids(self):
        a = self.create(metadata={"k": "batch"})["document_id"]
        b = self.create(metadata={"k": "batch"})["document_id"]
        r = self.assertStatus(self.c.post(self.docs + "/batch", {"updates": [
            {"document_id": a, "update_data": {"metadata.v": 1}},
            {"document_id": "doc_missing", "update_data": {"x": 1}},
            {"document_id": b, "update_data": {"metadata": {"v": 2}, "tag": "t"}}]}), 200)
        self.assertEqual((r["updated_count"], r["failed_count"]), (2, 1))
        self.assertEqual([(x["document_id"], x["success"]) for x in r["results"]],
                         [(a, True), ("doc_missing", False), (b, True)])
        self.assertEqual(r["results"][1]["error"], "document not found")
        self.assertEqual(self.get(a)["metadata"], {"k": "batch", "v": 1})
        self.assertEqual(self.get(b)["metadata"], {"k": "batch", "v": 2})
        self.assertEqual(self.get(b)["tag"], "t")

        r = self.assertStatus(self.c.call("DELETE", self.docs + "/batch", {
            "document_ids": [a, "doc_missing"]}), 200)
        self.assertEqual((r["deleted_count"], r["failed_count"]), (1, 1))
        self.get(a, 404)
        self.get(b)

    def test_filters_select_documents_for_batch_and_bulk(self):
        ids = [self.create(metadata={"group": "f", "n": n}, label="L%d" % n)["document_id"]
               for n in range(4)]
        r = self.assertStatus(self.c.patch(self.docs + "/bulk", {
            "filters": {"AND": [{"field": "metadata.group", "operator": "eq", "value": "F"},
                                {"field": "metadata.n", "operator": "gte", "value": 2}]},
            "update_data": {"metadata.big": True}}), 200)
        self.assertEqual(r["updated_count"], 2)
        self.assertEqual([self.get(i)["metadata"].get("big") for i in ids],
                         [None, None, True, True])
        r = self.assertStatus(self.c.post(self.docs + "/batch", {
            "filters": {"OR": [{"field": "label", "value": "L0"},
                               {"field": "label", "operator": "in", "value": ["L3"]}],
                        "case_sensitive": True},
            "update_data": {"picked": 1}}), 200)
        self.assertEqual((r["updated_count"], r["results"]), (2, []))
        self.assertEqual([self.get(i).get("picked") for i in ids], [1, None, None, 1])
        r = self.assertStatus(self.c.call("DELETE", self.docs + "/batch", {
            "filters": {"metadata.group": "f", "NOT": [{"field": "picked", "operator": "exists",
                                                        "value": True}]}}), 200)
        self.assertEqual(r["deleted_count"], 2)
        self.get(ids[1], 404)
        self.get(ids[2], 404)
        self.get(ids[0])

    def test_another_organizations_collection_is_not_found(self):
        d = self.create()
        key = self.server.create_key("docs-write-other")
        other = self.server.client(key=key)
        other.post("/v1/namespaces", {"namespace_name": "docs-w", "feature_extractors": TEXT})
        theirs = self.server.client(key=key, namespace="docs-w")
        doc = "%s/%s" % (self.docs, d["document_id"])
        self.assertStatus(theirs.post(self.docs, {"collection_id": self.cid}), 404)
        self.assertStatus(theirs.patch(doc, {"a": 1}), 404)
        self.assertStatus(theirs.call("PUT", doc, {"a": 1}), 404)
        self.assertStatus(theirs.delete(doc), 404)
        self.assertStatus(theirs.call("DELETE", self.docs + "/batch",
                                      {"document_ids": [d["document_id"]]}), 404)
        self.assertStatus(theirs.patch(self.docs + "/bulk", {"update_data": {"a": 1}}), 404)
        self.assertStatus(theirs.post(self.docs + "/batch", {"updates": [
            {"document_id": d["document_id"], "update_data": {"a": 1}}]}), 404)
        # Addressing the first organization's namespace by id does not help either.
        ns_id = self.c.get("/v1/namespaces/docs-w")[1]["namespace_id"]
        self.assertStatus(theirs.delete(doc, namespace=ns_id), 404)
        self.assertNotIn("a", self.get(d["document_id"]))

    def test_a_retriever_sees_created_and_deleted_documents(self):
        stage = {"stage_name": "search", "stage_type": "filter", "config": {
            "stage_id": "feature_search", "parameters": {
                "searches": [{"feature_uri": "mixpeek://text_extractor@v1/embedding",
                              "top_k": 10, "query": {"input_mode": "text", "text": QUERY}}],
                "final_top_k": 10}}}
        ret = self.assertStatus(self.c.post("/v1/retrievers", {
            "retriever_name": "docs-w-search", "collection_identifiers": [self.cid],
            "stages": [stage], "input_schema": {}}), 200)["retriever"]
        execute = "/v1/retrievers/%s/execute" % ret["retriever_id"]

        def found():
            r = self.assertStatus(self.c.post(execute, {"inputs": {}}), 200)
            return [d["document_id"] for d in r["documents"]]

        self.assertIn(self.processed_id, found())
        d = self.create(features=[feature(self.query_vector)])["document_id"]
        self.assertIn(d, found()[:2])
        self.assertStatus(self.c.delete("%s/%s" % (self.docs, d)), 200)
        self.assertNotIn(d, found())


if __name__ == "__main__":
    unittest.main()
