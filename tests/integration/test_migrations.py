"""Migration endpoints over HTTP: request validation (422 with exact loc), semantic
validation, the status machine (including the forbidden transitions), list filters and
pagination, validate creating nothing, tasks, and isolation between organizations."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import FerryTestCase, wait_task  # noqa: E402

BASE = "/v1/namespaces/migrations"
TEXT = [{"feature_extractor_name": "text_extractor", "version": "v1"}]


class MigrationApiTest(FerryTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.api.post("/v1/namespaces", {"namespace_name": "msrc", "feature_extractors": TEXT})
        cls.api.post("/v1/namespaces", {"namespace_name": "mother", "feature_extractors": TEXT})
        c = cls.server.client(namespace="msrc")
        status, cls.bucket = c.post("/v1/buckets", {"bucket_name": "docs", "bucket_schema": {
            "properties": {"content": {"type": "text"}}}})
        assert status == 200
        status, cls.col = c.post("/v1/collections", {
            "collection_name": "texts",
            "source": {"type": "bucket", "bucket_ids": [cls.bucket["bucket_id"]]},
            "feature_extractor": {"feature_extractor_name": "text_extractor", "version": "v1"}})
        assert status == 200
        ids = []
        for i in range(5):
            ids.append(c.post("/v1/buckets/docs/objects", {"blobs": [
                {"property": "content", "type": "text", "data": "document number %d" % i}]})[1]
                ["object_id"])
        batch = c.post("/v1/buckets/docs/batches", {"object_ids": ids})[1]
        task = c.post("/v1/buckets/docs/batches/%s/submit" % batch["batch_id"])[1]
        wait_task(c, task["task_id"])

    def create(self, **config):
        cfg = {"migration_type": "copy", "source_namespace_id": "msrc"}
        cfg.update(config)
        return self.assertStatus(self.api.post(BASE + "/", {"config": cfg}), 201)

    def wait(self, mid):
        return self.wait_migration(mid)

    def test_request_validation_locations(self):
        cases = [
            ({"config": {"migration_type": "copy", "source_namespace_id": "msrc",
                         "batch_options": {"batch_size": 0}}},
             ["body", "config", "batch_options", "batch_size"], "greater_than_equal"),
            ({"config": {"migration_type": "copy", "source_namespace_id": "msrc",
                         "batch_options": {"batch_size": 1001}}},
             ["body", "config", "batch_options", "batch_size"], "less_than_equal"),
            ({"config": {"migration_type": "copy", "source_namespace_id": "msrc",
                         "batch_options": {"max_workers": 51}}},
             ["body", "config", "batch_options", "max_workers"], "less_than_equal"),
            ({"config": {"migration_type": "move", "source_namespace_id": "msrc"}},
             ["body", "config", "migration_type"], "enum"),
            ({"config": {"migration_type": "copy"}}, ["body", "config", "source_namespace_id"],
             "missing"),
            ({}, ["body", "config"], "missing"),
            ({"config": {"migration_type": "copy", "source_namespace_id": "msrc",
                         "dry_run": "yes"}}, ["body", "config", "dry_run"], "bool_type"),
            ({"config": {"migration_type": "copy", "source_namespace_id": "msrc",
                         "filters": {"collection_ids": "col_x"}}},
             ["body", "config", "filters", "collection_ids"], "list_type"),
        ]
        before = self.assertStatus(self.api.post(BASE + "/list", {}), 200)["total"]
        for body, loc, typ in cases:
            with self.subTest(loc=loc):
                err = self.assertStatus(self.api.post(BASE + "/", body), 422)
                self.assertIn({"loc": loc, "type": typ},
                              [{"loc": d["loc"], "type": d["type"]} for d in err["detail"]])
        err = self.assertStatus(self.api.post(BASE + "/list", {"limit": 0}), 422)
        self.assertEqual(err["detail"][0]["loc"], ["body", "limit"])
        after = self.assertStatus(self.api.post(BASE + "/list", {}), 200)["total"]
        self.assertEqual(before, after)

    def test_null_for_non_nullable_fields_is_422(self):
        # Regression: null was taken for absent, so these were created (201). Fields the
        # spec marks nullable (anyOf with null) still take null.
        cfg = {"migration_type": "copy", "source_namespace_id": "msrc"}
        cases = [
            ({"config": cfg, "start_immediately": None}, ["body", "start_immediately"],
             "bool_type"),
            ({"config": dict(cfg, dry_run=None)}, ["body", "config", "dry_run"], "bool_type"),
            ({"config": dict(cfg, batch_options={"batch_size": None})},
             ["body", "config", "batch_options", "batch_size"], "int_type"),
            ({"config": dict(cfg, filters={"auto_include_dependencies": None})},
             ["body", "config", "filters", "auto_include_dependencies"], "bool_type"),
        ]
        before = self.assertStatus(self.api.post(BASE + "/list", {}), 200)["total"]
        for body, loc, typ in cases:
            with self.subTest(loc=loc):
                err = self.assertStatus(self.api.post(BASE + "/", body), 422)
                self.assertEqual([(d["loc"], d["type"]) for d in err["detail"]], [(loc, typ)])
        err = self.assertStatus(self.api.post(BASE + "/list", {"limit": None}), 422)
        self.assertEqual(err["detail"][0]["loc"], ["body", "limit"])
        self.assertEqual(self.assertStatus(self.api.post(BASE + "/list", {}), 200)["total"],
                         before)
        self.assertStatus(self.api.post(BASE + "/", {"config": dict(
            cfg, target_namespace_name=None, filters=None, batch_options=None,
            webhook_url=None, feature_extractors=None)}), 201)

    def test_semantic_validation_in_validation_result(self):
        m = self.create(source_namespace_id="nope")
        self.assertFalse(m["validation_result"]["valid"])
        self.assertEqual(m["validation_result"]["errors"][0]["loc"],
                         ["config", "source_namespace_id"])
        m = self.create(migration_type="re_extract")
        locs = [e["loc"] for e in m["validation_result"]["errors"]]
        self.assertIn(["config", "feature_extractors"], locs)
        m = self.create(migration_type="re_extract", feature_extractors=[
            {"feature_extractor_name": "text_extractor", "version": "v9"}])
        locs = [e["loc"] for e in m["validation_result"]["errors"]]
        self.assertIn(["config", "feature_extractors", 0, "version"], locs)
        m = self.create(filters={"collection_ids": ["col_missing"]})
        locs = [e["loc"] for e in m["validation_result"]["errors"]]
        self.assertIn(["config", "filters", "collection_ids", 0], locs)
        m = self.create(target_namespace_name="mother")
        types = [e["type"] for e in m["validation_result"]["errors"]]
        self.assertIn("already_exists", types)
        m = self.create(filters={"collection_ids": [self.col["collection_id"]],
                                 "auto_include_dependencies": False})
        types = [e["type"] for e in m["validation_result"]["errors"]]
        self.assertIn("missing_dependency", types)
        # An invalid draft cannot start.
        err = self.assertStatus(self.api.post(BASE + "/%s/start" % m["migration_id"]), 400)
        self.assertIn("invalid", err["error"]["message"])
        self.assertEqual(self.assertStatus(self.api.get(BASE + "/" + m["migration_id"]), 200)
                         ["status"], "draft")

    def test_validate_creates_nothing_and_returns_graph(self):
        before = self.assertStatus(self.api.post(BASE + "/list", {}), 200)["total"]
        out = self.assertStatus(self.api.post(BASE + "/validate", {"config": {
            "migration_type": "copy", "source_namespace_id": "msrc"}}), 200)
        self.assertTrue(out["validation_result"]["valid"])
        self.assertEqual(out["validation_result"]["estimated_resources"]["collection"], 1)
        graph = out["dependency_graph"]
        self.assertEqual(graph["execution_order"],
                         [self.bucket["bucket_id"], self.col["collection_id"]])
        node = [n for n in graph["nodes"] if n["resource_id"] == self.col["collection_id"]][0]
        self.assertEqual(node["tier"], 1)
        self.assertEqual(node["dependencies"], [self.bucket["bucket_id"]])
        after = self.assertStatus(self.api.post(BASE + "/list", {}), 200)["total"]
        self.assertEqual(before, after)

    def test_status_machine(self):
        m = self.create()
        mid = m["migration_id"]
        self.assertEqual(m["status"], "draft")
        got = self.assertStatus(self.api.get(BASE + "/" + mid), 200)
        self.assertEqual([s["stage"] for s in got["progress"]["stages"]],
                         ["namespace_setup", "batch_creation", "batch_processing",
                          "cluster_execution", "taxonomy_enrichment", "benchmark_evaluation",
                          "finalization"])
        self.assertIsNone(got["task_id"])
        started = self.assertStatus(self.api.post(BASE + "/%s/start" % mid, {}), 200)
        self.assertTrue(started["task_id"].startswith("task_"))
        self.assertStatus(self.api.post(BASE + "/%s/start" % mid, {}), 409)
        done = self.wait(mid)
        self.assertEqual(done["status"], "completed", done["error_message"])
        self.assertEqual(done["progress"]["overall_progress_percent"], 100)
        task = self.assertStatus(self.api.get("/v1/tasks/" + started["task_id"]), 200)
        self.assertEqual(task["status"], "COMPLETED")
        self.assertEqual(task["task_type"], "api_namespaces_migrations_run")
        self.assertStatus(self.api.post(BASE + "/%s/cancel" % mid, {}), 409)
        self.assertStatus(self.api.post(BASE + "/%s/start" % mid, {}), 409)
        self.assertEqual(self.api.delete(BASE + "/" + mid)[0], 204)
        self.assertStatus(self.api.get(BASE + "/" + mid), 404)
        self.assertStatus(self.api.delete(BASE + "/" + mid), 404)

    def test_cancel_draft_and_delete(self):
        m = self.create()
        out = self.assertStatus(self.api.post(BASE + "/%s/cancel" % m["migration_id"],
                                              {"reason": "changed my mind"}), 200)
        self.assertEqual(out["status"], "cancelled")
        self.assertTrue(out["cancelled_at"].endswith("Z"))
        self.assertStatus(self.api.post(BASE + "/%s/start" % m["migration_id"]), 409)
        self.assertEqual(self.api.delete(BASE + "/" + m["migration_id"])[0], 204)

    def test_warnings_refused_without_force(self):
        m = self.create(migration_type="re_extract", feature_extractors=[
            {"feature_extractor_name": "text_extractor", "version": "v2"}])
        self.assertTrue(m["validation_result"]["warnings"])
        err = self.assertStatus(self.api.post(BASE + "/%s/start" % m["migration_id"], {}), 400)
        self.assertIn("force", err["error"]["message"])
        self.assertStatus(self.api.post(BASE + "/%s/start" % m["migration_id"], {"force": True}),
                          200)
        self.assertEqual(self.wait(m["migration_id"])["status"], "completed")

    def test_start_immediately_and_dry_run(self):
        before = self.assertStatus(self.api.post("/v1/namespaces/list"), 200)["total_count"]
        m = self.assertStatus(self.api.post(BASE + "/", {"config": {
            "migration_type": "copy", "source_namespace_id": "msrc", "dry_run": True},
            "start_immediately": True}), 201)
        self.assertIn(m["status"], ("pending", "in_progress", "completed"))
        done = self.wait(m["migration_id"])
        self.assertEqual(done["status"], "completed")
        self.assertTrue(done["additional_data"]["dry_run"])
        self.assertTrue(done["config"]["dry_run"])
        after = self.assertStatus(self.api.post("/v1/namespaces/list"), 200)["total_count"]
        self.assertEqual(before, after, "a dry run must not create a namespace")
        self.assertStatus(self.api.get("/v1/namespaces/" +
                                       done["additional_data"]["target_namespace_id"]), 404)

    def test_list_filters_and_pagination(self):
        made = [self.create()["migration_id"] for _ in range(3)]
        made.append(self.create(migration_type="extend", feature_extractors=[
            {"feature_extractor_name": "text_extractor", "version": "v2"}])["migration_id"])
        extend = self.assertStatus(self.api.post(BASE + "/list", {"migration_type": "extend"}),
                                   200)
        self.assertIn(made[-1], [m["migration_id"] for m in extend["results"]])
        self.assertTrue(all(m["config"]["migration_type"] == "extend"
                            for m in extend["results"]))
        drafts = self.assertStatus(self.api.post(BASE + "/list", {"status": "draft"}), 200)
        self.assertTrue(all(m["status"] == "draft" for m in drafts["results"]))
        by_source = self.assertStatus(self.api.post(BASE + "/list", {
            "source_namespace_id": "ns_nothing_here"}), 200)
        self.assertEqual(by_source["total"], 0)
        total = self.assertStatus(self.api.post(BASE + "/list", {}), 200)["total"]
        seen = []
        for offset in range(0, total, 2):
            page = self.assertStatus(self.api.post(BASE + "/list", {"limit": 2,
                                                                    "offset": offset}), 200)
            self.assertEqual(page["limit"], 2)
            self.assertEqual(page["offset"], offset)
            seen += [m["migration_id"] for m in page["results"]]
        self.assertEqual(len(seen), total)
        self.assertEqual(len(set(seen)), total)
        for mid in made:
            self.assertIn(mid, seen)

    def test_other_organization_gets_404(self):
        key = self.server.create_key("mig-other")
        other = self.server.client(key=key)
        m = self.create()
        mid = m["migration_id"]
        for method, path in [("GET", BASE + "/" + mid), ("POST", BASE + "/%s/start" % mid),
                             ("POST", BASE + "/%s/cancel" % mid), ("DELETE", BASE + "/" + mid)]:
            with self.subTest(method=method, path=path):
                self.assertStatus(other.call(method, path, {} if method == "POST" else None), 404)
        self.assertEqual(self.assertStatus(other.post(BASE + "/list", {}), 200)["total"], 0)
        # The source namespace is invisible to them too.
        theirs = self.assertStatus(other.post(BASE + "/", {"config": {
            "migration_type": "copy", "source_namespace_id": "msrc"}}), 201)
        self.assertFalse(theirs["validation_result"]["valid"])


if __name__ == "__main__":
    unittest.main()
