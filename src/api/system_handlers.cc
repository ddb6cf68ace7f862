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

}  // namespace

void RegisterSystemRoutes(http::Router& router, ApiContext& ctx) {
  router.Add("GET", "/healthz", Public(ctx, Healthz));
  router.Add("GET", "/openapi.json", Public(ctx, OpenApi));
  router.Add("GET", "/v1/tasks/{task_id}", Authenticated(ctx, GetTask));
}

}  // namespace ferry::api
