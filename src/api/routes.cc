#include "api/routes.h"

#include <atomic>
#include <chrono>
#include <memory>

#include "api/responses.h"
#include "metrics/metrics.h"

namespace ferry::api {
namespace {

// `respond`, recording its first response in `metrics` under `route`.
http::Responder Measured(http::Responder respond, metrics::Metrics& metrics, std::string route,
                         std::string method) {
  auto recorded = std::make_shared<std::atomic<bool>>(false);
  return
      [respond = std::move(respond), &metrics, route = std::move(route), method = std::move(method),
       recorded, start = std::chrono::steady_clock::now()](http::HttpResponse response) {
        if (!recorded->exchange(true)) {
          std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
          metrics.HttpRequest(route, method, response.status, seconds.count());
        }
        respond(std::move(response));
      };
}

}  // namespace

void RegisterRoutes(http::Router& router, ApiContext& ctx) {
  RegisterSystemRoutes(router, ctx);
  RegisterNamespaceRoutes(router, ctx);
  RegisterBucketRoutes(router, ctx);
  RegisterCollectionRoutes(router, ctx);
  RegisterDocumentRoutes(router, ctx);
  RegisterMigrationRoutes(router, ctx);
  RegisterMigrationRetryRoutes(router, ctx);
  RegisterMigrationLiveRoutes(router, ctx);
  RegisterMigrationEventRoutes(router, ctx);
  RegisterRetrieverRoutes(router, ctx);
  RegisterClusterRoutes(router, ctx);
  RegisterTaxonomyRoutes(router, ctx);
  RegisterCloneRoutes(router, ctx);
  RegisterBatchRoutes(router, ctx);
  RegisterTaskRoutes(router, ctx);
}

http::Handler MakeDispatcher(const http::Router& router, metrics::Metrics* metrics) {
  return [&router, metrics](http::HttpRequest req, http::Responder respond) {
    auto match = router.Find(req.method, req.path);
    if (metrics != nullptr) {
      respond =
          Measured(std::move(respond), *metrics,
                   match.pattern ? *match.pattern : metrics::Metrics::kUnmatchedRoute, req.method);
    }
    if (match.fn == nullptr) {
      if (match.path_known) {
        respond(http::ErrorEnvelope(405, "MethodNotAllowed",
                                    "method " + req.method + " is not allowed on " + req.path));
      } else {
        respond(http::ErrorEnvelope(404, "NotFound", "no route for " + req.path));
      }
      return;
    }
    (*match.fn)(std::move(req), std::move(match.params), std::move(respond));
  };
}

}  // namespace ferry::api
