#include "api/routes.h"

#include "api/responses.h"

namespace ferry::api {

void RegisterRoutes(http::Router& router, ApiContext& ctx) {
  RegisterSystemRoutes(router, ctx);
  RegisterNamespaceRoutes(router, ctx);
  RegisterBucketRoutes(router, ctx);
  RegisterCollectionRoutes(router, ctx);
  RegisterMigrationRoutes(router, ctx);
  RegisterMigrationRetryRoutes(router, ctx);
  RegisterMigrationEventRoutes(router, ctx);
  RegisterRetrieverRoutes(router, ctx);
  RegisterClusterRoutes(router, ctx);
  RegisterTaxonomyRoutes(router, ctx);
}

http::Handler MakeDispatcher(const http::Router& router) {
  return [&router](http::HttpRequest req, http::Responder respond) {
    auto match = router.Find(req.method, req.path);
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
