"""JSON null in request bodies, driven by the spec ferryd serves (/openapi.json, Mixpeek's
schemas). Mixpeek is FastAPI/pydantic v2: null for a property whose schema does not allow it
(no anyOf with {"type": "null"}) is a 422 with the type's error, located at the property;
null for a nullable property is None, the property's default. For every request body Ferry
implements, each non-nullable property is sent as null on top of an otherwise valid body, and
one nullable property per schema where a valid request is easy to make."""
import itertools
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import FerryTestCase  # noqa: E402

URI = "mixpeek://text_extractor@v1/embedding"
TEXT = [{"feature_extractor_name": "text_extractor", "version": "v1"}]
MIGRATIONS = "/v1/namespaces/migrations"

# Pydantic v2's answer to null, by the property's type.
MESSAGES = {
    "string_type": "Input should be a valid string",
    "int_type": "Input should be a valid integer",
    "float_type": "Input should be a valid number",
    "bool_type": "Input should be a valid boolean",
    "list_type": "Input should be a valid list",
    "dict_type": "Input should be a valid dictionary",
    "model_attributes_type":
        "Input should be a valid dictionary or object to extract fields from",
}

# Properties whose null is still taken for absent (none left; kept for what a new route
# may need, with its reason).
KNOWN_LEFT = set()


class Spec:
    """Request-body schemas of the served OpenAPI document."""

    def __init__(self, doc):
        self.doc = doc
        self.schemas = doc["components"]["schemas"]

    def resolve(self, s):
        while "$ref" in s:
            s = self.schemas[s["$ref"].rsplit("/", 1)[1]]
        return s

    def nullable(self, s):
        if s.get("nullable") or s.get("type") == "null":
            return True
        if "$ref" in s:
            return self.nullable(self.resolve(s))
        return any(self.nullable(x) for x in s.get("anyOf", []) + s.get("oneOf", []))

    def is_model(self, s):
        s = self.resolve(s)
        return "properties" in s and "enum" not in s

    def null_error(self, s):
        """The error type pydantic gives null for schema `s` ("enum" for an enum), or None
        when the test does not derive it."""
        members = s.get("anyOf", []) + s.get("oneOf", [])
        if members:
            return "model_attributes_type" if all(self.is_model(m) for m in members) else None
        if "$ref" in s and self.is_model(s):
            return "model_attributes_type"
        s = self.resolve(s)
        if "enum" in s:
            return "enum"
        return {"string": "string_type", "integer": "int_type", "number": "float_type",
                "boolean": "bool_type", "array": "list_type", "object": "dict_type"}.get(
                    s.get("type"))

    def bodies(self):
        """(method, path template) -> name of the schema of the JSON body, or None when the
        body is not one model (a union with a free-form object takes anything)."""
        out = {}
        for path, ops in self.doc["paths"].items():
            for method, op in ops.items():
                content = op.get("requestBody", {}).get("content", {})
                if "application/json" in content:
                    schema = content["application/json"]["schema"]
                    name = schema["$ref"].rsplit("/", 1)[1] if "$ref" in schema else None
                    out[(method.upper(), path)] = name
        return out

    def properties(self, name):
        return self.schemas[name].get("properties", {})


class NullTest(FerryTestCase):
    names = itertools.count()

    @classmethod
    def name(cls, prefix):
        return "%s-%d" % (prefix, next(cls.names))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.spec = Spec(cls.api.openapi().doc)
        cls.api.post("/v1/namespaces", {"namespace_name": "nulls", "feature_extractors": TEXT})
        cls.ns = cls.api.get("/v1/namespaces/nulls")[1]["namespace_id"]
        cls.c = cls.server.client(namespace="nulls")
        schema = {"properties": {"content": {"type": "text"}}}
        cls.bucket = cls.c.post("/v1/buckets", {"bucket_name": "b",
                                                "bucket_schema": schema})[1]["bucket_id"]
        objects = "/v1/buckets/%s/objects" % cls.bucket
        cls.object = cls.c.post(objects, {"blobs": [cls.blob()]})[1]["object_id"]
        batches = "/v1/buckets/%s/batches" % cls.bucket
        cls.batch = cls.c.post(batches, {"object_ids": [cls.object]})[1]["batch_id"]
        cls.col = cls.c.post("/v1/collections", cls.collection_body())[1]["collection_id"]
        cls.retriever = cls.c.post("/v1/retrievers", cls.retriever_body())[1][
            "retriever"]["retriever_id"]
        cls.cluster = cls.c.post("/v1/clusters", cls.cluster_body())[1]["cluster_id"]
        cls.taxonomy = cls.c.post("/v1/taxonomies", cls.taxonomy_body())[1]["taxonomy_id"]
        cls.migrations = {}
        for use in ("start", "sync", "cancel"):
            status, m = cls.api.post(MIGRATIONS + "/", cls.migration_body())
            assert status == 201, m
            cls.migrations[use] = m["migration_id"]

    @staticmethod
    def blob():
        return {"property": "content", "type": "text", "data": "some text"}

    @classmethod
    def collection_body(cls):
        return {"collection_name": cls.name("col"),
                "source": {"type": "bucket", "bucket_ids": [cls.bucket]},
                "feature_extractor": {"feature_extractor_name": "text_extractor", "version": "v1",
                                      "input_mappings": {"text": "content"}}}

    @classmethod
    def retriever_body(cls):
        return {"retriever_name": cls.name("ret"), "collection_identifiers": [cls.col],
                "stages": [{"stage_name": "search", "stage_type": "filter",
                            "config": {"stage_id": "feature_search", "parameters": {
                                "searches": [{"feature_uri": URI, "top_k": 10, "query": {
                                    "input_mode": "text", "text": "{{inputs.query}}"}}],
                                "final_top_k": 5}}}]}

    @classmethod
    def cluster_body(cls):
        return {"cluster_name": cls.name("clu"), "collection_ids": [cls.col],
                "cluster_type": "vector",
                "vector_config": {"feature_uris": [URI], "clustering_method": "kmeans",
                                  "algorithm_params": {"n_clusters": 2}}}

    @classmethod
    def taxonomy_body(cls):
        return {"taxonomy_name": cls.name("tax"),
                "config": {"taxonomy_type": "flat", "retriever_id": cls.retriever,
                           "input_mappings": [{"input_key": "query", "source_type": "payload",
                                               "path": "text"}],
                           "source_collection": {"collection_id": cls.col}}}

    @classmethod
    def migration_body(cls):
        return {"config": {"migration_type": "copy", "source_namespace_id": cls.ns,
                           "target_namespace_name": cls.name("mig")},
                "start_immediately": False}

    def operations(self):
        """(method, path template) -> (path, a function making an otherwise valid body, a
        nullable property to send as null and expect served, or None)."""
        bucket = "/v1/buckets/%s" % self.bucket
        obj = bucket + "/objects/" + self.object
        batch = bucket + "/batches/" + self.batch
        col = "/v1/collections/" + self.col
        ret = "/v1/retrievers/" + self.retriever
        mig = MIGRATIONS + "/"
        empty = dict
        return {
            ("POST", "/v1/buckets"): ("/v1/buckets", lambda: {
                "bucket_name": self.name("bkt"),
                "bucket_schema": {"properties": {"content": {"type": "text"}}}}, "description"),
            ("POST", "/v1/buckets/list"): ("/v1/buckets/list", empty, "search"),
            ("POST", "/v1/buckets/{bucket_identifier}/batches"): (
                bucket + "/batches", lambda: {"object_ids": [self.object]}, None),
            ("POST", "/v1/buckets/{bucket_identifier}/batches/list"): (
                bucket + "/batches/list", empty, "status"),
            ("POST", "/v1/buckets/{bucket_identifier}/batches/{batch_id}/retry"): (
                batch + "/retry", empty, None),
            ("POST", "/v1/buckets/{bucket_identifier}/batches/{batch_id}/submit"): (
                batch + "/submit", empty, None),
            ("POST", "/v1/buckets/{bucket_identifier}/objects"): (
                bucket + "/objects", lambda: {"blobs": [self.blob()]}, "key_prefix"),
            ("POST", "/v1/buckets/{bucket_identifier}/objects/list"): (
                bucket + "/objects/list", empty, "search"),
            ("PATCH", "/v1/buckets/{bucket_identifier}/objects/{object_identifier}"): (
                obj, lambda: {"content": "other text"}, "key_prefix"),
            ("PUT", "/v1/buckets/{bucket_identifier}/objects/{object_identifier}"): (
                obj, lambda: {"blobs": [self.blob()]}, "key_prefix"),
            ("POST", "/v1/clusters"): ("/v1/clusters", self.cluster_body, "description"),
            ("POST", "/v1/clusters/list"): ("/v1/clusters/list", empty, "search"),
            ("PATCH", "/v1/clusters/{cluster_identifier}"): (
                "/v1/clusters/" + self.cluster, lambda: {"cluster_name": self.name("clu")},
                "description"),
            ("POST", "/v1/clusters/{cluster_id}/executions/list"): (
                "/v1/clusters/%s/executions/list" % self.cluster, empty, "search"),
            ("POST", "/v1/collections"): ("/v1/collections", self.collection_body,
                                          "description"),
            ("POST", "/v1/collections/list"): ("/v1/collections/list", empty, "search"),
            ("POST", "/v1/collections/{collection_identifier}/clone"): (
                col + "/clone", lambda: {"collection_name": self.name("clone")}, "description"),
            ("POST", "/v1/collections/{collection_identifier}/documents"): (
                col + "/documents", lambda: {"collection_id": self.col}, "lineage_path"),
            ("DELETE", "/v1/collections/{collection_identifier}/documents/batch"): (
                col + "/documents/batch", lambda: {"document_ids": ["doc_absent"]}, "filters"),
            ("POST", "/v1/collections/{collection_identifier}/documents/batch"): (
                col + "/documents/batch", lambda: {"updates": [
                    {"document_id": "doc_absent", "update_data": {"a": 1}}]}, "filters"),
            ("PATCH", "/v1/collections/{collection_identifier}/documents/bulk"): (
                col + "/documents/bulk", lambda: {"update_data": {"a": 1}}, "filters"),
            ("POST", "/v1/collections/{collection_identifier}/documents/list"): (
                col + "/documents/list", empty, "return_vectors"),
            ("POST", "/v1/namespaces"): ("/v1/namespaces", lambda: {
                "namespace_name": self.name("ns"), "feature_extractors": TEXT}, "description"),
            ("POST", "/v1/namespaces/list"): ("/v1/namespaces/list", empty, "search"),
            ("POST", "/v1/namespaces/migrations/"): (mig, self.migration_body, None),
            ("POST", "/v1/namespaces/migrations/list"): (mig + "list", empty, "status"),
            ("POST", "/v1/namespaces/migrations/validate"): (
                mig + "validate", lambda: {"config": self.migration_body()["config"]}, None),
            ("POST", "/v1/namespaces/migrations/{migration_id}/cancel"): (
                mig + self.migrations["cancel"] + "/cancel", empty, "reason"),
            ("POST", "/v1/namespaces/migrations/{migration_id}/start"): (
                mig + self.migrations["start"] + "/start", empty, None),
            ("POST", "/v1/namespaces/migrations/{migration_id}/sync"): (
                mig + self.migrations["sync"] + "/sync", empty, None),
            ("PATCH", "/v1/namespaces/{namespace_identifier}"): (
                "/v1/namespaces/" + self.ns, lambda: {"description": "d"}, "description"),
            ("POST", "/v1/namespaces/{namespace_identifier}/clone"): (
                "/v1/namespaces/%s/clone" % self.ns, lambda: {"namespace_name": self.name("nc")},
                None),
            ("POST", "/v1/retrievers"): ("/v1/retrievers", self.retriever_body, "description"),
            ("POST", "/v1/retrievers/interactions"): ("/v1/retrievers/interactions", lambda: {
                "feature_id": "doc_absent", "interaction_type": ["click"], "position": 0},
                "user_id"),
            ("POST", "/v1/retrievers/interactions/list"): (
                "/v1/retrievers/interactions/list", empty, "user_id"),
            ("POST", "/v1/retrievers/list"): ("/v1/retrievers/list", empty, "search"),
            ("PATCH", "/v1/retrievers/{retriever_id}"): (ret, lambda: {"description": "d"},
                                                         "description"),
            ("POST", "/v1/retrievers/{retriever_id}/execute"): (
                ret + "/execute", lambda: {"inputs": {"query": "text"}}, None),
            ("POST", "/v1/retrievers/{retriever_id}/executions/list"): (
                ret + "/executions/list", empty, "status"),
            ("POST", "/v1/tasks/list"): ("/v1/tasks/list", empty, "status"),
            ("POST", "/v1/taxonomies"): ("/v1/taxonomies", self.taxonomy_body, "description"),
            ("POST", "/v1/taxonomies/list"): ("/v1/taxonomies/list", empty, "search"),
            ("PATCH", "/v1/taxonomies/{taxonomy_identifier}"): (
                "/v1/taxonomies/" + self.taxonomy, lambda: {"description": "d"}, "description"),
        }

    def send(self, method, path, body):
        return self.c.call(method, path, body, validate=False)

    def assertNullRefused(self, method, path, body, prop, schema):
        body[prop] = None
        status, out = self.send(method, path, body)
        self.assertEqual(status, 422, json.dumps(out)[:1000])
        self.assertEqual([d["loc"] for d in out["detail"]], [["body", prop]], json.dumps(out))
        issue = out["detail"][0]
        want = self.spec.null_error(schema)
        if want == "enum":
            self.assertEqual(issue["type"], "enum")
            self.assertTrue(issue["msg"].startswith("Input should be '"), issue)
        elif want is not None:
            self.assertEqual((issue["type"], issue["msg"]), (want, MESSAGES[want]))

    def test_null_is_422_where_the_spec_refuses_it_and_absent_where_it_allows_it(self):
        bodies = self.spec.bodies()
        ops = self.operations()
        for key, name in bodies.items():
            if key in ops or name is None:
                continue
            with self.subTest(op="%s %s" % key):
                # A route added with a body belongs in operations(), unless its schema has no
                # property that refuses null.
                refusing = [p for p, s in self.spec.properties(name).items()
                            if not self.spec.nullable(s)]
                self.assertEqual(refusing, [], "%s is not in operations()" % name)
        for key, (path, make, nullable) in ops.items():
            name = bodies[key]
            for prop, schema in self.spec.properties(name).items():
                if self.spec.nullable(schema):
                    continue
                with self.subTest(op="%s %s" % key, prop=prop):
                    if (name, prop) in KNOWN_LEFT:
                        self.skipTest("%s.%s is read in src/api: null still absent" % (name, prop))
                    self.assertNullRefused(key[0], path, make(), prop, schema)
            if nullable is not None:
                with self.subTest(op="%s %s" % key, nullable=nullable):
                    self.assertTrue(self.spec.nullable(self.spec.properties(name)[nullable]))
                    body = make()
                    body[nullable] = None
                    status, out = self.send(key[0], path, body)
                    self.assertIn(status, (200, 201), json.dumps(out)[:1000])

    def test_null_inside_nested_models_is_refused(self):
        # A non-nullable property of a nested model (VectorBasedConfig), a bucket schema's
        # field definition and an element of a list of models.
        cases = [
            ("/v1/clusters", dict(self.cluster_body(), vector_config={
                "feature_uris": [URI], "clustering_method": "kmeans",
                "normalize_features": None}),
             ["body", "vector_config", "normalize_features"], "bool_type"),
            ("/v1/buckets", {"bucket_name": self.name("bkt"),
                             "bucket_schema": {"properties": {"content": None}}},
             ["body", "bucket_schema", "properties", "content"], "model_attributes_type"),
            ("/v1/namespaces", {"namespace_name": self.name("ns"), "feature_extractors": [None]},
             ["body", "feature_extractors", 0], "model_attributes_type"),
        ]
        for path, body, loc, typ in cases:
            with self.subTest(loc=loc):
                status, out = self.send("POST", path, body)
                self.assertEqual(status, 422, json.dumps(out)[:1000])
                self.assertEqual([(d["loc"], d["type"]) for d in out["detail"]], [(loc, typ)])


if __name__ == "__main__":
    unittest.main()
