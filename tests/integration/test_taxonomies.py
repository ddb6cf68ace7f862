"""Taxonomies over HTTP: create/get/list/patch/delete with validation (422 with loc),
isolation between organizations, execution on a collection and on sample documents
against a hand-checkable reference set (cat / dog / car), a hierarchical taxonomy, and
taxonomy_applications enriching the documents a batch writes into a collection."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import FerryTestCase, wait_task  # noqa: E402

URI = "mixpeek://text_extractor@v1/embedding"
TEXT = [{"feature_extractor_name": "text_extractor", "version": "v1"}]
REFS = [("cat kitten meow", "feline", "pet"), ("dog puppy bark", "canine", "pet"),
        ("car engine wheels", "vehicle", "machine")]
GROUPS = [("animal cat dog kitten puppy pet", "animal"),
          ("machine car engine wheels motor", "machine")]
ITEMS = {"the kitten says meow": "feline", "a puppy likes to bark": "canine",
         "engine and wheels of a car": "vehicle"}
QUERY = [{"input_key": "query", "source_type": "payload", "path": "text"}]


class TaxonomyTest(FerryTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.api.post("/v1/namespaces", {"namespace_name": "tax", "feature_extractors": TEXT})
        cls.c = cls.server.client(namespace="tax")
        schema = {"properties": {"content": {"type": "text"}, "category": {"type": "string"},
                                 "group": {"type": "string"}, "kind": {"type": "string"}}}
        cls.buckets = {}
        for name in ("refs", "groups", "items"):
            cls.buckets[name] = cls.c.post("/v1/buckets", {"bucket_name": name,
                                                           "bucket_schema": schema})[1]["bucket_id"]
        cls.ref = cls.collection("refs", "refs", ["category", "kind"])
        cls.groups = cls.collection("groups", "groups", ["group"])
        cls.items = cls.collection("items", "items", [])
        cls.ingest("refs", [{"content": t, "category": c, "kind": k} for t, c, k in REFS])
        cls.ingest("groups", [{"content": t, "group": g} for t, g in GROUPS])
        cls.ingest("items", [{"content": t} for t in ITEMS])
        cls.retriever = cls.c.post("/v1/retrievers", {
            "retriever_name": "match", "collection_identifiers": [cls.ref],
            "input_schema": {"query": {"type": "text"}},
            "stages": [{"stage_name": "search", "stage_type": "filter",
                        "config": {"stage_id": "feature_search", "parameters": {
                            "searches": [{"feature_uri": URI, "top_k": 10, "query": {
                                "input_mode": "text", "text": "{{inputs.query}}"}}],
                            "final_top_k": 3}}}]})[1]["retriever"]["retriever_id"]

    @classmethod
    def collection(cls, name, bucket, passthrough, **extra):
        body = {"collection_name": name,
                "source": {"type": "bucket", "bucket_ids": [cls.buckets[bucket]]},
                "feature_extractor": {"feature_extractor_name": "text_extractor",
                                      "version": "v1", "input_mappings": {"text": "content"},
                                      "field_passthrough": [{"source_path": p}
                                                            for p in passthrough]}}
        body.update(extra)
        status, out = cls.c.post("/v1/collections", body)
        assert status == 200, out
        return out["collection_id"]

    @classmethod
    def ingest(cls, bucket, rows):
        bid = cls.buckets[bucket]
        ids = []
        for row in rows:
            blobs = [{"property": k, "type": "text" if k == "content" else "string", "data": v}
                     for k, v in row.items()]
            ids.append(cls.c.post("/v1/buckets/%s/objects" % bid, {"blobs": blobs})[1]["object_id"])
        path = "/v1/buckets/%s/batches" % bid
        batch = cls.c.post(path, {"object_ids": ids})[1]
        task = cls.c.post(path + "/%s/submit" % batch["batch_id"])[1]
        wait_task(cls.c, task["task_id"])
        return ids

    def flat(self, name, fields=None, **kw):
        source = {"collection_id": self.ref}
        if fields is not None:
            source["enrichment_fields"] = fields
        body = {"taxonomy_name": name, "description": "what it is",
                "config": {"taxonomy_type": "flat", "retriever_id": self.retriever,
                           "input_mappings": QUERY, "source_collection": source}}
        body.update(kw)
        return self.assertStatus(self.c.post("/v1/taxonomies", body), 200)

    def documents(self, collection):
        page = self.assertStatus(self.c.post(
            "/v1/collections/%s/documents/list?limit=100" % collection, {}), 200)
        return {d["text"]: d for d in page["results"]}

    def test_crud_and_versions(self):
        t = self.flat("crud", [{"field_path": "category"}])
        self.assertTrue(t["taxonomy_id"].startswith("tax_"))
        self.assertEqual(t["version"], 1)
        self.assertEqual(t["config"]["taxonomy_type"], "flat")
        self.assertEqual(t["config"]["source_collection"]["enrichment_fields"][0]["merge_mode"],
                         "replace")
        tid = t["taxonomy_id"]
        self.assertEqual(self.assertStatus(self.c.get("/v1/taxonomies/crud"), 200)["taxonomy_id"],
                         tid)
        patched = self.assertStatus(self.c.patch("/v1/taxonomies/" + tid, {
            "taxonomy_name": "crud2", "metadata": {"owner": "me"}}), 200)
        self.assertEqual((patched["taxonomy_name"], patched["version"]), ("crud2", 2))
        self.assertEqual(patched["metadata"], {"owner": "me"})
        self.assertStatus(self.c.get("/v1/taxonomies/%s?version=2" % tid), 200)
        self.assertStatus(self.c.get("/v1/taxonomies/%s?version=1" % tid), 404)
        listed = self.assertStatus(self.c.post("/v1/taxonomies/list", {"search": "CRUD2"}), 200)
        self.assertEqual([r["taxonomy_id"] for r in listed["results"]], [tid])
        self.assertEqual(listed["total_count"], 1)
        self.assertEqual(listed["stats"]["flat_taxonomies"], 1)
        everything = self.assertStatus(self.c.post("/v1/taxonomies/list?limit=100"), 200)
        self.assertIn(tid, [r["taxonomy_id"] for r in everything["results"]])
        self.assertStatus(self.c.delete("/v1/taxonomies/" + tid), 200)
        self.assertStatus(self.c.get("/v1/taxonomies/" + tid), 404)
        self.assertStatus(self.c.delete("/v1/taxonomies/" + tid), 404)
        self.assertStatus(self.c.patch("/v1/taxonomies/" + tid, {"description": "x"}), 404)

    def test_bad_input_is_422_with_loc(self):
        cases = [
            ({"taxonomy_name": "x"}, ["body", "config"]),
            ({"taxonomy_name": "x", "config": {"taxonomy_type": "flat", "retriever_id": "ret_no",
                                              "input_mappings": QUERY,
                                              "source_collection": {"collection_id": self.ref}}},
             ["body", "config", "retriever_id"]),
            ({"taxonomy_name": "x", "config": {
                "retriever_id": self.retriever, "input_mappings": QUERY,
                "source_collection": {"collection_id": self.ref, "enrichment_fields": [
                    {"field_path": "category", "merge_mode": "merge"}]}}},
             ["body", "config", "source_collection", "enrichment_fields", 0, "merge_mode"]),
            ({"taxonomy_name": "x", "config": {"taxonomy_type": "tree"}},
             ["body", "config", "taxonomy_type"]),
            ({"taxonomy_name": "x", "config": {
                "taxonomy_type": "hierarchical", "retriever_id": self.retriever,
                "input_mappings": QUERY, "hierarchical_nodes": [
                    {"collection_id": self.ref, "parent_collection_id": "col_missing"}]}},
             ["body", "config", "hierarchical_nodes", 0, "parent_collection_id"]),
        ]
        for body, loc in cases:
            with self.subTest(loc=loc):
                err = self.assertStatus(self.c.post("/v1/taxonomies", body), 422)
                self.assertIn(loc, [d["loc"] for d in err["detail"]])
        t = self.flat("immutable")
        err = self.assertStatus(self.c.patch("/v1/taxonomies/" + t["taxonomy_id"], {
            "config": {}}), 422)
        self.assertEqual(err["detail"][0]["loc"], ["body", "config"])
        err = self.assertStatus(self.c.post("/v1/taxonomies/execute/" + t["taxonomy_id"], {}), 422)
        self.assertEqual(err["detail"][0]["loc"], ["body", "source_documents"])
        self.assertStatus(self.c.post("/v1/taxonomies", dict(
            {"config": {}}, taxonomy_name="immutable")), 422)
        # A duplicate name is a conflict.
        self.assertStatus(self.c.post("/v1/taxonomies", {
            "taxonomy_name": "immutable",
            "config": {"retriever_id": self.retriever, "input_mappings": QUERY,
                       "source_collection": {"collection_id": self.ref}}}), 409)

    def test_execute_on_collection_and_sample_documents(self):
        t = self.flat("exec", [{"field_path": "category"},
                               {"field_path": "kind", "target_field": "kinds",
                                "merge_mode": "append"}])
        out = self.assertStatus(self.c.post("/v1/taxonomies/execute/" + t["taxonomy_id"], {
            "target_collection_id": self.items}), 200)
        self.assertEqual(out["stats"]["processed_docs"], 3)
        self.assertEqual(out["stats"]["errors"], 0)
        self.assertIsNone(out["results"])
        docs = self.documents(self.items)
        for text, category in ITEMS.items():
            self.assertEqual(docs[text]["_taxonomy_category"], category, text)
        self.assertEqual(docs["engine and wheels of a car"]["kinds"], ["machine"])
        out = self.assertStatus(self.c.post("/v1/taxonomies/execute/exec", {
            "source_documents": [{"text": "meow meow kitten"}]}), 200)
        self.assertEqual(out["results"][0]["_taxonomy_category"], "feline")
        self.assertStatus(self.c.post("/v1/taxonomies/execute/tax_missing", {
            "target_collection_id": self.items}), 404)
        self.assertStatus(self.c.post("/v1/taxonomies/execute/exec", {
            "target_collection_id": "col_missing"}), 404)

    def test_hierarchical_taxonomy(self):
        body = {"taxonomy_name": "tree", "config": {
            "taxonomy_type": "hierarchical", "retriever_id": "match", "input_mappings": QUERY,
            "hierarchical_nodes": [
                {"collection_id": self.groups, "label": "Groups",
                 "enrichment_fields": [{"field_path": "group"}]},
                {"collection_id": self.ref, "parent_collection_id": self.groups,
                 "enrichment_fields": [{"field_path": "category", "target_field": "leaf"}]}]}}
        t = self.assertStatus(self.c.post("/v1/taxonomies", body), 200)
        self.assertEqual(t["config"]["hierarchical_nodes"][1]["parent_collection_id"], self.groups)
        self.assertEqual(t["config"]["retriever_id"], self.retriever)
        out = self.assertStatus(self.c.post("/v1/taxonomies/execute/tree", {
            "source_documents": [{"text": "the kitten says meow"},
                                 {"text": "engine and wheels of a car"}]}), 200)
        self.assertEqual([(r["_taxonomy_group"], r["leaf"]) for r in out["results"]],
                         [("animal", "feline"), ("machine", "vehicle")])

    def test_taxonomy_applications_enrich_new_documents(self):
        t = self.flat("applied", [{"field_path": "category", "target_field": "label"}])
        err = self.assertStatus(self.c.post("/v1/collections", {
            "collection_name": "bad-apps",
            "source": {"type": "bucket", "bucket_ids": [self.buckets["items"]]},
            "feature_extractor": {"feature_extractor_name": "text_extractor", "version": "v1",
                                  "input_mappings": {"text": "content"}},
            "taxonomy_applications": [{"taxonomy_id": "tax_missing"}]}), 422)
        self.assertEqual(err["detail"][0]["loc"],
                         ["body", "taxonomy_applications", 0, "taxonomy_id"])
        col = self.collection("labelled", "items", [],
                              taxonomy_applications=[{"taxonomy_id": "applied"}])
        got = self.assertStatus(self.c.get("/v1/collections/" + col), 200)
        self.assertEqual(got["taxonomy_applications"][0]["taxonomy_id"], t["taxonomy_id"])
        self.assertEqual(got["taxonomy_count"], 1)
        self.ingest("items", [{"content": "dog puppy and a bark"}])
        docs = self.documents(col)
        self.assertEqual(list(docs), ["dog puppy and a bark"])
        self.assertEqual(docs["dog puppy and a bark"]["label"], "canine")
        # Applied taxonomies cannot be deleted.
        self.assertStatus(self.c.delete("/v1/taxonomies/applied"), 409)

    def test_other_organization_sees_404(self):
        t = self.flat("private")
        key = self.server.create_key("tax-other-org")
        other = self.server.client(key=key)
        self.assertStatus(other.get("/v1/taxonomies/" + t["taxonomy_id"], namespace="tax"), 404)
        self.assertStatus(other.post("/v1/namespaces", {"namespace_name": "tax",
                                                        "feature_extractors": TEXT}), 200)
        for call in (other.get("/v1/taxonomies/" + t["taxonomy_id"], namespace="tax"),
                     other.delete("/v1/taxonomies/" + t["taxonomy_id"], namespace="tax"),
                     other.patch("/v1/taxonomies/" + t["taxonomy_id"], {"description": "x"},
                                 namespace="tax"),
                     other.post("/v1/taxonomies/execute/" + t["taxonomy_id"],
                                {"source_documents": [{"text": "x"}]}, namespace="tax")):
            self.assertStatus(call, 404)
        listed = self.assertStatus(other.post("/v1/taxonomies/list", namespace="tax"), 200)
        self.assertEqual(listed["total_count"], 0)


if __name__ == "__main__":
    unittest.main()
