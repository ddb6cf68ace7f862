"""The whole namespace migrates (issue 4's "done when"): buckets, chained collections and
a retriever with execution history and feedback move by copy and by re_extract into a
target where every resource works, every reference points inside the target, and the
report says what the migration did to retrieval quality (additional_data.benchmark) and
that the copied content is exact (additional_data.verification)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import FerryTestCase  # noqa: E402

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


class NamespaceMigrationTest(FerryTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        api = cls.api
        api.post("/v1/namespaces", {"namespace_name": "whole", "feature_extractors": [
            {"feature_extractor_name": "text_extractor", "version": "v1"}]})
        c = cls.c = cls.server.client(namespace="whole")
        bucket = cls.bucket = c.post("/v1/buckets", {"bucket_name": "notes", "bucket_schema": {
            "properties": {"content": {"type": "text"}}}})[1]
        cls.sentences = c.post("/v1/collections", {"collection_name": "sentences",
            "source": {"type": "bucket", "bucket_ids": [bucket["bucket_id"]]},
            "feature_extractor": {"feature_extractor_name": "text_extractor", "version": "v1",
                                  "input_mappings": {"text": "content"},
                                  "parameters": {"split_by": "sentences", "chunk_size": 1}}})[1]
        cls.restated = c.post("/v1/collections", {"collection_name": "restated",
            "source": {"type": "collection", "collection_id": cls.sentences["collection_id"]},
            "feature_extractor": {"feature_extractor_name": "text_extractor", "version": "v1",
                                  "input_mappings": {"text": "text"}}})[1]
        ids = [c.post("/v1/buckets/notes/objects", {"blobs": [
            {"property": "content", "type": "text", "data": t}]})[1]["object_id"] for t in TEXTS]
        batch = c.post("/v1/buckets/notes/batches", {"object_ids": ids})[1]
        task = c.post("/v1/buckets/notes/batches/%s/submit" % batch["batch_id"])[1]
        assert cls.wait_task_cls(c, task["task_id"])["status"] == "COMPLETED"
        cls.retriever = c.post("/v1/retrievers", {
            "retriever_name": "finder",
            "collection_identifiers": [cls.sentences["collection_id"]],
            "input_schema": {"query": {"type": "text"}},
            "stages": [{"stage_name": "search", "stage_type": "filter", "config": {
                "stage_id": "feature_search", "parameters": {
                    "searches": [{"feature_uri": V1, "top_k": 40,
                                  "query": {"input_mode": "text", "text": "{{inputs.query}}"}}],
                    "final_top_k": 25}}}]})[1]["retriever"]
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
    def wait_task_cls(cls, client, task_id):
        for _ in range(100000):
            task = client.get("/v1/tasks/" + task_id)[1]
            if task["status"] in ("COMPLETED", "FAILED", "COMPLETED_WITH_ERRORS", "CANCELED"):
                return task
        raise AssertionError("task did not finish")

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
        while True:
            got = self.assertStatus(self.api.get(BASE + "/" + m["migration_id"]), 200)
            if got["status"] in ("completed", "failed", "cancelled"):
                break
        self.assertEqual(got["status"], "completed", got["error_message"])
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
        for e in history["results"]:
            for d in e.get("documents") or e.get("results") or []:
                self.assertIn(d.get("collection_id", r["collection_ids"][0]), target_cols)
        inter = self.assertStatus(target.post("/v1/retrievers/interactions/list",
                                              {"retriever_id": rid}), 200)
        self.assertEqual(len(inter["results"]), len(QUERIES))
        run = self.assertStatus(target.post("/v1/retrievers/%s/execute" % rid,
                                            {"inputs": {"query": QUERIES[1]}}), 200)
        self.assertTrue(run["documents"])
        for d in run["documents"]:
            self.assertStatus(target.get("/v1/collections/%s/documents/%s"
                                         % (r["collection_ids"][0], d["document_id"])), 200)
        # The benchmark: every recorded query replayed on both sides.
        bench = data["benchmark"]["retrievers"]
        self.assertEqual(len(bench), 1)
        row = bench[0]
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

    def test_copy(self):
        got, target = self.migrate(migration_type="copy")
        row = self.check_target(got, target, V1)
        self.assertEqual(row["overlap_at_10"], 1.0)
        self.assertAlmostEqual(row["target"]["mrr"], row["source"]["mrr"])

    def test_re_extract(self):
        got, target = self.migrate(migration_type="re_extract", feature_extractors=[
            {"feature_extractor_name": "text_extractor", "version": "v2"}])
        row = self.check_target(got, target, V2)
        self.assertGreater(row["overlap_at_10"], 0)
        modes = {r["resource_id"]: r["mode"] for r in
                 got["additional_data"]["verification"]["resources"]}
        self.assertEqual(modes[self.sentences["collection_id"]], "rebuilt")
        self.assertEqual(modes[self.bucket["bucket_id"]], "copied")


if __name__ == "__main__":
    unittest.main()
