"""Clones over HTTP (issue 13 §1), answering as Mixpeek's spec says (validated against
/openapi.json).
- POST /v1/namespaces/{id}/clone starts a copy migration into a new namespace. Once its
  task completes the clone holds what the source holds: objects with their blobs,
  documents with the same fields and vectors, the retriever (which finds the same
  documents), the collection. The description override, include_resources.
- POST /v1/collections/{id}/clone makes a new collection in the same namespace holding
  copies of the source's documents (same fields, vectors and lineage); with another
  extractor configuration it starts empty and is filled by processing its source.
Also: bad input (422 with its location), unknown or another organization's source (404),
a taken name (409)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import FerryTestCase, wait_task  # noqa: E402

URI = "mixpeek://text_extractor@v1/embedding"
VECTOR_KEY = "text_extractor_v1_embedding"
TEXT = [{"feature_extractor_name": "text_extractor", "version": "v1"}]
TEXTS = [("red apples and green pears", 3), ("the quick brown fox", 1),
         ("apple pie recipe with cinnamon", 5), ("stock market news today", 2),
         ("green tea and matcha", 4)]
SEARCH = {"stage_name": "search", "stage_type": "filter",
          "config": {"stage_id": "feature_search", "parameters": {
              "searches": [{"feature_uri": URI, "top_k": 10,
                            "query": {"input_mode": "text", "text": "{{inputs.query}}"}}],
              "final_top_k": 3}}}


def locs(body):
    return [tuple(d["loc"]) for d in body["detail"]]


class CloneTest(FerryTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.api.post("/v1/namespaces", {"namespace_name": "clone-src", "description": "source",
                                        "feature_extractors": TEXT})
        cls.c = cls.server.client(namespace="clone-src")
        cls.source_id = cls.c.get("/v1/namespaces/clone-src")[1]["namespace_id"]
        schema = {"properties": {"content": {"type": "text"}, "rank": {"type": "integer"}}}
        cls.bucket = cls.c.post("/v1/buckets", {"bucket_name": "docs",
                                                "bucket_schema": schema})[1]
        bid = cls.bucket["bucket_id"]
        cls.c.post("/v1/buckets", {"bucket_name": "unused", "bucket_schema": schema})
        col = cls.c.post("/v1/collections", {
            "collection_name": "texts", "source": {"type": "bucket", "bucket_ids": [bid]},
            "feature_extractor": {"feature_extractor_name": "text_extractor", "version": "v1",
                                  "input_mappings": {"text": "content"},
                                  "field_passthrough": [{"source_path": "rank"}]}})[1]
        cls.cid = col["collection_id"]
        ids = []
        for text, rank in TEXTS:
            ids.append(cls.c.post("/v1/buckets/%s/objects" % bid, {"blobs": [
                {"property": "content", "type": "text", "data": text},
                {"property": "rank", "type": "integer", "data": rank}]})[1]["object_id"])
        batch = cls.c.post("/v1/buckets/%s/batches" % bid, {"object_ids": ids})[1]
        task = cls.c.post("/v1/buckets/%s/batches/%s/submit" % (bid, batch["batch_id"]))[1]
        wait_task(cls.c, task["task_id"])
        cls.retriever = cls.c.post("/v1/retrievers", {
            "retriever_name": "finder", "collection_identifiers": [cls.cid],
            "stages": [SEARCH], "input_schema": {"query": {"type": "text"}}})[1]["retriever"]

    def clone(self, body, status=200, source="clone-src", client=None):
        return self.assertStatus((client or self.c).post(
            "/v1/namespaces/%s/clone" % source, body), status)

    def clone_done(self, body):
        out = self.clone(body)
        self.wait_task(self.c, out["task_id"], want=("COMPLETED",))
        return out

    def client_for(self, namespace):
        """self.c's connection, addressing `namespace`."""
        class In:
            def post(_, path, body):
                return self.c.post(path, body, namespace=namespace)
        return In()

    def content(self, namespace):
        """What a namespace holds, without its ids: buckets, objects (blobs), collections,
        documents (fields and vectors), retrievers."""
        c = self.client_for(namespace)
        buckets = self.assertStatus(c.post("/v1/buckets/list", {}), 200)["results"]
        objects = []
        for b in buckets:
            listed = c.post("/v1/buckets/%s/objects/list?limit=100" % b["bucket_id"], {})[1]
            for o in listed["results"]:
                objects.append((b["bucket_name"], sorted(
                    (x["property"], x["type"], str(x.get("data"))) for x in o["blobs"])))
        cols = self.assertStatus(c.post("/v1/collections/list", {}), 200)["results"]
        docs = []
        for col in cols:
            page = c.post("/v1/collections/%s/documents/list?limit=100" % col["collection_id"],
                          {"return_vectors": True})[1]
            for d in page["results"]:
                docs.append((col["collection_name"], d["text"], d.get("rank"), d[VECTOR_KEY]))
        rets = self.assertStatus(c.post("/v1/retrievers/list", {}), 200)["results"]
        return {"buckets": sorted(b["bucket_name"] for b in buckets),
                "objects": sorted(objects),
                "collections": sorted(c["collection_name"] for c in cols),
                "documents": sorted(docs),
                "retrievers": sorted(r["retriever_name"] for r in rets)}

    def search(self, namespace, query):
        c = self.client_for(namespace)
        rets = c.post("/v1/retrievers/list", {})[1]["results"]
        rid = [r for r in rets if r["retriever_name"] == "finder"][0]["retriever_id"]
        out = self.assertStatus(c.post("/v1/retrievers/%s/execute" % rid,
                                       {"inputs": {"query": query}}), 200)
        return [d["text"] for d in out["documents"]]

    def test_clone_copies_everything(self):
        out = self.clone_done({"namespace_name": "clone-full"})
        ns = out["namespace"]
        self.assertEqual(out["source_namespace_id"], self.source_id)
        self.assertEqual(out["status"], "cloning")
        self.assertIsNone(out["cloned_resources"])
        self.assertTrue(ns["namespace_id"].startswith("ns_"))
        self.assertNotEqual(ns["namespace_id"], self.source_id)
        self.assertEqual(ns["namespace_name"], "clone-full")
        self.assertEqual(ns["description"], "source")
        got = self.assertStatus(self.api.get("/v1/namespaces/clone-full"), 200)
        self.assertEqual(got["namespace_id"], ns["namespace_id"])
        self.assertEqual(got["feature_extractors"], ns["feature_extractors"])
        self.assertEqual(got["description"], "source")
        source = self.content("clone-src")
        self.assertEqual(len(source["documents"]), len(TEXTS))
        self.assertEqual(source["buckets"], ["docs", "unused"])
        self.assertEqual(self.content("clone-full"), source)
        self.assertEqual(got["document_count"], len(TEXTS))
        self.assertEqual(got["object_count"], len(TEXTS))
        query = "green apples"
        self.assertEqual(self.search("clone-full", query), self.search("clone-src", query))
        # The task is the migration's: a copy from the source, listed with the migrations.
        task = self.assertStatus(self.c.get("/v1/tasks/%s" % out["task_id"]), 200)
        self.assertEqual(task["status"], "COMPLETED")
        migs = self.assertStatus(self.api.post("/v1/namespaces/migrations/list", {
            "source_namespace_id": "clone-src"}), 200)["results"]
        mine = [m for m in migs if m["task_id"] == out["task_id"]]
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine[0]["config"]["migration_type"], "copy")
        self.assertEqual(mine[0]["config"]["target_namespace_id"], ns["namespace_id"])
        self.assertEqual(mine[0]["status"], "completed")

    def test_description_override_and_resource_selection(self):
        out = self.clone_done({"namespace_name": "clone-cols", "description": "staging",
                               "include_resources": {"collections": True,
                                                     "retrievers": False}})
        self.assertEqual(out["namespace"]["description"], "staging")
        got = self.assertStatus(self.api.get("/v1/namespaces/clone-cols"), 200)
        self.assertEqual(got["description"], "staging")
        content, source = self.content("clone-cols"), self.content("clone-src")
        self.assertEqual(content["retrievers"], [])
        self.assertEqual(content["documents"], source["documents"])
        self.assertEqual(content["buckets"], ["docs"])  # only what the collections read
        body = self.clone({"namespace_name": "clone-none", "include_resources": {
            "collections": False, "retrievers": False}}, 422)
        self.assertEqual(locs(body), [("body", "include_resources")])
        self.assertIn("only buckets", body["detail"][0]["msg"])
        self.assertStatus(self.api.get("/v1/namespaces/clone-none"), 404)

    def test_by_id_and_bad_input(self):
        out = self.clone({"namespace_name": "clone-by-id"}, source=self.source_id)
        self.assertEqual(out["source_namespace_id"], self.source_id)
        self.wait_task(self.c, out["task_id"], want=("COMPLETED",))
        self.assertEqual(locs(self.clone({}, 422)), [("body", "namespace_name")])
        self.assertEqual(locs(self.clone({"namespace_name": ""}, 422)),
                         [("body", "namespace_name")])
        self.assertEqual(locs(self.clone({"namespace_name": "a/b"}, 422)),
                         [("body", "namespace_name")])
        self.assertEqual(locs(self.clone({"namespace_name": "x" * 101}, 422)),
                         [("body", "namespace_name")])
        self.assertEqual(locs(self.clone({"namespace_name": "ok", "include_resources": {
            "collections": "yes"}}, 422)), [("body", "include_resources", "collections")])
        self.assertEqual(locs(self.clone([], 422)), [("body",)])
        self.clone({"namespace_name": "clone-src"}, 409)
        self.clone({"namespace_name": "clone-x"}, 404, source="no-such-namespace")
        self.clone({"namespace_name": "clone-x", "source_organization_id": "org_other"}, 403)
        status = self.c.raw("POST", "/v1/namespaces/clone-src/clone", b"{oops", {
            "Authorization": "Bearer " + self.c.key})[0]
        self.assertEqual(status, 400)
        self.assertStatus(self.api.get("/v1/namespaces/clone-x"), 404)

    def test_other_organization_cannot_clone(self):
        other = self.server.client(key=self.server.create_key("org_clone_other"))
        self.clone({"namespace_name": "stolen"}, 404, client=other)
        self.clone({"namespace_name": "stolen"}, 404, source=self.source_id, client=other)
        other.post("/v1/namespaces", {"namespace_name": "theirs", "feature_extractors": TEXT})
        self.clone({"namespace_name": "stolen"}, 404, source="theirs")
        self.assertStatus(other.get("/v1/namespaces/stolen"), 404)
        self.assertStatus(self.api.get("/v1/namespaces/stolen"), 404)


    # Collection clones.

    def docs_of(self, collection_id):
        page = self.assertStatus(self.c.post(
            "/v1/collections/%s/documents/list?limit=100" % collection_id,
            {"return_vectors": True}), 200)
        return page["results"]

    def comparable(self, docs):
        return sorted((d["text"], d.get("rank"), d[VECTOR_KEY],
                       d["_internal"]["lineage"]["root_object_id"]) for d in docs)

    def test_collection_clone_copies_the_documents(self):
        out = self.assertStatus(self.c.post("/v1/collections/texts/clone", {
            "collection_name": "texts-copy", "description": "a copy",
            "metadata": {"team": "search"}}), 201)
        col = out["collection"]
        self.assertEqual(out["source_collection_id"], self.cid)
        self.assertNotEqual(col["collection_id"], self.cid)
        self.assertEqual(col["collection_name"], "texts-copy")
        self.assertEqual(col["description"], "a copy")
        self.assertEqual(col["metadata"], {"team": "search"})
        self.assertEqual(col["source"]["bucket_ids"], [self.bucket["bucket_id"]])
        source_docs, copies = self.docs_of(self.cid), self.docs_of(col["collection_id"])
        self.assertEqual(len(copies), len(TEXTS))
        self.assertEqual(self.comparable(copies), self.comparable(source_docs))
        self.assertFalse({d["document_id"] for d in copies} & {d["document_id"]
                                                               for d in source_docs})
        self.assertTrue(all(d["collection_id"] == col["collection_id"] for d in copies))
        got = self.assertStatus(self.c.get("/v1/collections/texts-copy"), 200)
        self.assertEqual(got["collection_id"], col["collection_id"])
        self.assertEqual(self.docs_of(self.cid), source_docs)  # the source is unchanged
        # By id, with a different extractor configuration: no copies; processing fills it.
        other = self.assertStatus(self.c.post("/v1/collections/%s/clone" % self.cid, {
            "collection_name": "texts-no-rank", "feature_extractor": {
                "feature_extractor_name": "text_extractor", "version": "v1",
                "input_mappings": {"text": "content"}}}), 201)["collection"]
        self.assertEqual(self.docs_of(other["collection_id"]), [])
        bid = self.bucket["bucket_id"]
        ids = [o["object_id"] for o in self.c.post(
            "/v1/buckets/%s/objects/list?limit=100" % bid, {})[1]["results"]]
        batch = self.c.post("/v1/buckets/%s/batches" % bid, {"object_ids": ids})[1]
        task = self.c.post("/v1/buckets/%s/batches/%s/submit" % (bid, batch["batch_id"]))[1]
        self.wait_task(self.c, task["task_id"], want=("COMPLETED",))
        made = self.docs_of(other["collection_id"])
        self.assertEqual(sorted(d["text"] for d in made), sorted(t for t, _ in TEXTS))
        self.assertTrue(all("rank" not in d for d in made))

    def test_collection_clone_bad_input(self):
        path = "/v1/collections/texts/clone"
        for body, loc in [({}, ("body", "collection_name")),
                          ({"collection_name": ""}, ("body", "collection_name")),
                          ({"collection_name": "a/b"}, ("body", "collection_name")),
                          ({"collection_name": "ab"}, ("body", "collection_name")),
                          ({"collection_name": "okay", "enabled": "maybe"}, ("body", "enabled")),
                          ({"collection_name": "okay", "metadata": [1]}, ("body", "metadata"))]:
            with self.subTest(body=body):
                self.assertEqual(locs(self.assertStatus(self.c.post(path, body), 422)), [loc])
        self.assertStatus(self.c.post(path, {
            "collection_name": "okay", "source": {"type": "bucket", "bucket_ids": ["bkt_nope"]}}),
            404)
        self.assertStatus(self.c.post(path, {"collection_name": "texts"}), 409)
        self.assertStatus(self.c.post("/v1/collections/col_missing/clone",
                                      {"collection_name": "xyz"}), 404)
        other = self.server.client(key=self.server.create_key("org_clone_col"),
                                   namespace="clone-src")
        self.assertStatus(other.post(path, {"collection_name": "stolen"}), 404)
        self.assertStatus(other.post("/v1/collections/%s/clone" % self.cid,
                                     {"collection_name": "stolen"}), 404)
        listed = self.c.post("/v1/collections/list", {})[1]["results"]
        self.assertFalse({"okay", "ab", "xyz", "stolen"} & {c["collection_name"] for c in listed})


if __name__ == "__main__":
    unittest.main()
