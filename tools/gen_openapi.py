#!/usr/bin/env python3
"""Generates src/api/openapi.json: the operations Ferry implements, copied from Mixpeek's
public spec (same paths, parameters, schemas and schema names), plus Ferry's own
endpoints. Re-run after adding a route:

    tools/gen_openapi.py ../shared/spec/mixpeek-openapi.json > src/api/openapi.json
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from openapi_live import LIVE_PATHS, LIVE_SCHEMAS  # noqa: E402

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
    ("put", "/v1/buckets/{bucket_identifier}/objects/{object_identifier}"),
    ("patch", "/v1/buckets/{bucket_identifier}/objects/{object_identifier}"),
    ("post", "/v1/buckets/{bucket_identifier}/batches/list"),
    ("delete", "/v1/buckets/{bucket_identifier}/batches/{batch_id}"),
    ("post", "/v1/buckets/{bucket_identifier}/batches/{batch_id}/cancel"),
    ("post", "/v1/buckets/{bucket_identifier}/batches/{batch_id}/retry"),
    ("get", "/v1/buckets/{bucket_identifier}/batches/{batch_id}/failed-documents"),
    ("post", "/v1/tasks/list"),
    ("delete", "/v1/tasks/{task_id}"),
    ("get", "/v1/collections/features/extractors"),
    ("post", "/v1/collections"),
    ("post", "/v1/collections/list"),
    ("get", "/v1/collections/{collection_identifier}"),
    ("delete", "/v1/collections/{collection_identifier}"),
    ("post", "/v1/collections/{collection_identifier}/documents/list"),
    ("get", "/v1/collections/{collection_identifier}/documents/{document_id}"),
    ("put", "/v1/collections/{collection_identifier}/documents/{document_id}"),
    ("patch", "/v1/collections/{collection_identifier}/documents/{document_id}"),
    ("delete", "/v1/collections/{collection_identifier}/documents/{document_id}"),
    ("post", "/v1/collections/{collection_identifier}/documents"),
    ("post", "/v1/collections/{collection_identifier}/documents/batch"),
    ("delete", "/v1/collections/{collection_identifier}/documents/batch"),
    ("patch", "/v1/collections/{collection_identifier}/documents/bulk"),
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
    ("post", "/v1/clusters"),
    ("post", "/v1/clusters/list"),
    ("get", "/v1/clusters/{cluster_identifier}"),
    ("patch", "/v1/clusters/{cluster_identifier}"),
    ("delete", "/v1/clusters/{cluster_id}"),
    ("post", "/v1/clusters/{cluster_id}/execute"),
    ("post", "/v1/clusters/{cluster_id}/executions/list"),
    ("get", "/v1/clusters/{cluster_id}/executions"),
    ("get", "/v1/clusters/{cluster_id}/executions/{run_id}"),
    ("post", "/v1/taxonomies"),
    ("post", "/v1/taxonomies/list"),
    ("get", "/v1/taxonomies/{taxonomy_identifier}"),
    ("patch", "/v1/taxonomies/{taxonomy_identifier}"),
    ("delete", "/v1/taxonomies/{taxonomy_identifier}"),
    ("post", "/v1/taxonomies/execute/{taxonomy_identifier}"),
    ("post", "/v1/namespaces/{namespace_identifier}/clone"),
    ("post", "/v1/collections/{collection_identifier}/clone"),
]

def _error(description):
    return {"description": description, "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/ErrorResponse"}}}}


_MIGRATION_ID = {"name": "migration_id", "in": "path", "required": True,
                 "schema": {"type": "string", "title": "Migration Id"}}

# Schemas of Ferry's own endpoints, added to components.schemas.
FERRY_SCHEMAS = {
    "FerryMigrationFailedItem": {
        "type": "object", "title": "FerryMigrationFailedItem",
        "description": "An item a migration could not process (Ferry extension).",
        "required": ["id", "migration_id", "resource_id", "resource_type", "batch_no", "error",
                     "attempts", "status", "created_at", "updated_at"],
        "properties": {
            "id": {"type": "string", "description": "Source object or document id"},
            "migration_id": {"type": "string"},
            "resource_id": {"type": "string", "description": "Source bucket or collection"},
            "resource_type": {
                "$ref": "#/components/schemas/shared__namespaces__migrations__models__ResourceType"},
            "batch_no": {"type": "integer", "description": "Batch that last processed it"},
            "error": {"type": "string"},
            "attempts": {"type": "integer", "minimum": 1,
                         "description": "Times it was processed and failed"},
            "status": {"type": "string", "enum": ["failed", "resolved"]},
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"}}},
    "FerryListFailedItemsResponse": {
        "type": "object", "title": "FerryListFailedItemsResponse",
        "required": ["results", "total", "limit", "offset"],
        "properties": {
            "results": {"type": "array",
                        "items": {"$ref": "#/components/schemas/FerryMigrationFailedItem"}},
            "total": {"type": "integer"}, "limit": {"type": "integer"},
            "offset": {"type": "integer"}}},
    "FerryRetryMigrationResponse": {
        "type": "object", "title": "FerryRetryMigrationResponse",
        "required": ["migration_id", "status", "task_id", "items_to_retry", "message"],
        "properties": {
            "migration_id": {"type": "string"},
            "status": {"$ref": "#/components/schemas/MigrationStatus"},
            "task_id": {"anyOf": [{"type": "string"}, {"type": "null"}]},
            "items_to_retry": {"type": "integer", "minimum": 0},
            "message": {"type": "string"}}},
}

_UI_FILE = {"name": "file", "in": "path", "required": True, "schema": {"type": "string"}}
_UI_TYPES = ["text/html", "text/javascript", "text/css", "image/svg+xml", "image/png",
             "image/x-icon", "application/json", "text/plain", "application/octet-stream"]


def _ui_file(operation_id, parameters):
    return {
        "operationId": operation_id,
        "summary": "A static file of the web dashboard (Ferry extension), read from ui_dir; "
                   "no authentication. Paths leading out of ui_dir, and anything but a regular "
                   "file, are 404.",
        "parameters": parameters,
        "responses": {"200": {"description": "The file, typed by its extension", "content": {
            t: {"schema": {"type": "string"}} for t in _UI_TYPES}},
            "404": _error("Not Found")}}


FERRY_PATHS = {
    "/v1/namespaces/migrations/{migration_id}/failed-items": {"get": {
        "operationId": "ferry_list_migration_failed_items",
        "summary": "Items of a migration that could not be processed (Ferry extension), "
                   "ordered by resource then id.",
        "parameters": [
            _MIGRATION_ID,
            {"name": "status", "in": "query", "required": False,
             "schema": {"type": "string", "enum": ["failed", "resolved"], "default": "failed"},
             "description": "failed: still failing; resolved: processed by a later retry"},
            {"name": "limit", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 10}},
            {"name": "offset", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 0, "maximum": 10000, "default": 0}}],
        "responses": {
            "200": {"description": "Failed items", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/FerryListFailedItemsResponse"}}}},
            "401": _error("Unauthorized"), "404": _error("Not Found"),
            "422": {"description": "Validation Error", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/HTTPValidationError"}}}}}}},
    "/v1/namespaces/migrations/{migration_id}/retry": {"post": {
        "operationId": "ferry_retry_migration",
        "summary": "Re-run the failed items of a completed or failed migration into the same "
                   "target (Ferry extension). The migration goes back to pending and runs "
                   "again; items that succeed leave the failed list. 409 while it runs, or "
                   "when nothing failed.",
        "parameters": [_MIGRATION_ID],
        "responses": {
            "200": {"description": "Retry started", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/FerryRetryMigrationResponse"}}}},
            "401": _error("Unauthorized"), "404": _error("Not Found"),
            "409": _error("Conflict"), "503": _error("Service Unavailable")}}},
    "/v1/namespaces/migrations/{migration_id}/events": {"get": {
        "operationId": "ferry_migration_events",
        "summary": "The migration's live event stream (Ferry extension): Server-Sent Events. "
                   "Each event is `id: <digest of the state>`, `event: migration` and `data:` "
                   "the body GET /v1/namespaces/migrations/{migration_id} answers, on one line. "
                   "The first event is the current state; then one per change, at most 4 per "
                   "second; a terminal state (completed, failed, cancelled) comes as "
                   "`event: end` and ends the stream. `: keep-alive` comments every 15 s "
                   "while nothing changes. Served by any process of a deployment; a client "
                   "that reconnects with Last-Event-ID is not sent the state it has. 503 when "
                   "the process serves too many streams.",
        "parameters": [
            _MIGRATION_ID,
            {"name": "Last-Event-ID", "in": "header", "required": False,
             "schema": {"type": "string", "maxLength": 64},
             "description": "The id of the last event received (on reconnect)"}],
        "responses": {
            "200": {"description": "The event stream", "content": {"text/event-stream": {
                "schema": {"type": "string"}}}},
            "401": _error("Unauthorized"), "404": _error("Not Found"),
            "503": _error("Service Unavailable")}}},
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
    "/ui": {"get": {
        "operationId": "ferry_ui_redirect",
        "summary": "Redirects to the web dashboard's page, /ui/ (Ferry extension).",
        "responses": {"301": {"description": "Location: /ui/"}}}},
    "/ui/": {"get": {
        "operationId": "ferry_ui_index",
        "summary": "The web dashboard's page (Ferry extension; GET /ui redirects here). No "
                   "authentication: the page holds no data, its API calls carry the user's key.",
        "responses": {"200": {"description": "index.html", "content": {"text/html": {
            "schema": {"type": "string"}}}}, "404": _error("Not Found")}}},
    "/ui/{file}": {"get": _ui_file("ferry_ui_file", [_UI_FILE])},
    "/ui/{folder}/{file}": {"get": _ui_file("ferry_ui_folder_file", [
        {"name": "folder", "in": "path", "required": True, "schema": {"type": "string"}},
        _UI_FILE])},
    "/metrics": {"get": {
        "operationId": "ferry_metrics",
        "summary": "Prometheus metrics of this ferryd process (Ferry extension), in the text "
                   "exposition format 0.0.4. No authentication unless the server runs with "
                   "metrics_require_auth = true. Served by every role, workers included.",
        "responses": {
            "200": {"description": "Metrics", "content": {
                "text/plain; version=0.0.4; charset=utf-8": {"schema": {"type": "string"}}}},
            "401": _error("Unauthorized")}}},
    "/openapi.json": {"get": {
        "operationId": "ferry_openapi",
        "summary": "This document (Ferry extension).",
        "responses": {"200": {"description": "OpenAPI 3.1 document",
                              "content": {"application/json": {"schema": {"type": "object"}}}}}}},
}


# Request limits Ferry enforces (src/codec/limits.h, docs/api-limits.md) where Mixpeek's
# spec gives none: (schema, property) -> JSON Schema keywords. Mixpeek's schemas stay
# exactly Mixpeek's (tests/integration/test_server.py), so the limits are published as one
# Ferry extension schema, FerryRequestLimits: per request schema, its bounded properties.
_NAME, _TEXT = {"maxLength": 100}, {"maxLength": 10000}
_METADATA = {"type": "object", "description": "At most 65536 bytes as compact JSON."}
FERRY_LIMITS = {
    ("CreateNamespaceRequest", "namespace_name"): _NAME,
    ("CreateNamespaceRequest", "description"): _TEXT,
    ("CreateNamespaceRequest", "feature_extractors"): {"maxItems": 32},
    ("CreateNamespaceRequest", "payload_indexes"): {"maxItems": 64},
    ("PatchNamespaceRequest", "namespace_name"): _NAME,
    ("PatchNamespaceRequest", "description"): _TEXT,
    ("PatchNamespaceRequest", "payload_indexes"): {"maxItems": 64},
    ("BucketCreateRequest", "bucket_name"): _NAME,
    ("BucketCreateRequest", "description"): _TEXT,
    ("BucketCreateRequest", "metadata"): _METADATA,
    ("BucketSchema-Input", "properties"): {"maxProperties": 256},
    ("CreateBatchRequest", "object_ids"): {"maxItems": 10000},
    ("CreateObjectRequest", "blobs"): {"maxItems": 100},
    ("CreateBlobRequest", "metadata"): _METADATA,
    ("CreateCollectionRequest", "collection_name"): _NAME,
    ("CreateCollectionRequest", "description"): _TEXT,
    ("CreateCollectionRequest", "metadata"): _METADATA,
    ("CreateRetrieverRequest", "retriever_name"): _NAME,
    ("CreateRetrieverRequest", "description"): _TEXT,
    ("CreateRetrieverRequest", "stages"): {"maxItems": 32},
    ("PatchRetrieverRequest", "retriever_name"): _NAME,
    ("PatchRetrieverRequest", "description"): _TEXT,
    ("SearchInteraction", "metadata"): _METADATA,
    ("CreateClusterRequest", "cluster_name"): _NAME,
    ("PatchClusterRequest", "cluster_name"): _NAME,
    ("PatchClusterRequest", "description"): _TEXT,
    ("PatchClusterRequest", "metadata"): _METADATA,
    ("CreateTaxonomyRequest", "taxonomy_name"): _NAME,
    ("CreateTaxonomyRequest", "description"): _TEXT,
    ("PatchTaxonomyRequest", "taxonomy_name"): _NAME,
    ("PatchTaxonomyRequest", "description"): _TEXT,
    ("PatchTaxonomyRequest", "metadata"): _METADATA,
    ("MigrationConfig", "target_namespace_name"): _NAME,
    ("MigrationConfig", "feature_extractors"): {"maxItems": 32},
    ("MigrationConfig", "webhook_url"): {"maxLength": 2048},
    ("CloneNamespaceRequest", "namespace_name"): _NAME,
    ("CloneNamespaceRequest", "description"): _TEXT,
    ("CloneCollectionRequest", "collection_name"): _NAME,
    ("CloneCollectionRequest", "description"): _TEXT,
    ("CloneCollectionRequest", "metadata"): _METADATA,
    ("ExecuteRetrieverRequest", "inputs"): {
        "type": "object", "description": "At most 1048576 bytes as compact JSON."},
    ("StageConfig", "config"): {
        "type": "object", "description": "config.parameters (or, without it, the rest of "
                                         "config) at most 1048576 bytes as compact JSON."},
}
_LIMIT_TYPES = {"maxLength": "string", "maxItems": "array", "maxProperties": "object"}


def request_limits_schema(schemas):
    """FerryRequestLimits: {request schema: {"properties": {field: its limit}}}. Checks that
    every named schema and property exists in Mixpeek's spec."""
    by_schema = {}
    for (schema, prop), limit in FERRY_LIMITS.items():
        assert prop in schemas[schema]["properties"], (schema, prop)
        bound = dict(limit)
        for key, kind in _LIMIT_TYPES.items():
            if key in bound:
                bound["type"] = kind
        by_schema.setdefault(schema, {"type": "object", "properties": {}})
        by_schema[schema]["properties"][prop] = bound
    return {
        "type": "object", "title": "FerryRequestLimits",
        "description": "Limits Ferry enforces on request fields where Mixpeek's spec has none "
                       "(Ferry extension). Each property is a request schema of this document; "
                       "under it, the bounded fields with their maxLength (characters), "
                       "maxItems or maxProperties. Any other string field is bounded to 10000 "
                       "characters and any other list to 1000 items. Beyond a limit: 422 with "
                       "the field's loc (types string_too_long, too_long). See "
                       "docs/api-limits.md.",
        "properties": dict(sorted(by_schema.items())),
    }


# Statuses Ferry may answer on any operation beyond what Mixpeek declares: 409 for a
# name or state conflict, 413 for an over-limit body, 503 while shutting down, 504 when a
# step ran out of time (DeadlineExceeded), 507 when storage is full (ResourceExhausted).
# All use Mixpeek's ErrorResponse envelope.
EXTRA_ERRORS = {"409": "Conflict", "413": "Payload Too Large", "503": "Service Unavailable",
                "504": "Gateway Timeout", "507": "Insufficient Storage"}


# Fields Ferry adds to Mixpeek's schemas: (schema, property, ...) -> JSON Schema, the path
# naming a property (of a property, for a nested one). Each is published in that schema's
# properties with "x-ferry-extension": true and a description ending "(Ferry extension)";
# everything else in the schema stays Mixpeek's (tests/integration/test_server.py compares
# the schemas without the marked properties).
_ORG = {"type": "string", "description": "The organization that owns it"}
_TIME = {"type": "string", "format": "date-time"}
FERRY_FIELDS = {
    ("NamespaceModel", "internal_id"): _ORG,
    ("BucketResponse", "internal_id"): _ORG,
    ("BatchModel", "internal_id"): _ORG,
    ("CollectionResponse", "internal_id"): _ORG,
    ("ObjectResponse", "internal_id"): _ORG,
    ("TaskResponse", "namespace_id"): {"anyOf": [{"type": "string"}, {"type": "null"}],
                                       "description": "The namespace the task works in"},
    ("TaskResponse", "internal_id"): _ORG,
    ("TaskResponse", "created_at"): dict(_TIME, description="When the task was created"),
    ("TaskResponse", "updated_at"): dict(_TIME, description="When the task last changed"),
    ("ClusterExecutionResult", "task_id"): {
        "anyOf": [{"type": "string"}, {"type": "null"}],
        "description": "The engine_cluster_build task of this execution"},
    ("ClusterExecutionResult", "artifacts"): {
        "type": "array", "description": "Files the execution wrote, in Ferry's blob store",
        "items": {"type": "object", "required": ["name", "blob_hash", "uri", "size_bytes",
                                                 "format"],
                  "properties": {"name": {"type": "string"}, "blob_hash": {"type": "string"},
                                 "uri": {"type": "string"},
                                 "size_bytes": {"type": "integer", "minimum": 0},
                                 "format": {"type": "string"}}}},
    ("InternalPayloadModel", "features"): {
        "type": "array", "description": "The document's vectors: feature URI, the vector "
                                        "index it is returned under, dimensions",
        "items": {"type": "object", "required": ["feature_uri", "vector_index", "dimensions"],
                  "properties": {"feature_uri": {"type": "string"},
                                 "vector_index": {"type": "string"},
                                 "dimensions": {"type": "integer", "minimum": 0}}}},
    ("GetMigrationResponse", "additional_data", "benchmark"): {
        "type": "object", "description": "Retrieval results of the source and target "
                                         "compared (k, retrievers)"},
    ("GetMigrationResponse", "additional_data", "verification"): {
        "type": "object", "description": "Counts of the source and target compared after "
                                         "the migration"},
    ("CreateRetrieverRequest", "collection_ids"): {
        "type": "array", "items": {"type": "string"},
        "description": "Alias of collection_identifiers, read when that is absent"},
    ("CreateClusterRequest", "description"): {
        "anyOf": [{"type": "string"}, {"type": "null"}], "description": "Description"},
    ("CreateClusterRequest", "metadata"): {
        "anyOf": [{"type": "object"}, {"type": "null"}],
        "description": "Metadata, at most 65536 bytes as compact JSON"},
    ("CreateTaxonomyRequest", "metadata"): {
        "anyOf": [{"type": "object"}, {"type": "null"}],
        "description": "Metadata, at most 65536 bytes as compact JSON"},
    ("ExecuteTaxonomyRequest", "collection_id"): {
        "anyOf": [{"type": "string"}, {"type": "null"}],
        "description": "Alias of target_collection_id, read when that is absent"},
}


def mark_ferry_fields(schemas):
    """Adds FERRY_FIELDS to copies of the schemas they extend; returns {name: schema}.
    Checks that Mixpeek's schema has no such property already."""
    out = {}
    for path, field in FERRY_FIELDS.items():
        name, *props = path
        node = out.setdefault(name, json.loads(json.dumps(schemas[name])))
        for p in props[:-1]:
            node = node["properties"][p]
        assert props[-1] not in node.get("properties", {}), path
        marked = dict(field, **{"x-ferry-extension": True})
        marked["description"] = field["description"] + " (Ferry extension)."
        node.setdefault("properties", {})[props[-1]] = marked
    return out


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
    FERRY_SCHEMAS["FerryRequestLimits"] = request_limits_schema(schemas)
    extended = mark_ferry_fields(schemas)
    paths = {}
    for method, path in IMPLEMENTED:
        paths.setdefault(path, {})[method] = with_extra_errors(spec["paths"][path][method])
    paths.update(FERRY_PATHS)
    paths.update(LIVE_PATHS)
    FERRY_SCHEMAS.update(LIVE_SCHEMAS)
    needed, frontier = set(), set()
    refs(paths, frontier)
    refs(FERRY_SCHEMAS, frontier)
    frontier -= set(FERRY_SCHEMAS)
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
        "components": {"schemas": {**{n: extended.get(n, schemas[n]) for n in sorted(needed)},
                                   **FERRY_SCHEMAS}},
    }
    if "securitySchemes" in spec.get("components", {}):
        doc["components"]["securitySchemes"] = spec["components"]["securitySchemes"]
    json.dump(doc, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
