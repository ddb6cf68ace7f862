"""Clusters over HTTP: create/get/patch/list/delete with validation (422 with loc), an
execution through a task that recovers two well separated groups of texts, enriches the
documents and writes its artifacts to the blob store, a failing execution, and isolation
between organizations."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import FerryTestCase, wait_task  # noqa: E402

URI = "mixpeek://text_extractor@v1/embedding"
TEXT = [{"feature_extractor_name": "text_extractor", "version": "v1"}]
GROUP_A = ["apple banana cherry", "banana cherry apple grape", "cherry apple banana",
           "apple cherry banana mango"]
GROUP_B = ["quartz zinc xylophone", "zinc quartz xylophone jazz", "xylophone zinc quartz",
           "jazz quartz zinc xylophone"]


class ClusterTest(FerryTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.api.post("/v1/namespaces", {"namespace_name": "clus", "feature_extractors": TEXT})
        cls.c = cls.server.client(namespace="clus")
        schema = {"properties": {"content": {"type": "text"}}}
        bucket = cls.c.post("/v1/buckets", {"bucket_name": "docs", "bucket_schema": schema})[1]
        cls.col = cls.c.post("/v1/collections", {
            "collection_name": "texts",
            "source": {"type": "bucket", "bucket_ids": [bucket["bucket_id"]]},
            "feature_extractor": {"feature_extractor_name": "text_extractor", "version": "v1",
                                  "input_mappings": {"text": "content"},
                                  "field_passthrough": [{"source_path": "content"}]}})[1]
        ids = []
        for text in GROUP_A + GROUP_B:
            obj = cls.c.post("/v1/buckets/%s/objects" % bucket["bucket_id"], {"blobs": [
                {"property": "content", "type": "text", "data": text}]})[1]
            ids.append(obj["object_id"])
        path = "/v1/buckets/%s/batches" % bucket["bucket_id"]
        batch = cls.c.post(path, {"object_ids": ids})[1]
        task = cls.c.post(path + "/%s/submit" % batch["batch_id"])[1]
        wait_task(cls.c, task["task_id"])

    def documents(self):
        page = self.assertStatus(self.c.post(
            "/v1/collections/%s/documents/list?limit=100" % self.col["collection_id"], {}), 200)
        self.assertEqual(len(page["results"]), len(GROUP_A) + len(GROUP_B))
        return page["results"]

    def create(self, name, n_clusters=2, **kw):
        body = {"cluster_name": name, "collection_ids": [self.col["collection_id"]],
                "cluster_type": "vector",
                "vector_config": {"feature_uris": [URI], "clustering_method": "kmeans",
                                  "algorithm_params": {"n_clusters": n_clusters}}}
        body.update(kw)
        return self.assertStatus(self.c.post("/v1/clusters", body), 200)

    def execute(self, cluster_id):
        task = self.assertStatus(self.c.post("/v1/clusters/%s/execute" % cluster_id), 200)
        self.assertEqual(task["task_type"], "engine_cluster_build")
        return self.wait_task(self.c, task["task_id"])

    def test_create_get_patch_list_delete(self):
        made = self.create("crud", description="first")
        cid = made["cluster_id"]
        self.assertTrue(cid.startswith("clust_"))
        self.assertEqual(made["input_collections"], [self.col["collection_id"]])
        self.assertEqual(made["feature_uris"], [URI])
        self.assertEqual(made["status"], "PENDING")
        self.assertEqual(made["algorithm"], "kmeans")
        self.assertEqual(self.assertStatus(self.c.get("/v1/clusters/" + cid), 200)["cluster_name"],
                         "crud")
        self.assertEqual(self.assertStatus(self.c.get("/v1/clusters/crud"), 200)["cluster_id"], cid)
        # By collection name too.
        byname = self.create("crud-by-name", collection_ids=["texts"])
        self.assertEqual(byname["input_collections"], [self.col["collection_id"]])

        patched = self.assertStatus(self.c.patch("/v1/clusters/" + cid, {
            "cluster_name": "crud2", "description": "second", "metadata": {"team": "x"}}), 200)
        self.assertEqual(patched["cluster_name"], "crud2")
        self.assertEqual(patched["metadata"], {"team": "x"})
        self.assertEqual(patched["vector_config"]["feature_uris"], [URI])
        self.assertEqual(self.c.patch("/v1/clusters/" + cid, {"cluster_name": "crud-by-name"})[0],
                         409)

        listed = self.assertStatus(self.c.post("/v1/clusters/list", {"search": "CRUD2"}), 200)
        self.assertEqual([r["cluster_id"] for r in listed["results"]], [cid])
        self.assertEqual(listed["total_count"], 1)
        everything = self.assertStatus(self.c.post("/v1/clusters/list?limit=1", {}), 200)
        self.assertEqual(len(everything["results"]), 1)
        self.assertGreaterEqual(everything["total_count"], 2)

        self.assertStatus(self.c.delete("/v1/clusters/" + cid), 200)
        self.assertStatus(self.c.get("/v1/clusters/" + cid), 404)
        self.assertStatus(self.c.delete("/v1/clusters/" + cid), 404)
        self.assertStatus(self.c.post("/v1/clusters/%s/execute" % cid), 404)

    def assertIssue(self, body, loc):
        result = self.c.post("/v1/clusters", body)
        self.assertEqual(result[0], 422, result[1])
        locs = [d["loc"] for d in result[1]["detail"]]
        self.assertIn(loc, locs)

    def test_bad_input_is_422_with_loc(self):
        vc = {"feature_uris": [URI], "clustering_method": "kmeans"}
        col = [self.col["collection_id"]]
        self.assertIssue({"vector_config": vc}, ["body", "collection_ids"])
        self.assertIssue({"collection_ids": [], "vector_config": vc}, ["body", "collection_ids"])
        self.assertIssue({"collection_ids": ["col_missing"], "vector_config": vc},
                         ["body", "collection_ids", 0])
        self.assertIssue({"collection_ids": col}, ["body", "vector_config"])
        self.assertIssue({"collection_ids": col, "vector_config": dict(
            vc, algorithm_params={"n_clusters": 1})},
            ["body", "vector_config", "algorithm_params", "n_clusters"])
        self.assertIssue({"collection_ids": col, "vector_config": dict(
            vc, feature_uris=["mixpeek://image_extractor@v1/embedding"])},
            ["body", "vector_config", "feature_uris", 0])
        self.assertIssue({"collection_ids": col, "vector_config": dict(
            vc, clustering_method="dbscan")}, ["body", "vector_config", "clustering_method"])
        self.assertIssue({"collection_ids": col, "vector_config": dict(
            vc, clustering_method="nope")}, ["body", "vector_config", "clustering_method"])
        self.assertIssue({"collection_ids": col, "cluster_type": "attribute",
                          "attribute_config": {"attributes": ["a"]}}, ["body", "cluster_type"])
        self.assertIssue({"collection_ids": col, "vector_config": vc,
                          "llm_labeling": {"enabled": True}}, ["body", "llm_labeling", "enabled"])
        self.assertIssue({"collection_ids": col, "vector_config": vc,
                          "filters": {"AND": [{"field": "a", "value": 1}]}}, ["body", "filters"])
        self.assertStatus(self.c.post("/v1/clusters/list", {"filters": {"AND": []}}), 422)

    def test_execute_recovers_groups_enriches_documents_and_writes_artifacts(self):
        cid = self.create("groups", enrich_source_collection=True)["cluster_id"]
        task = self.execute(cid)
        self.assertEqual(task["status"], "COMPLETED", task)
        cluster = self.assertStatus(self.c.get("/v1/clusters/" + cid), 200)
        self.assertEqual(cluster["status"], "COMPLETED")
        self.assertEqual(cluster["num_clusters"], 2)
        self.assertEqual(cluster["num_documents_clustered"], 8)
        self.assertEqual(cluster["last_execution_task_id"], task["task_id"])

        runs = self.assertStatus(self.c.post("/v1/clusters/%s/executions/list" % cid, {}), 200)
        self.assertEqual(runs["total_count"], 1)
        run = runs["results"][0]
        self.assertEqual(run["status"], "completed")
        self.assertEqual(run["num_points"], 8)
        self.assertEqual(sorted(c["cluster_id"] for c in run["centroids"]), ["cl_0", "cl_1"])
        self.assertEqual(sum(c["num_members"] for c in run["centroids"]), 8)
        self.assertGreater(run["metrics"]["silhouette_score"], 0.0)
        self.assertEqual(self.assertStatus(self.c.get(
            "/v1/clusters/%s/executions/%s" % (cid, run["run_id"])), 200)["run_id"], run["run_id"])
        self.assertEqual(self.assertStatus(self.c.get(
            "/v1/clusters/%s/executions" % cid), 200)["run_id"], run["run_id"])
        self.assertStatus(self.c.get("/v1/clusters/%s/executions/run_0000" % cid), 404)

        # Every document carries its cluster; the two groups are recovered exactly.
        label_of = {}
        for d in self.documents():
            self.assertIn(d["cluster_id"], ("cl_0", "cl_1"))
            self.assertEqual(d["cluster_label"], "Cluster " + d["cluster_id"][3:])
            self.assertGreaterEqual(d["distance_to_centroid"], 0.0)
            label_of[d["content"]] = d["cluster_id"]
        self.assertEqual(len({label_of[t] for t in GROUP_A}), 1)
        self.assertEqual(len({label_of[t] for t in GROUP_B}), 1)
        self.assertNotEqual(label_of[GROUP_A[0]], label_of[GROUP_B[0]])

        # Artifacts are in the blob store, content-addressed, and list every member.
        names = {a["name"]: a for a in run["artifacts"]}
        self.assertEqual(set(names), {"members", "centroids"})
        for a in names.values():
            self.assertEqual(a["uri"], "ferry://blobs/" + a["blob_hash"])
            data = self.server.read_blob(a["blob_hash"])
            self.assertEqual(len(data), a["size_bytes"])
        rows = self.server.read_blob(names["members"]["blob_hash"]).decode().splitlines()
        self.assertEqual(len(rows), 9)
        docs = {d["document_id"] for d in self.documents()}
        self.assertEqual({r.split("\t")[0] for r in rows[1:]}, docs)

        model = self.assertStatus(self.c.patch("/v1/clusters/" + cid, {"description": "d"}), 200)
        self.assertEqual(model["last_run_id"], run["run_id"])
        self.assertEqual(model["members_key"], names["members"]["uri"])

    def test_execution_failure_is_reported(self):
        cid = self.create("too-many", n_clusters=20)["cluster_id"]
        task = self.execute(cid)
        self.assertEqual(task["status"], "FAILED")
        self.assertIn("greater than the number of vectors (8)", task["error"])
        run = self.assertStatus(self.c.get("/v1/clusters/%s/executions" % cid), 200)
        self.assertEqual(run["status"], "failed")
        self.assertIn("n_clusters", run["error_message"])
        self.assertIsNone(run["metrics"])
        self.assertEqual(self.assertStatus(self.c.get("/v1/clusters/" + cid), 200)["status"],
                         "FAILED")

    def test_migration_carries_clusters_over_per_options(self):
        cid = self.create("migrated", enrich_source_collection=True)["cluster_id"]
        self.assertEqual(self.execute(cid)["status"], "COMPLETED")
        m = self.assertStatus(self.api.post("/v1/namespaces/migrations/", {"config": {
            "migration_type": "copy", "source_namespace_id": "clus",
            "target_namespace_name": "clus-copy",
            "filters": {"cluster_ids": [cid]},
            "cluster_options": {"preserve_assignments": False}},
            "start_immediately": True}), 201)
        done = self.wait_migration(m["migration_id"])
        self.assertEqual(done["status"], "completed", done.get("error_message"))
        self.assertEqual(done["dependency_graph"]["execution_order"][-1], cid)
        stage = [s for s in done["progress"]["stages"] if s["stage"] == "cluster_execution"][0]
        self.assertEqual((stage["items_total"], stage["items_completed"]), (1, 1))
        target = self.server.client(namespace="clus-copy")
        copied = self.assertStatus(target.get("/v1/clusters/" + cid), 200)  # id preserved
        self.assertEqual(copied["status"], "COMPLETED")
        self.assertNotEqual(copied["input_collections"], [self.col["collection_id"]])
        runs = self.assertStatus(target.post("/v1/clusters/%s/executions/list" % cid, {}), 200)
        self.assertEqual(len(runs["results"][0]["centroids"]), 2)
        docs = self.assertStatus(target.post(
            "/v1/collections/%s/documents/list?limit=100" % copied["input_collections"][0], {}),
            200)["results"]
        self.assertEqual(len(docs), 8)
        for d in docs:
            self.assertNotIn("cluster_id", d)
        self.assertEqual(len(self.assertStatus(target.post("/v1/clusters/list", {}),
                                               200)["results"]), 1)

    def test_other_organization_sees_404(self):
        cid = self.create("private")["cluster_id"]
        key = self.server.create_key("clus-other-org")
        other = self.server.client(key=key)
        self.assertStatus(other.get("/v1/clusters/" + cid, namespace="clus"), 404)
        self.assertStatus(other.post("/v1/namespaces", {"namespace_name": "clus",
                                                        "feature_extractors": TEXT}), 200)
        self.assertStatus(other.get("/v1/clusters/" + cid, namespace="clus"), 404)
        self.assertStatus(other.post("/v1/clusters/%s/execute" % cid, namespace="clus"), 404)
        self.assertStatus(other.delete("/v1/clusters/" + cid, namespace="clus"), 404)
        self.assertStatus(self.c.get("/v1/clusters/" + cid), 200)


if __name__ == "__main__":
    unittest.main()
