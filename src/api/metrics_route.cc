// GET /metrics (a Ferry extension): the process's Prometheus metrics in the text
// exposition format. Public by default, as exporters are; with metrics_require_auth it
// needs a valid API key like any other endpoint.

#include "api/handler_support.h"
#include "api/routes.h"
#include "metrics/metrics.h"

namespace ferry::api {

void RegisterMetricsRoute(http::Router& router, ApiContext& ctx, metrics::Metrics& metrics,
                          bool require_auth) {
  router.Add("GET", "/metrics",
             [&ctx, &metrics, require_auth](http::HttpRequest req, http::PathParams,
                                            http::Responder respond) {
               std::string request_id = req.request_id;
               // On the pool: the scrape counts migrations in the catalog.
               RunOnHandlerPool(
                   ctx, std::move(request_id),
                   [&ctx, &metrics, require_auth, req = std::move(req)]() {
                     if (require_auth) {
                       auto who = ctx.auth.Authenticate(req.Header("authorization"));
                       if (!who.ok()) return FromStatus(who.status());
                     }
                     http::HttpResponse response;
                     response.content_type = metrics::Metrics::kContentType;
                     response.body = metrics.Scrape();
                     return response;
                   },
                   std::move(respond));
             });
}

}  // namespace ferry::api
