"""The whole namespace migrates (issue 4's "done when"): buckets, chained collections, a
taxonomy applied to a collection, a cluster enriching a collection and a retriever with
execution history and feedback move by copy and by re_extract into a target where every
resource works, every reference points inside the target, and the report says what the
migration did to retrieval quality (additional_data.benchmark) and that the copied
content is exact (additional_data.verification)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import FerryTestCase, wait_task  # noqa: E402

BASE = "/v1/namespaces/migrations"
V1 = "mixpeek://text_extractor@v1/embedding"
V2 = "mixpeek://text_extractor@v2/embedding"
TEXTS = [
    "Red apples grow in the orchard. Pears ripen late.",
    "The ferry crosses the river at dawn. It returns at dusk.",
    "Stock markets fell today. Bonds rose slightly.",
    "A fox hides in the forest. Owls hunt at night.",
    "Green tea is brewed cool. Matcha is whisked.",
    "Rust programs are memory safe. Borrowing is checked.",
]
QUERIES = ["apples in the orchard", "ferry at dawn", "fox in the forest", "matcha tea"]
REFS = [("apples pears orchard fruit", "food"), ("ferry river boat dawn dusk", "transport"),
        ("stock markets bonds", "finance"), ("fox forest owls night", "animals"),
        ("green tea matcha", "drink"), ("rust programs memory borrowing", "software")]
SEARCH = {"stage_name": "search", "stage_type": "filter", "config": {
    "stage_id": "feature_search", "parameters": {
        "searches": [{"feature_uri": V1, "top_k": 40,
                      "query": {"input_mode": "text", "text": "{{inputs.query}}"}}],
        "final_top_k": 25}}}


def text_collection(name, bucket_id, passthrough=(), **extra):
    body = {"collection_name": name, "source": {"type": "bucket", "bucket_ids": [bucket_id]},
            "feature_extractor": {"feature_extractor_name": "text_extractor", "version": "v1",
                                  "input_mappings": {"text": "content"},
                                  "field_passthrough": [{"source_path": p} for p in passthrough]}}
    body.update(extra)
    return body


class NamespaceMigrationTest(FerryTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        api = cls.api
        api.post("/v1/namespaces", {"namespace_name": "whole", "feature_extractors": [
            {"feature_extractor_name": "text_extractor", "version": "v1"}]})
        c = cls.c = cls.server.client(namespace="whole")
        # The taxonomy's reference collection, its retriever and the taxonomy.
        refs = c.post("/v1/buckets", {"bucket_name": "refs", "bucket_schema": {"properties": {
            "content": {"type": "text"}, "category": {"type": "string"}}}})[1]
        cls.refs = c.post("/v1/collections", text_collection(
            "refs", refs["bucket_id"], passthrough=["category"]))[1]
        cls.ingest(c, "refs", [[{"property": "content", "type": "text", "data": t},
                                {"property": "category", "type": "string", "data": k}]
                               for t, k in REFS])
        cls.matcher = c.post("/v1/retrievers", {
            "retriever_name": "match", "collection_identifiers": [cls.refs["collection_id"]],
            "input_schema": {"query": {"type": "text"}}, "stages": [SEARCH]})[1]["retriever"]
        cls.taxonomy = c.post("/v1/taxonomies", {"taxonomy_name": "topics", "config": {
            "taxonomy_type": "flat", "retriever_id": cls.matcher["retriever_id"],
            "input_mappings": [{"input_key": "query", "source_type": "payload", "path": "text"}],
            "source_collection": {"collection_id": cls.refs["collection_id"],
                                  "enrichment_fields": [{"field_path": "category"}]}}})[1]
        assert cls.taxonomy.get("taxonomy_id"), cls.taxonomy
        bucket = cls.bucket = c.post("/v1/buckets", {"bucket_name": "notes", "bucket_schema": {
            "properties": {"content": {"type": "text"}}}})[1]
        cls.labelled = c.post("/v1/collections", text_collection(
            "labelled", bucket["bucket_id"],
            taxonomy_applications=[{"taxonomy_id": cls.taxonomy["taxonomy_id"]}]))[1]
        cls.sentences = c.post("/v1/collections", {"collection_name": "sentences",
            "source": {"type": "bucket", "bucket_ids": [bucket["bucket_id"]]},
            "feature_extractor": {"feature_extractor_name": "text_extractor", "version": "v1",
                                  "input_mappings": {"text": "content"},
                                  "parameters": {"split_by": "sentences", "chunk_size": 1}}})[1]
        cls.restated = c.post("/v1/collections", {"collection_name": "restated",
            "source": {"type": "collection", "collection_id": cls.sentences["collection_id"]},
            "feature_extractor": {"feature_extractor_name": "text_extractor", "version": "v1",
                                  "input_mappings": {"text": "text"}}})[1]
        cls.ingest(c, "notes", [[{"property": "content", "type": "text", "data": t}]
                                for t in TEXTS])
        # A cluster over the sentences, enriching them.
        cls.cluster = c.post("/v1/clusters", {
            "cluster_name": "themes", "collection_ids": [cls.sentences["collection_id"]],
            "cluster_type": "vector", "enrich_source_collection": True,
            "vector_config": {"feature_uris": [V1], "clustering_method": "kmeans",
                              "algorithm_params": {"n_clusters": 3}}})[1]
        task = c.post("/v1/clusters/%s/execute" % cls.cluster["cluster_id"])[1]
        wait_task(c, task["task_id"])
        cls.retriever = c.post("/v1/retrievers", {
            "retriever_name": "finder",
            "collection_identifiers": [cls.sentences["collection_id"]],
            "input_schema": {"query": {"type": "text"}}, "stages": [SEARCH]})[1]["retriever"]
        rid = cls.retriever["retriever_id"]
        cls.runs = []
        for q in QUERIES:
            run = c.post("/v1/retrievers/%s/execute" % rid, {"inputs": {"query": q}})[1]
            cls.runs.append(run)
            top = run["documents"][0]
            c.post("/v1/retrievers/interactions", {
                "feature_id": top["document_id"], "interaction_type": ["click"], "position": 0,
                "execution_id": run["execution_id"], "retriever_id": rid,
                "query_snapshot": {"query": q}})

    @classmethod
    def ingest(cls, c, bucket, rows):
        ids = [c.post("/v1/buckets/%s/objects" % bucket, {"blobs": blobs})[1]["object_id"]
               for blobs in rows]
        batch = c.post("/v1/buckets/%s/batches" % bucket, {"object_ids": ids})[1]
        task = c.post("/v1/buckets/%s/batches/%s/submit" % (bucket, batch["batch_id"]))[1]
        wait_task(c, task["task_id"])

    def migrate(self, **config):
        cfg = {"source_namespace_id": "whole",
               "batch_options": {"batch_size": 3, "max_workers": 2},
               "retriever_options": {"migrate_interactions": True,
                                     "migrate_execution_history": True}}
        cfg.update(config)
        m = self.assertStatus(self.api.post(BASE + "/", {"config": cfg}), 201)
        self.assertTrue(m["validation_result"]["valid"], m["validation_result"])
        graph = self.assertStatus(self.api.get(BASE + "/" + m["migration_id"]),
                                  200)["dependency_graph"]
        nodes = {n["resource_id"]: n for n in graph["nodes"]}
        rid = self.retriever["retriever_id"]
        self.assertEqual(nodes[rid]["resource_type"], "retriever")
        self.assertEqual(nodes[rid]["dependencies"], [self.sentences["collection_id"]])
        self.assertStatus(self.api.post(BASE + "/%s/start" % m["migration_id"], {"force": True}),
                          200)
        got = self.wait_migration(m["migration_id"])
        target = self.server.client(namespace=got["additional_data"]["target_namespace_id"])
        return got, target

    def check_target(self, got, target, uri):
        data = got["additional_data"]
        self.assertTrue(data["verification"]["ok"], data["verification"])
        mapping = data["id_mapping"]
        rid = mapping[self.retriever["retriever_id"]]
        # The retriever works in the target and every reference points inside it.
        r = self.assertStatus(target.get("/v1/retrievers/" + rid), 200)
        target_cols = {c["collection_id"] for c in
                       target.post("/v1/collections/list?limit=100")[1]["results"]}
        self.assertEqual(r["collection_ids"], [mapping[self.sentences["collection_id"]]])
        self.assertTrue(set(r["collection_ids"]) <= target_cols)
        params = r["stages"][0]["config"]["parameters"]
        self.assertEqual(params["searches"][0]["feature_uri"], uri)
        # History and feedback came along, pointing at the target retriever.
        history = self.assertStatus(target.post("/v1/retrievers/%s/executions/list" % rid, {}),
                                    200)
        self.assertEqual(len(history["results"]), len(QUERIES))
        executions = {e["execution_id"] for e in history["results"]}
        self.assertEqual(len(executions), len(QUERIES))
        self.assertEqual(self.check_history(target, rid, executions, target_cols),
                         sum(run["pagination"]["total"] for run in self.runs))
        inter = self.assertStatus(target.post("/v1/retrievers/interactions/list",
                                              {"retriever_id": rid}), 200)
        self.assertEqual(len(inter["results"]), len(QUERIES))
        for i in inter["results"]:
            self.assertIn(i["execution_id"], executions)  # the migrated execution
            self.assertStatus(target.get("/v1/collections/%s/documents/%s"
                                         % (r["collection_ids"][0], i["feature_id"])), 200)
        run = self.assertStatus(target.post("/v1/retrievers/%s/execute" % rid,
                                            {"inputs": {"query": QUERIES[1]}}), 200)
        self.assertTrue(run["documents"])
        for d in run["documents"]:
            self.assertStatus(target.get("/v1/collections/%s/documents/%s"
                                         % (r["collection_ids"][0], d["document_id"])), 200)
        self.check_taxonomy(data, target)
        self.check_cluster(data, target, uri)
        # The benchmark: every recorded query replayed on both sides (the taxonomy's
        # retriever has no recorded query).
        bench = {r["source_retriever_id"]: r for r in data["benchmark"]["retrievers"]}
        self.assertEqual(set(bench), {self.retriever["retriever_id"],
                                      self.matcher["retriever_id"]})
        self.assertEqual(bench[self.matcher["retriever_id"]]["queries"], 0)
        row = bench[self.retriever["retriever_id"]]
        self.assertEqual(row["source_retriever_id"], self.retriever["retriever_id"])
        self.assertEqual(row["target_retriever_id"], rid)
        self.assertEqual(row["queries"], len(QUERIES))
        self.assertEqual(row["judged_queries"], len(QUERIES))
        for side in ("source", "target"):
            self.assertIsInstance(row[side]["ndcg_at_10"], float)
            self.assertIsInstance(row[side]["mrr"], float)
            self.assertGreaterEqual(row[side]["p50_latency_ms"], 0)
        # Each query's clicked document was its source top result.
        self.assertAlmostEqual(row["source"]["mrr"], 1.0)
        return row

    def check_history(self, target, rid, executions, target_cols, documents_exist=True):
        """Every document each migrated execution returned is in a target collection and
        (documents_exist) is a document of the target: the summaries of executions/list
        carry no documents, the detail (GET) lists them as {document_id, collection_id,
        score}. Returns how many were checked."""
        checked = 0
        for execution_id in sorted(executions):
            detail = self.assertStatus(
                target.get("/v1/retrievers/%s/executions/%s" % (rid, execution_id)), 200)
            self.assertEqual(detail["execution_id"], execution_id)
            self.assertEqual(detail["status"], "completed")
            self.assertTrue(detail["documents"], detail)
            for d in detail["documents"]:
                self.assertIn(d["collection_id"], target_cols, d)
                if documents_exist:
                    self.assertStatus(target.get("/v1/collections/%s/documents/%s"
                                                 % (d["collection_id"], d["document_id"])),
                                      200)
                checked += 1
        self.assertGreater(checked, 0, "no history reference was checked")
        return checked

    def labels(self, client, collection_id):
        docs = client.post("/v1/collections/%s/documents/list?limit=100" % collection_id,
                           {})[1]["results"]
        return {d["text"]: d.get("_taxonomy_category") for d in docs}

    def check_taxonomy(self, data, target):
        mapping = data["id_mapping"]
        tid = mapping[self.taxonomy["taxonomy_id"]]
        t = self.assertStatus(target.get("/v1/taxonomies/" + tid), 200)
        cfg = t["config"]
        self.assertEqual(cfg["retriever_id"], mapping[self.matcher["retriever_id"]])
        self.assertEqual(cfg["source_collection"]["collection_id"],
                         mapping[self.refs["collection_id"]])
        labelled = mapping[self.labelled["collection_id"]]
        col = self.assertStatus(target.get("/v1/collections/" + labelled), 200)
        self.assertEqual([a["taxonomy_id"] for a in col["taxonomy_applications"]], [tid])
        # The enrichment came along, and re-running the taxonomy in the target agrees.
        want = self.labels(self.c, self.labelled["collection_id"])
        self.assertEqual(sorted(want.values()), sorted(k for _, k in REFS))
        self.assertEqual(self.labels(target, labelled), want)
        self.assertStatus(target.post("/v1/taxonomies/execute/" + tid,
                                      {"target_collection_id": labelled}), 200)
        self.assertEqual(self.labels(target, labelled), want)

    def check_cluster(self, data, target, uri):
        mapping = data["id_mapping"]
        cid = mapping[self.cluster["cluster_id"]]
        k = self.assertStatus(target.get("/v1/clusters/" + cid), 200)
        self.assertEqual(k["input_collections"], [mapping[self.sentences["collection_id"]]])
        self.assertEqual(k["feature_uris"], [uri])
        docs = target.post("/v1/collections/%s/documents/list?limit=100"
                           % mapping[self.sentences["collection_id"]], {})[1]["results"]
        self.assertTrue(docs)
        for d in docs:
            self.assertTrue(d.get("cluster_id"), d)
        task = self.assertStatus(target.post("/v1/clusters/%s/execute" % cid), 200)
        wait_task(target, task["task_id"])

    def test_copy(self):
        got, target = self.migrate(migration_type="copy")
        row = self.check_target(got, target, V1)
        self.assertEqual(row["overlap_at_10"], 1.0)
        self.assertAlmostEqual(row["target"]["mrr"], row["source"]["mrr"])

    def re_extract(self):
        return self.migrate(migration_type="re_extract", feature_extractors=[
            {"feature_extractor_name": "text_extractor", "version": "v2"}],
            cluster_options={"recompute_clusters": True})

    def test_re_extract(self):
        got, target = self.re_extract()
        row = self.check_target(got, target, V2)
        self.assertGreater(row["overlap_at_10"], 0)
        modes = {r["resource_id"]: r["mode"] for r in
                 got["additional_data"]["verification"]["resources"]}
        self.assertEqual(modes[self.sentences["collection_id"]], "rebuilt")
        self.assertEqual(modes[self.bucket["bucket_id"]], "copied")

    def test_re_extract_history_points_at_target_documents(self):
        # A re_extract rebuilds the documents with new ids (service::DocumentIdFor of the
        # target collection): the history and the interactions point at the rebuilt
        # document of the same source item and chunk, never at an id the target lacks.
        got, target = self.re_extract()
        rid = got["additional_data"]["id_mapping"][self.retriever["retriever_id"]]
        history = self.assertStatus(target.post("/v1/retrievers/%s/executions/list" % rid, {}),
                                    200)
        target_cols = {c["collection_id"] for c in
                       target.post("/v1/collections/list?limit=100")[1]["results"]}
        self.check_history(target, rid, {e["execution_id"] for e in history["results"]},
                           target_cols, documents_exist=True)
        target_col = got["additional_data"]["id_mapping"][self.sentences["collection_id"]]
        inter = self.assertStatus(target.post("/v1/retrievers/interactions/list",
                                              {"retriever_id": rid}), 200)
        self.assertEqual(len(inter["results"]), len(QUERIES))
        for i in inter["results"]:
            self.assertStatus(target.get("/v1/collections/%s/documents/%s"
                                         % (target_col, i["feature_id"])), 200)
        rows = {r["source_retriever_id"]: r for r in got["additional_data"]["retrievers"]}
        self.assertEqual(rows[self.retriever["retriever_id"]]["unresolved_document_references"],
                         0)

if __name__ == "__main__":
    unittest.main()
