"""Retrievers over HTTP: create/list/get/patch/delete with validation, execution results
equal to a brute-force cosine ranking computed here from the documents' vectors, filter /
sort / limit stages, recorded executions, interactions, and isolation between
organizations and namespaces."""
import math
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import FerryTestCase, wait_task  # noqa: E402

URI = "mixpeek://text_extractor@v1/embedding"
VECTOR_KEY = "text_extractor_v1_embedding"
TEXT = [{"feature_extractor_name": "text_extractor", "version": "v1"}]
TEXTS = [
    ("red apples and green pears", 3), ("the quick brown fox", 1),
    ("apple pie recipe with cinnamon", 5), ("stock market news today", 2),
    ("green tea and matcha", 4), ("fresh fruit salad with apples", 2),
    ("rust programming language", 7), ("a fox in the forest", 6),
]


def search_stage(top_k=100, final_top_k=25, text="{{inputs.query}}"):
    return {"stage_name": "search", "stage_type": "filter",
            "config": {"stage_id": "feature_search", "parameters": {
                "searches": [{"feature_uri": URI, "top_k": top_k,
                              "query": {"input_mode": "text", "text": text}}],
                "final_top_k": final_top_k}}}


def stage(name, stage_id, **params):
    return {"stage_name": name, "config": {"stage_id": stage_id, "parameters": params}}


class RetrieverTest(FerryTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.api.post("/v1/namespaces", {"namespace_name": "rets", "feature_extractors": TEXT})
        cls.c = cls.server.client(namespace="rets")
        schema = {"properties": {"content": {"type": "text"}, "rank": {"type": "integer"}}}
        bucket = cls.c.post("/v1/buckets", {"bucket_name": "docs", "bucket_schema": schema})[1]
        cls.col = cls.c.post("/v1/collections", {
            "collection_name": "texts",
            "source": {"type": "bucket", "bucket_ids": [bucket["bucket_id"]]},
            "feature_extractor": {"feature_extractor_name": "text_extractor", "version": "v1",
                                  "input_mappings": {"text": "content"},
                                  "field_passthrough": [{"source_path": "rank"}]}})[1]
        ids = []
        for text, rank in TEXTS:
            obj = cls.c.post("/v1/buckets/%s/objects" % bucket["bucket_id"], {"blobs": [
                {"property": "content", "type": "text", "data": text},
                {"property": "rank", "type": "integer", "data": rank}]})[1]
            ids.append(obj["object_id"])
        path = "/v1/buckets/%s/batches" % bucket["bucket_id"]
        batch = cls.c.post(path, {"object_ids": ids})[1]
        task = cls.c.post(path + "/%s/submit" % batch["batch_id"])[1]
        wait_task(cls.c, task["task_id"])
        page = cls.c.post("/v1/collections/%s/documents/list?limit=100" % cls.col["collection_id"],
                          {"return_vectors": True})[1]
        cls.docs = {d["document_id"]: d for d in page["results"]}
        assert len(cls.docs) == len(TEXTS), page

    def create(self, name, stages, **kw):
        body = {"retriever_name": name, "collection_identifiers": [self.col["collection_id"]],
                "stages": stages, "input_schema": {"query": {"type": "text"}}}
        body.update(kw)
        return self.assertStatus(self.c.post("/v1/retrievers", body), 200)["retriever"]

    def execute(self, rid, inputs, **kw):
        body = {"inputs": inputs}
        body.update(kw)
        return self.assertStatus(self.c.post("/v1/retrievers/%s/execute" % rid, body), 200)

    def query_vector(self, text):
        """The query's embedding: the stored vector of the document whose text is exactly
        the query (the extractor is deterministic and queries use its default parameters)."""
        for d in self.docs.values():
            if d["text"] == text:
                return d[VECTOR_KEY]
        raise KeyError(text)

    def brute_force(self, text):
        q = self.query_vector(text)
        scored = [(sum(a * b for a, b in zip(q, d[VECTOR_KEY])), doc_id)
                  for doc_id, d in self.docs.items()]
        scored.sort(key=lambda s: (-s[0], s[1]))
        return scored

    def test_execute_equals_brute_force_cosine(self):
        r = self.create("bf", [search_stage(final_top_k=5)])
        query = "a fox in the forest"
        out = self.execute(r["retriever_id"], {"query": query},
                           pagination={"method": "offset", "page_size": 5, "page_number": 1})
        self.assertEqual(out["status"], "completed")
        want = self.brute_force(query)[:5]
        self.assertEqual([d["document_id"] for d in out["documents"]], [w[1] for w in want])
        for got, (score, _) in zip(out["documents"], want):
            self.assertTrue(math.isclose(got["score"], score, abs_tol=1e-4))
        self.assertEqual(out["pagination"]["total"], 5)
        self.assertIn("search", out["stage_statistics"]["stages"])
        self.assertEqual(out["total_stages"], 1)
        # Pages of the same ranking.
        page2 = self.execute(r["retriever_id"], {"query": query},
                             pagination={"method": "offset", "page_size": 2, "page_number": 2})
        self.assertEqual([d["document_id"] for d in page2["documents"]],
                         [w[1] for w in want[2:4]])
        self.assertTrue(page2["pagination"]["has_next"])

    def test_filter_sort_limit(self):
        r = self.create("fsl", [
            stage("keep", "attribute_filter", field="rank", operator="gte", value=2),
            stage("order", "sort_attribute", field="rank", direction="asc"),
            stage("cut", "limit", limit=3, offset=1)])
        out = self.execute(r["retriever_id"], {})
        ranks = [d["rank"] for d in out["documents"]]
        want = sorted(rank for _, rank in TEXTS if rank >= 2)[1:4]
        self.assertEqual(ranks, want)
        stats = out["stage_statistics"]["stages"]
        self.assertEqual(stats["keep"]["output_count"], 7)
        self.assertEqual(stats["cut"]["output_count"], 3)
        # Filter after a search keeps the search order.
        r2 = self.create("search-then-filter", [
            search_stage(), stage("f", "attribute_filter", field="text", operator="contains",
                                  value="apple")])
        out = self.execute(r2["retriever_id"], {"query": "green tea and matcha"})
        want = [doc_id for _, doc_id in self.brute_force("green tea and matcha")
                if "apple" in self.docs[doc_id]["text"]]
        self.assertEqual([d["document_id"] for d in out["documents"]], want)

    def test_crud_and_validation(self):
        r = self.create("crud", [search_stage()], description="first", tags=["a"])
        self.assertEqual(r["collection_ids"], [self.col["collection_id"]])
        self.assertEqual(r["version"], 1)
        got = self.assertStatus(self.c.get("/v1/retrievers/" + r["retriever_id"]), 200)
        self.assertEqual(got["stages"][0]["config"]["stage_id"], "feature_search")
        self.assertEqual(self.assertStatus(self.c.get("/v1/retrievers/crud"), 200)["retriever_id"],
                         r["retriever_id"])
        patched = self.assertStatus(self.c.patch("/v1/retrievers/" + r["retriever_id"],
                                                 {"description": "second", "tags": ["b"]}), 200)
        self.assertEqual(patched["retriever"]["description"], "second")
        self.assertEqual(patched["retriever"]["version"], 2)
        self.assertStatus(self.c.post("/v1/retrievers", {
            "retriever_name": "crud", "stages": [search_stage()]}), 409)
        listed = self.assertStatus(self.c.post("/v1/retrievers/list", {"search": "CRU"}), 200)
        self.assertEqual([x["retriever_name"] for x in listed["results"]], ["crud"])
        self.assertEqual(listed["total"], 1)

        cases = [
            ({"retriever_name": "v1", "stages": [stage("s", "teleport")]},
             ["body", "stages", 0, "config", "stage_id"]),
            ({"retriever_name": "v2", "stages": []}, ["body", "stages"]),
            ({"stages": [search_stage()]}, ["body", "retriever_name"]),
            ({"retriever_name": "v3", "stages": [search_stage(), stage("f", "attribute_filter",
                                                                        field="x", operator="like",
                                                                        value=1)]},
             ["body", "stages", 1, "config", "parameters", "operator"]),
            ({"retriever_name": "v4", "stages": [{"stage_name": "s", "config": {
                "stage_id": "feature_search", "parameters": {"searches": [
                    {"feature_uri": "mixpeek://nope@v1/embedding", "query": "x"}]}}}]},
             ["body", "stages", 0, "config", "parameters", "searches", 0, "feature_uri"]),
            ({"retriever_name": "v5", "collection_identifiers": ["col_missing"],
              "stages": [search_stage()]}, ["body", "collection_identifiers", 0]),
            ({"retriever_name": "v6", "stages": [{"stage_name": "s"}]},
             ["body", "stages", 0, "config"]),
        ]
        for body, loc in cases:
            with self.subTest(loc=loc):
                err = self.assertStatus(self.c.post("/v1/retrievers", body), 422)
                self.assertIn(loc, [d["loc"] for d in err["detail"]])
        self.assertStatus(self.c.post("/v1/retrievers/%s/execute" % r["retriever_id"],
                                      {"pagination": {"page_size": 0}}), 422)

        deleted = self.assertStatus(self.c.delete("/v1/retrievers/" + r["retriever_id"]), 200)
        self.assertEqual(deleted["retriever_id"], r["retriever_id"])
        self.assertStatus(self.c.get("/v1/retrievers/" + r["retriever_id"]), 404)
        self.assertStatus(self.c.delete("/v1/retrievers/" + r["retriever_id"]), 404)
        self.assertStatus(self.c.post("/v1/retrievers/%s/execute" % r["retriever_id"], {}), 404)

    def test_executions_recorded_and_listed(self):
        r = self.create("history", [search_stage(final_top_k=3)])
        path = "/v1/retrievers/%s" % r["retriever_id"]
        runs = [self.execute(r["retriever_id"], {"query": q})
                for q in ("apples", "fox", "market")]
        listed = self.assertStatus(self.c.post(path + "/executions/list"), 200)
        self.assertEqual(listed["pagination"]["total"], 3)
        self.assertEqual({e["execution_id"] for e in listed["results"]},
                         {run["execution_id"] for run in runs})
        for e in listed["results"]:
            self.assertEqual(e["total_returned"], 3)
            self.assertEqual(e["status"], "completed")
        page = self.assertStatus(self.c.post(path + "/executions/list?limit=2&offset=2"), 200)
        self.assertEqual(len(page["results"]), 1)
        self.assertFalse(page["pagination"]["has_next"])
        detail = self.assertStatus(self.c.get(path + "/executions/" + runs[1]["execution_id"]), 200)
        self.assertEqual([d["document_id"] for d in detail["documents"]],
                         [d["document_id"] for d in runs[1]["documents"]])
        for got, want in zip(detail["documents"], runs[1]["documents"]):
            self.assertTrue(math.isclose(got["score"], want["score"], abs_tol=1e-6))
        self.assertStatus(self.c.get(path + "/executions/exec_missing"), 404)
        failed = self.assertStatus(self.c.post(path + "/executions/list", {"status": "failed"}), 200)
        self.assertEqual(failed["pagination"]["total"], 0)

    def test_interactions_crud(self):
        r = self.create("feedback", [search_stage(final_top_k=3)])
        run = self.execute(r["retriever_id"], {"query": "apples"})
        top = run["documents"][0]
        body = {"feature_id": top["document_id"], "interaction_type": ["click", "long_view"],
                "position": 0, "execution_id": run["execution_id"],
                "retriever_id": r["retriever_id"], "session_id": "s1", "user_id": "u1",
                "query_snapshot": {"query": "apples"}, "document_score": top["score"],
                "result_set_size": len(run["documents"])}
        created = self.assertStatus(self.c.post("/v1/retrievers/interactions", body), 200)
        iid = created["interaction_id"]
        self.assertEqual(created["interaction_type"], ["click", "long_view"])
        got = self.assertStatus(self.c.get("/v1/retrievers/interactions/" + iid), 200)
        self.assertEqual(got["query_snapshot"], {"query": "apples"})
        self.assertEqual(got["execution_id"], run["execution_id"])
        other = dict(body, interaction_type=["view"], position=1, session_id="s2")
        self.assertStatus(self.c.post("/v1/retrievers/interactions", other), 200)
        lst = self.assertStatus(self.c.post("/v1/retrievers/interactions/list",
                                            {"interaction_type": "click"}), 200)
        self.assertEqual([i["interaction_id"] for i in lst["results"]], [iid])
        lst = self.assertStatus(self.c.post("/v1/retrievers/interactions/list",
                                            {"retriever_id": r["retriever_id"]}), 200)
        self.assertEqual(lst["pagination"]["total"], 2)
        bad = [({"interaction_type": ["click"], "position": 0}, ["body", "feature_id"]),
               ({"feature_id": "d", "interaction_type": "click", "position": 0},
                ["body", "interaction_type"]),
               ({"feature_id": "d", "interaction_type": ["click"], "position": -1},
                ["body", "position"])]
        for b, loc in bad:
            with self.subTest(loc=loc):
                err = self.assertStatus(self.c.post("/v1/retrievers/interactions", b), 422)
                self.assertIn(loc, [d["loc"] for d in err["detail"]])
        self.assertStatus(self.c.post("/v1/retrievers/interactions", dict(
            body, retriever_id="ret_missing")), 404)
        self.assertStatus(self.c.delete("/v1/retrievers/interactions/" + iid), 200)
        self.assertStatus(self.c.get("/v1/retrievers/interactions/" + iid), 404)
        self.assertStatus(self.c.delete("/v1/retrievers/interactions/" + iid), 404)

    def test_interaction_and_execute_bounds(self):
        # Regression: result_set_size 0, an empty interaction_type, page_size up to 1000
        # and unbounded inputs / stage parameters were accepted.
        ok = {"feature_id": "doc_x", "interaction_type": ["skip"], "position": 0}
        for change, loc, typ in [({"result_set_size": 0}, "result_set_size", "greater_than_equal"),
                                 ({"interaction_type": []}, "interaction_type", "too_short")]:
            with self.subTest(loc=loc):
                err = self.assertStatus(self.c.post("/v1/retrievers/interactions",
                                                    dict(ok, **change)), 422)
                self.assertEqual([(d["loc"], d["type"]) for d in err["detail"]],
                                 [(["body", loc], typ)])
        self.assertStatus(self.c.post("/v1/retrievers/interactions",
                                      dict(ok, result_set_size=1)), 200)
        r = self.create("bounds", [search_stage()])
        path = "/v1/retrievers/%s/execute" % r["retriever_id"]
        err = self.assertStatus(self.c.post(path, {"inputs": {"query": "apples"}, "pagination": {
            "method": "offset", "page_size": 501}}), 422)
        self.assertEqual(err["detail"][0]["loc"], ["body", "pagination", "page_size"])
        self.execute(r["retriever_id"], {"query": "apples"},
                     pagination={"method": "offset", "page_size": 500})
        big = "x" * (1024 * 1024)
        err = self.assertStatus(self.c.post(path, {"inputs": {"query": "apples", "pad": big}}),
                                422)
        self.assertEqual([(d["loc"], d["type"]) for d in err["detail"]],
                         [(["body", "inputs"], "too_long")])
        huge = search_stage()
        huge["config"]["parameters"]["pad"] = big
        flat = stage("flat", "feature_search", pad=big)
        flat["config"] = dict(flat["config"]["parameters"], stage_id="feature_search")
        err = self.assertStatus(self.c.post("/v1/retrievers", {
            "retriever_name": "too-big", "collection_identifiers": [self.col["collection_id"]],
            "stages": [huge, flat]}), 422)
        self.assertEqual(sorted(d["loc"] for d in err["detail"]),
                         [["body", "stages", 0, "config", "parameters"],
                          ["body", "stages", 1, "config"]])

    def test_other_organization_and_namespace_see_404(self):
        r = self.create("private", [search_stage()])
        key = self.server.create_key("ret-other-org")
        other = self.server.client(key=key)
        self.assertStatus(other.get("/v1/retrievers/" + r["retriever_id"], namespace="rets"), 404)
        self.assertStatus(other.post("/v1/namespaces", {"namespace_name": "rets",
                                                        "feature_extractors": TEXT}), 200)
        self.assertStatus(other.get("/v1/retrievers/" + r["retriever_id"], namespace="rets"), 404)
        self.assertStatus(other.post("/v1/retrievers/%s/execute" % r["retriever_id"], {},
                                     namespace="rets"), 404)
        # Another namespace of the same organization does not see it either.
        self.assertStatus(self.api.post("/v1/namespaces", {"namespace_name": "rets-2",
                                                           "feature_extractors": TEXT}), 200)
        self.assertStatus(self.c.get("/v1/retrievers/" + r["retriever_id"], namespace="rets-2"),
                          404)
        listed = self.assertStatus(self.c.post("/v1/retrievers/list", namespace="rets-2"), 200)
        self.assertEqual(listed["total"], 0)


if __name__ == "__main__":
    unittest.main()
