"""Namespaces over HTTP: create, get by id and name, list with pagination, patch,
delete (with its data), validation errors, and isolation between organizations."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import FerryTestCase  # noqa: E402

TEXT = [{"feature_extractor_name": "text_extractor", "version": "v1"}]


class NamespaceTest(FerryTestCase):
    def test_create_get_by_id_and_name(self):
        ns = self.make_namespace("ns-get")
        self.assertTrue(ns["namespace_id"].startswith("ns_"))
        self.assertEqual(ns["namespace_name"], "ns-get")
        self.assertEqual(ns["feature_extractors"][0]["feature_extractor_id"], "text_extractor_v1")
        self.assertEqual(ns["document_count"], 0)
        self.assertTrue(ns["created_at"].endswith("Z"))
        self.assertTrue(ns["internal_id"].startswith("org_"))
        self.assertIsNone(ns["description"])
        by_id = self.assertStatus(self.api.get("/v1/namespaces/" + ns["namespace_id"]), 200)
        by_name = self.assertStatus(self.api.get("/v1/namespaces/ns-get"), 200)
        self.assertEqual(by_id, by_name)

    def test_duplicate_name_is_409(self):
        self.make_namespace("ns-dup")
        body = {"namespace_name": "ns-dup", "feature_extractors": TEXT}
        err = self.assertStatus(self.api.post("/v1/namespaces", body), 409)
        self.assertEqual(err["success"], False)
        self.assertEqual(err["status"], 409)
        self.assertIn("ns-dup", err["error"]["message"])

    def test_list_paginates(self):
        for i in range(5):
            self.make_namespace("ns-page-%d" % i)
        first = self.assertStatus(self.api.post("/v1/namespaces/list?limit=2&offset=0"), 200)
        total = first["total_count"]
        self.assertGreaterEqual(total, 5)
        self.assertEqual(len(first["results"]), 2)
        self.assertEqual(first["pagination"]["page_size"], 2)
        seen = [n["namespace_id"] for n in first["results"]]
        offset = 2
        while offset < total:
            page = self.assertStatus(
                self.api.post("/v1/namespaces/list?limit=2&offset=%d" % offset), 200)
            seen += [n["namespace_id"] for n in page["results"]]
            offset += 2
        self.assertEqual(len(seen), total)
        self.assertEqual(len(set(seen)), total)

    def test_patch_renames_and_rejects_taken_name(self):
        ns = self.make_namespace("ns-patch")
        self.make_namespace("ns-taken")
        out = self.assertStatus(self.api.patch("/v1/namespaces/ns-patch",
                                               {"namespace_name": "ns-patched",
                                                "description": "renamed"}), 200)
        self.assertEqual(out["namespace_name"], "ns-patched")
        self.assertEqual(out["description"], "renamed")
        self.assertEqual(out["namespace_id"], ns["namespace_id"])
        self.assertStatus(self.api.get("/v1/namespaces/ns-patch"), 404)
        self.assertStatus(self.api.patch("/v1/namespaces/ns-patched",
                                         {"namespace_name": "ns-taken"}), 409)

    def test_delete_removes_namespace_and_data(self):
        ns = self.make_namespace("ns-del")
        c = self.server.client(namespace="ns-del")
        schema = {"properties": {"content": {"type": "text"}}}
        self.assertStatus(c.post("/v1/buckets", {"bucket_name": "b", "bucket_schema": schema}), 200)
        self.assertStatus(self.api.delete("/v1/namespaces/ns-del"), 200)
        self.assertStatus(self.api.get("/v1/namespaces/" + ns["namespace_id"]), 404)
        self.assertFalse(os.path.exists(
            os.path.join(self.server.data_dir, "ns", ns["namespace_id"] + ".db")))
        # The name is free again, and the new namespace starts empty.
        self.make_namespace("ns-del")
        listed = self.assertStatus(c.post("/v1/buckets/list"), 200)
        self.assertEqual(listed["results"], [])

    def test_validation_errors_are_422_with_locations(self):
        cases = [
            ({"feature_extractors": TEXT}, ["body", "namespace_name"], "missing"),
            ({"namespace_name": "x"}, ["body", "feature_extractors"], "missing"),
            ({"namespace_name": 7, "feature_extractors": TEXT}, ["body", "namespace_name"],
             "string_type"),
            ({"namespace_name": "x", "feature_extractors": [
                {"feature_extractor_name": "nope_extractor", "version": "v1"}]},
             ["body", "feature_extractors", 0, "feature_extractor_name"], "value_error"),
            ({"namespace_name": "x", "feature_extractors": [
                {"feature_extractor_name": "text_extractor", "version": "v9"}]},
             ["body", "feature_extractors", 0, "version"], "value_error"),
            ({"namespace_name": "x", "feature_extractors": TEXT, "namespace_type": "weird"},
             ["body", "namespace_type"], "enum"),
            ({"namespace_name": "", "feature_extractors": TEXT}, ["body", "namespace_name"],
             "string_length"),
            ([1, 2], ["body"], "dict_type"),
        ]
        for body, loc, typ in cases:
            with self.subTest(body=body):
                err = self.assertStatus(self.api.post("/v1/namespaces", body), 422)
                self.assertIn({"loc": loc, "type": typ},
                              [{"loc": d["loc"], "type": d["type"]} for d in err["detail"]])
        self.assertStatus(self.api.post("/v1/namespaces/list?limit=0"), 422)
        self.assertStatus(self.api.post("/v1/namespaces/list?limit=1001"), 422)
        err = self.assertStatus(self.api.post("/v1/namespaces/list?offset=abc"), 422)
        self.assertEqual(err["detail"][0]["loc"], ["query", "offset"])

    def test_payload_indexes_are_validated(self):
        # Regression: payload_indexes were stored as given, whatever their shape.
        def create(indexes, name="pidx"):
            return self.api.post("/v1/namespaces", {"namespace_name": name,
                                                    "feature_extractors": TEXT,
                                                    "payload_indexes": indexes})
        cases = [
            ([{"type": "text"}], [0, "field_name"], "missing"),
            ([{"field_name": "", "type": "text"}], [0, "field_name"], "string_too_short"),
            ([{"field_name": "x" * 256, "type": "text"}], [0, "field_name"], "string_too_long"),
            ([{"field_name": "a"}], [0, "type"], "missing"),
            ([{"field_name": "a", "type": "vector"}], [0, "type"], "enum"),
            ([{"field_name": "a", "type": "text", "field_schema": "big"}], [0, "field_schema"],
             "dict_type"),
            ([{"field_name": "a", "type": "text", "is_protected": "no"}], [0, "is_protected"],
             "bool_type"),
            ([{"field_name": "a", "type": "text"}, {"field_name": "a", "type": "keyword"}],
             [1, "field_name"], "value_error"),
            (["a"], [0], "dict_type"),
        ]
        for indexes, loc, typ in cases:
            with self.subTest(indexes=indexes):
                err = self.assertStatus(create(indexes), 422)
                self.assertEqual([(d["loc"], d["type"]) for d in err["detail"]],
                                 [(["body", "payload_indexes"] + loc, typ)])
                self.assertStatus(self.api.patch("/v1/namespaces/x", {"payload_indexes": indexes}),
                                  422)
        good = [{"field_name": "metadata.title", "type": "text",
                 "field_schema": {"type": "text", "tokenizer": "word"}},
                {"field_name": "user_id", "type": "keyword", "is_protected": False}]
        ns = self.assertStatus(create(good), 200)
        self.assertEqual(ns["payload_indexes"], good)
        patched = self.assertStatus(self.api.patch("/v1/namespaces/pidx", {
            "payload_indexes": good[:1]}), 200)
        self.assertEqual(patched["payload_indexes"], good[:1])
        self.assertStatus(self.api.patch("/v1/namespaces/pidx", {
            "payload_indexes": [{"field_name": "n", "type": "number"}]}), 422)

    def test_list_refuses_filters_it_does_not_apply(self):
        # Regression: filters, sort and search were ignored (every namespace was listed).
        for key, value in [("filters", {"namespace_name": "x"}), ("sort", {"field": "x"}),
                           ("search", "x")]:
            with self.subTest(key=key):
                err = self.assertStatus(self.api.post("/v1/namespaces/list", {key: value}), 422)
                self.assertEqual([d["loc"] for d in err["detail"]], [["body", key]])
        self.assertStatus(self.api.post("/v1/namespaces/list", {
            "filters": None, "sort": {}, "search": "", "case_sensitive": False}), 200)

    def test_other_organization_sees_404(self):
        other_key = self.server.create_key("other-org")
        self.assertTrue(other_key.startswith("sk_"))
        mine = self.make_namespace("ns-private")
        other = self.server.client(key=other_key)
        e1 = self.assertStatus(other.get("/v1/namespaces/" + mine["namespace_id"]), 404)
        e2 = self.assertStatus(other.get("/v1/namespaces/ns_doesnotexist000000000000"), 404)
        self.assertEqual(e1["error"]["type"], e2["error"]["type"])
        self.assertStatus(other.get("/v1/namespaces/ns-private"), 404)
        self.assertStatus(other.delete("/v1/namespaces/" + mine["namespace_id"]), 404)
        self.assertStatus(other.patch("/v1/namespaces/ns-private", {"description": "x"}), 404)
        listed = self.assertStatus(other.post("/v1/namespaces/list"), 200)
        self.assertEqual(listed["total_count"], 0)
        # Resources inside the namespace are just as invisible through X-Namespace.
        self.assertStatus(other.post("/v1/buckets/list", namespace=mine["namespace_id"]), 404)
        # The other org can use the same name for its own namespace.
        body = {"namespace_name": "ns-private", "feature_extractors": TEXT}
        theirs = self.assertStatus(other.post("/v1/namespaces", body), 200)
        self.assertNotEqual(theirs["namespace_id"], mine["namespace_id"])
        self.assertNotEqual(theirs["internal_id"], mine["internal_id"])
        self.assertStatus(self.api.get("/v1/namespaces/ns-private"), 200)


if __name__ == "__main__":
    unittest.main()
