#!/usr/bin/env python3
"""Generates src/api/openapi.json: the operations Ferry implements, copied from Mixpeek's
public spec (same paths, parameters, schemas and schema names), plus Ferry's own
endpoints. Re-run after adding a route:

    tools/gen_openapi.py ../shared/spec/mixpeek-openapi.json > src/api/openapi.json
"""
import json
import sys

# (method, path) of every Mixpeek operation Ferry serves; keep in step with api/*_handlers.cc.
IMPLEMENTED = [
    ("post", "/v1/namespaces"),
    ("post", "/v1/namespaces/list"),
    ("get", "/v1/namespaces/{namespace_identifier}"),
    ("patch", "/v1/namespaces/{namespace_identifier}"),
    ("delete", "/v1/namespaces/{namespace_identifier}"),
    ("post", "/v1/buckets"),
    ("post", "/v1/buckets/list"),
    ("get", "/v1/buckets/{bucket_identifier}"),
    ("delete", "/v1/buckets/{bucket_identifier}"),
    ("post", "/v1/buckets/{bucket_identifier}/objects"),
    ("post", "/v1/buckets/{bucket_identifier}/objects/list"),
    ("get", "/v1/buckets/{bucket_identifier}/objects/{object_identifier}"),
    ("delete", "/v1/buckets/{bucket_identifier}/objects/{object_identifier}"),
    ("post", "/v1/buckets/{bucket_identifier}/batches"),
    ("get", "/v1/buckets/{bucket_identifier}/batches/{batch_id}"),
    ("post", "/v1/buckets/{bucket_identifier}/batches/{batch_id}/submit"),
    ("get", "/v1/collections/features/extractors"),
    ("post", "/v1/collections"),
    ("post", "/v1/collections/list"),
    ("get", "/v1/collections/{collection_identifier}"),
    ("delete", "/v1/collections/{collection_identifier}"),
    ("post", "/v1/collections/{collection_identifier}/documents/list"),
    ("get", "/v1/collections/{collection_identifier}/documents/{document_id}"),
    ("get", "/v1/tasks/{task_id}"),
    ("post", "/v1/namespaces/migrations/"),
    ("post", "/v1/namespaces/migrations/validate"),
    ("post", "/v1/namespaces/migrations/list"),
    ("get", "/v1/namespaces/migrations/{migration_id}"),
    ("delete", "/v1/namespaces/migrations/{migration_id}"),
    ("post", "/v1/namespaces/migrations/{migration_id}/start"),
    ("post", "/v1/namespaces/migrations/{migration_id}/cancel"),
    ("post", "/v1/retrievers"),
    ("post", "/v1/retrievers/list"),
    ("get", "/v1/retrievers/{retriever_id}"),
    ("patch", "/v1/retrievers/{retriever_id}"),
    ("delete", "/v1/retrievers/{retriever_id}"),
    ("post", "/v1/retrievers/{retriever_id}/execute"),
    ("post", "/v1/retrievers/{retriever_id}/executions/list"),
    ("get", "/v1/retrievers/{retriever_id}/executions/{execution_id}"),
    ("post", "/v1/retrievers/interactions"),
    ("post", "/v1/retrievers/interactions/list"),
    ("get", "/v1/retrievers/interactions/{interaction_id}"),
    ("delete", "/v1/retrievers/interactions/{interaction_id}"),
    ("post", "/v1/taxonomies"),
    ("post", "/v1/taxonomies/list"),
    ("get", "/v1/taxonomies/{taxonomy_identifier}"),
    ("patch", "/v1/taxonomies/{taxonomy_identifier}"),
    ("delete", "/v1/taxonomies/{taxonomy_identifier}"),
    ("post", "/v1/taxonomies/execute/{taxonomy_identifier}"),
]

FERRY_PATHS = {
    "/healthz": {"get": {
        "operationId": "ferry_healthz",
        "summary": "Liveness of this ferryd process (Ferry extension).",
        "responses": {"200": {"description": "Alive", "content": {"application/json": {
            "schema": {"type": "object", "required": ["status"],
                       "properties": {"status": {"type": "string", "enum": ["ok"]}}}}}}}}},
    "/v1/webhooks/secret/rotate": {"post": {
        "operationId": "ferry_rotate_webhook_secret",
        "summary": "Rotate the organization's webhook signing secret (Ferry extension). "
                   "Webhook bodies are signed with HMAC-SHA256 under it, sent as "
                   "X-Ferry-Signature: sha256=<hex>. The secret is shown only in this response.",
        "responses": {
            "200": {"description": "The new secret", "content": {"application/json": {
                "schema": {"type": "object", "required": ["secret", "internal_id", "message"],
                           "properties": {"secret": {"type": "string"},
                                          "internal_id": {"type": "string"},
                                          "message": {"type": "string"}}}}}},
            "401": {"description": "Unauthorized", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/ErrorResponse"}}}}}}},
    "/openapi.json": {"get": {
        "operationId": "ferry_openapi",
        "summary": "This document (Ferry extension).",
        "responses": {"200": {"description": "OpenAPI 3.1 document",
                              "content": {"application/json": {"schema": {"type": "object"}}}}}}},
}


# Statuses Ferry may answer on any operation beyond what Mixpeek declares: 409 for a
# name or state conflict, 413 for an over-limit body, 503 while shutting down. All use
# Mixpeek's ErrorResponse envelope.
EXTRA_ERRORS = {"409": "Conflict", "413": "Payload Too Large", "503": "Service Unavailable"}


def with_extra_errors(op):
    op = json.loads(json.dumps(op))
    for code, text in EXTRA_ERRORS.items():
        op["responses"].setdefault(code, {"description": text, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/ErrorResponse"}}}})
    return op


def refs(node, out):
    if isinstance(node, dict):
        r = node.get("$ref")
        if isinstance(r, str) and r.startswith("#/components/schemas/"):
            out.add(r.split("/")[-1])
        for v in node.values():
            refs(v, out)
    elif isinstance(node, list):
        for v in node:
            refs(v, out)


def main():
    spec = json.load(open(sys.argv[1]))
    schemas = spec["components"]["schemas"]
    paths = {}
    for method, path in IMPLEMENTED:
        paths.setdefault(path, {})[method] = with_extra_errors(spec["paths"][path][method])
    paths.update(FERRY_PATHS)
    needed, frontier = set(), set()
    refs(paths, frontier)
    while frontier:
        name = frontier.pop()
        if name in needed:
            continue
        needed.add(name)
        refs(schemas[name], frontier)
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "Ferry", "version": "0.1.0",
                 "description": "Self-hosted, Mixpeek-compatible server for multimodal "
                                "retrieval data and its migrations."},
        "paths": paths,
        "components": {"schemas": {n: schemas[n] for n in sorted(needed)}},
    }
    if "securitySchemes" in spec.get("components", {}):
        doc["components"]["securitySchemes"] = spec["components"]["securitySchemes"]
    json.dump(doc, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
