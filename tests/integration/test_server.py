"""The server as a whole: health, an OpenAPI document that matches exactly what is
served (and Mixpeek's schemas), API keys stored only as hashes, structured logs with
request ids and no secrets, graceful SIGTERM, and a restart that keeps all data."""
import json
import os
import re
import signal
import sqlite3
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import ADMIN_KEY, Ferryd, FerryTestCase, b64_file, wait_task  # noqa: E402

# Mixpeek's spec, kept in the repository (tests/spec/README.md): every checkout compares.
MIXPEEK_SPEC = os.path.join(os.path.dirname(__file__), "..", "spec", "mixpeek-openapi.json")


def without_extensions(schema):
    """`schema` without the properties marked x-ferry-extension, at any depth (a properties
    map that held only marked ones goes too)."""
    if isinstance(schema, list):
        return [without_extensions(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, value in schema.items():
        if key == "properties" and isinstance(value, dict):
            kept = {k: without_extensions(v) for k, v in value.items()
                    if not (isinstance(v, dict) and v.get("x-ferry-extension"))}
            if kept or len(kept) == len(value):
                out[key] = kept
        else:
            out[key] = without_extensions(value)
    return out


def marked(schema):
    """The marked (x-ferry-extension) properties of `schema`, at the top level."""
    return {k for k, v in schema.get("properties", {}).items() if v.get("x-ferry-extension")}


class OpenApiTest(FerryTestCase):
    def test_healthz(self):
        self.assertEqual(self.assertStatus(self.api.get("/healthz", key=""), 200), {"status": "ok"})

    def test_every_documented_operation_is_served(self):
        doc = self.assertStatus(self.api.get("/openapi.json", key=""), 200)
        self.assertEqual(doc["openapi"], "3.1.0")
        for path, ops in doc["paths"].items():
            concrete = re.sub(r"\{[^}]+\}", "x_probe", path)
            for method in ops:
                with self.subTest(method=method, path=path):
                    status, body, _ = self.api.raw(method.upper(), concrete, "{}", {
                        "Authorization": "Bearer " + ADMIN_KEY, "X-Namespace": "missing"})
                    self.assertNotIn(status, (405,), body)
                    if status == 404:
                        # A 404 must come from the handler (a missing resource), not the router.
                        self.assertNotIn("no route", json.loads(body)["error"]["message"])

    def test_undocumented_routes_are_not_served(self):
        for method, path in [("POST", "/v1/taxonomies/x/clone"), ("POST", "/v1/retrievers/x/clone"),
                             ("PUT", "/v1/buckets/x")]:
            status, _, _ = self.api.raw(method, path)
            self.assertIn(status, (404, 405))

    def test_schemas_are_mixpeeks(self):
        ours = self.assertStatus(self.api.get("/openapi.json", key=""), 200)
        with open(MIXPEEK_SPEC) as f:  # a missing file fails the test
            theirs = json.load(f)
        compared = 0
        for name, schema in ours["components"]["schemas"].items():
            if name.startswith("Ferry"):
                continue  # a schema of a Ferry extension (tools/gen_openapi.py FERRY_SCHEMAS)
            # Fields Ferry adds are marked (gen_openapi.py FERRY_FIELDS); the rest is Mixpeek's.
            self.assertEqual(without_extensions(schema), theirs["components"]["schemas"][name],
                             name)
            compared += 1
        for path, ops in ours["paths"].items():
            if not path.startswith("/v1/"):
                continue
            for method, op in ops.items():
                if op.get("operationId", "").startswith("ferry_"):
                    continue  # a Ferry extension, documented as such
                mixpeek = theirs["paths"][path][method]
                ours_without_extras = dict(op)
                # Ferry may add error statuses (409/413/503); everything else is Mixpeek's.
                ours_without_extras["responses"] = {
                    k: v for k, v in op["responses"].items() if k in mixpeek["responses"]}
                self.assertEqual(ours_without_extras, mixpeek, method + " " + path)
                compared += 1
        self.assertGreater(compared, 100)

    def test_extensions_are_marked(self):
        # Regression: fields, statuses and routes Ferry adds were served but not marked as
        # Ferry's in /openapi.json.
        doc = self.assertStatus(self.api.get("/openapi.json", key=""), 200)
        with open(MIXPEEK_SPEC) as f:
            theirs = json.load(f)["components"]["schemas"]
        self.api.post("/v1/namespaces", {"namespace_name": "marks", "feature_extractors": [
            {"feature_extractor_name": "text_extractor", "version": "v1"}]})
        c = self.server.client(namespace="marks")
        bucket = self.assertStatus(c.post("/v1/buckets", {"bucket_name": "b", "bucket_schema": {
            "properties": {"content": {"type": "text"}}}}), 200)
        obj = self.assertStatus(c.post("/v1/buckets/b/objects", {"blobs": [
            {"property": "content", "type": "text", "data": "marked"}]}), 200)
        batch = self.assertStatus(c.post("/v1/buckets/b/batches",
                                         {"object_ids": [obj["object_id"]]}), 200)
        col = self.assertStatus(c.post("/v1/collections", {
            "collection_name": "marked", "source": {"type": "bucket",
                                                  "bucket_ids": [bucket["bucket_id"]]},
            "feature_extractor": {"feature_extractor_name": "text_extractor", "version": "v1",
                                  "input_mappings": {"text": "content"}}}), 200)
        task = self.assertStatus(c.post("/v1/buckets/b/batches/%s/submit" % batch["batch_id"]),
                                 200)
        wait_task(c, task["task_id"])
        doc_page = self.assertStatus(c.post(
            "/v1/collections/%s/documents/list" % col["collection_id"], {}), 200)
        served = [("NamespaceModel", self.assertStatus(self.api.get("/v1/namespaces/marks"), 200)),
                  ("BucketResponse", bucket), ("ObjectResponse", obj), ("BatchModel", batch),
                  ("CollectionResponse", col),
                  ("TaskResponse", self.assertStatus(c.get("/v1/tasks/" + task["task_id"]), 200)),
                  ("InternalPayloadModel", doc_page["results"][0]["_internal"])]
        schemas = doc["components"]["schemas"]
        for name, body in served:
            with self.subTest(schema=name):
                extra = set(body) - set(theirs[name]["properties"])
                self.assertTrue(extra)  # each of these carries a Ferry field
                self.assertEqual(extra, marked(schemas[name]))
        for name, schema in schemas.items():
            for prop in marked(schema):
                self.assertTrue(schema["properties"][prop]["description"].endswith(
                    "(Ferry extension)."), (name, prop))
        for name, props in [("ClusterExecutionResult", {"task_id", "artifacts"}),
                            ("CreateRetrieverRequest", {"collection_ids"}),
                            ("CreateClusterRequest", {"description", "metadata"}),
                            ("CreateTaxonomyRequest", {"metadata"}),
                            ("ExecuteTaxonomyRequest", {"collection_id"})]:
            self.assertEqual(marked(schemas[name]), props, name)
        additional = schemas["GetMigrationResponse"]["properties"]["additional_data"]
        self.assertEqual(marked(additional), {"benchmark", "verification"})
        for path, ops in doc["paths"].items():
            for method, op in ops.items():
                with self.subTest(method=method, path=path):
                    if not path.startswith("/v1/"):
                        self.assertTrue(op["operationId"].startswith("ferry_"))
                        self.assertIn("(Ferry extension", op["summary"])
                    elif not op["operationId"].startswith("ferry_"):
                        self.assertLessEqual({"504", "507"}, set(op["responses"]))
        self.assertIn("/ui", doc["paths"])
        self.assertIn("/ui/{folder}/{file}", doc["paths"])


class KeysAndLogsTest(unittest.TestCase):
    def test_keys_are_stored_hashed_and_never_logged(self):
        server = Ferryd().start()
        try:
            c = server.client()
            c.post("/v1/namespaces", {"namespace_name": "k", "feature_extractors": [
                {"feature_extractor_name": "text_extractor", "version": "v1"}]})
            self.assertEqual(c.get("/v1/namespaces/k")[0], 200)
            c.get("/v1/namespaces/k", headers={"X-Request-Id": "trace-me-123"})
            rc = server.stop()
            self.assertEqual(rc, 0)
            logs = server.remaining_stderr
            self.assertNotIn(ADMIN_KEY, logs)
            lines = [json.loads(l) for l in logs.splitlines() if l.startswith("{")]
            requests = [l for l in lines if l.get("msg") == "request"]
            self.assertTrue(requests)
            self.assertTrue(all(l.get("request_id") for l in requests))
            self.assertIn("trace-me-123", [l["request_id"] for l in requests])
            catalog = os.path.join(server.data_dir, "catalog.db")
            for fname in os.listdir(server.data_dir):
                path = os.path.join(server.data_dir, fname)
                if os.path.isfile(path):
                    with open(path, "rb") as f:
                        self.assertNotIn(ADMIN_KEY.encode(), f.read(), fname)
            db = sqlite3.connect(catalog)
            tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            dump = "\n".join(db.iterdump())
            db.close()
            self.assertTrue(tables)
            self.assertNotIn(ADMIN_KEY, dump)
        finally:
            server.cleanup()

    def test_first_start_prints_a_key_once(self):
        server = Ferryd(env={"FERRY_API_KEY": ""})
        try:
            server.start()
            server.stop()
            printed = [l for l in server.stdout_lines if l.strip().startswith("sk_")]
            self.assertEqual(len(printed), 1)
            key = printed[0].strip()
            server.start()
            self.assertEqual(server.client(key=key).post("/v1/namespaces/list")[0], 200)
            server.stop()
            self.assertFalse([l for l in server.stdout_lines if l.strip().startswith("sk_")],
                             "the key must be printed only on first start")
        finally:
            server.cleanup()


class RestartTest(unittest.TestCase):
    def test_restart_keeps_all_data(self):
        server = Ferryd().start()
        try:
            c = server.client(namespace="keep")
            c.post("/v1/namespaces", {"namespace_name": "keep", "feature_extractors": [
                {"feature_extractor_name": "text_extractor", "version": "v1"}]})
            schema = {"properties": {"content": {"type": "text"}, "photo": {"type": "image"}}}
            bucket = c.post("/v1/buckets", {"bucket_name": "b", "bucket_schema": schema})[1]
            col = c.post("/v1/collections", {
                "collection_name": "texts",
                "source": {"type": "bucket", "bucket_ids": [bucket["bucket_id"]]},
                "feature_extractor": {"feature_extractor_name": "text_extractor",
                                      "version": "v1", "input_mappings": {"text": "content"}}})[1]
            obj = c.post("/v1/buckets/%s/objects" % bucket["bucket_id"], {"blobs": [
                {"property": "content", "type": "text", "data": "persist me"},
                {"property": "photo", "type": "image", "data": b64_file("red_16x16.png")}]})[1]
            batch = c.post("/v1/buckets/%s/batches" % bucket["bucket_id"],
                           {"object_ids": [obj["object_id"]]})[1]
            task = c.post("/v1/buckets/%s/batches/%s/submit"
                          % (bucket["bucket_id"], batch["batch_id"]))[1]
            wait_task(c, task["task_id"])
            snapshot = {
                "ns": c.get("/v1/namespaces/keep")[1],
                "bucket": c.get("/v1/buckets/b")[1],
                "object": c.get("/v1/buckets/b/objects/" + obj["object_id"])[1],
                "collection": c.get("/v1/collections/texts")[1],
                "docs": c.post("/v1/collections/texts/documents/list",
                               {"return_vectors": True})[1],
                "task": c.get("/v1/tasks/" + task["task_id"])[1],
                "batch": c.get("/v1/buckets/b/batches/" + batch["batch_id"])[1],
            }
            self.assertEqual(snapshot["task"]["status"], "COMPLETED")
            self.assertEqual(len(snapshot["docs"]["results"]), 1)
            self.assertEqual(server.stop(signal.SIGTERM), 0)
            server.start()
            c = server.client(namespace="keep")
            after = {
                "ns": c.get("/v1/namespaces/keep")[1],
                "bucket": c.get("/v1/buckets/b")[1],
                "object": c.get("/v1/buckets/b/objects/" + obj["object_id"])[1],
                "collection": c.get("/v1/collections/texts")[1],
                "docs": c.post("/v1/collections/texts/documents/list",
                               {"return_vectors": True})[1],
                "task": c.get("/v1/tasks/" + task["task_id"])[1],
                "batch": c.get("/v1/buckets/b/batches/" + batch["batch_id"])[1],
            }
            self.assertEqual(snapshot, after)
            self.assertEqual(col["collection_id"], after["collection"]["collection_id"])
        finally:
            server.cleanup()


if __name__ == "__main__":
    unittest.main()
