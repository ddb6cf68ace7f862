#include "api/handler_support.h"
#include "api/openapi_document.h"
#include "api/routes.h"
#include "codec/codecs.h"

namespace ferry::api {

namespace json = boost::json;

namespace {

http::HttpResponse Healthz(ApiContext&, const Request&) {
  return Json(200, json::object{{"status", "ok"}});
}

http::HttpResponse OpenApi(ApiContext&, const Request&) {
  http::HttpResponse r;
  r.body = std::string(OpenApiDocument());
  return r;
}

http::HttpResponse GetTask(ApiContext& ctx, const Request& req) {
  API_ASSIGN_OR_RESPOND(auto task, ctx.batches.GetTask(req.caller, req.Param("task_id")));
  return Json(200, codec::EncodeTask(task));
}

// Ferry extension: rotates the organization's webhook signing secret (shown once).
http::HttpResponse RotateWebhookSecret(ApiContext& ctx, const Request& req) {
  API_ASSIGN_OR_RESPOND(auto secret, ctx.migrations.RotateWebhookSecret(req.caller));
  return Json(200, json::object{{"secret", secret},
                                {"internal_id", req.caller.org_id},
                                {"message",
                                 "Store this secret now; it is not shown again. "
                                 "Webhooks are signed with it from now on."}});
}

}  // namespace

void RegisterHealthRoute(http::Router& router, ApiContext& ctx) {
  router.Add("GET", "/healthz", Public(ctx, Healthz));
}

void RegisterSystemRoutes(http::Router& router, ApiContext& ctx) {
  RegisterHealthRoute(router, ctx);
  router.Add("GET", "/openapi.json", Public(ctx, OpenApi));
  router.Add("GET", "/v1/tasks/{task_id}", Authenticated(ctx, GetTask));
  router.Add("POST", "/v1/webhooks/secret/rotate", Authenticated(ctx, RotateWebhookSecret));
}

}  // namespace ferry::api
