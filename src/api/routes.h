#pragma once
// The route table: every endpoint Ferry serves, in one readable list.

#include "api/api_context.h"
#include "api/http/router.h"

namespace ferry::metrics {
class Metrics;
}  // namespace ferry::metrics

namespace ferry::api {

void RegisterRoutes(http::Router& router, ApiContext& ctx);
// Only GET /healthz: with RegisterMetricsRoute, what a worker process serves (--role worker).
void RegisterHealthRoute(http::Router& router, ApiContext& ctx);

// Per-resource registration, one file each.
void RegisterNamespaceRoutes(http::Router& router, ApiContext& ctx);
void RegisterBucketRoutes(http::Router& router, ApiContext& ctx);
void RegisterCollectionRoutes(http::Router& router, ApiContext& ctx);
void RegisterDocumentRoutes(http::Router& router, ApiContext& ctx);
// Batches beyond create/get/submit (list, delete, cancel, retry, failed documents).
void RegisterBatchRoutes(http::Router& router, ApiContext& ctx);
// POST /v1/tasks/list and DELETE /v1/tasks/{task_id} (GET is a system route).
void RegisterTaskRoutes(http::Router& router, ApiContext& ctx);
void RegisterSystemRoutes(http::Router& router, ApiContext& ctx);
void RegisterMigrationRoutes(http::Router& router, ApiContext& ctx);
// Failed items and retry of migrations (Ferry extensions).
void RegisterMigrationRetryRoutes(http::Router& router, ApiContext& ctx);
void RegisterMigrationLiveRoutes(http::Router& router, ApiContext& ctx);
// The live event stream of a migration (Ferry extension, migration_event_hub.h).
void RegisterMigrationEventRoutes(http::Router& router, ApiContext& ctx);
void RegisterRetrieverRoutes(http::Router& router, ApiContext& ctx);
void RegisterClusterRoutes(http::Router& router, ApiContext& ctx);
void RegisterTaxonomyRoutes(http::Router& router, ApiContext& ctx);
// Namespace and collection clones (copy migrations, clone_handlers.cc).
void RegisterCloneRoutes(http::Router& router, ApiContext& ctx);

// GET /metrics (Prometheus text); needs an API key when `require_auth`. Every role serves it.
void RegisterMetricsRoute(http::Router& router, ApiContext& ctx, metrics::Metrics& metrics,
                          bool require_auth);

// Dispatches a request through the router: 404/405 envelopes for unknown routes. With
// `metrics` (may be null), every response is counted and timed under its route's pattern
// (metrics::Metrics::kUnmatchedRoute for 404/405).
http::Handler MakeDispatcher(const http::Router& router, metrics::Metrics* metrics = nullptr);

}  // namespace ferry::api
