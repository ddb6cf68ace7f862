// Ferry extensions to the migration API: a migration's failed items, and their retry.

#include "api/handler_support.h"
#include "api/routes.h"
#include "codec/failed_item_codec.h"
#include "codec/json_reader.h"

namespace ferry::api {

namespace {

http::HttpResponse ListFailedItems(ApiContext& ctx, const Request& req) {
  model::ValidationIssues issues;
  model::Page page = ParsePage(req.http, &issues);
  std::string status = req.http.QueryParam("status").value_or("failed");
  if (status != "failed" && status != "resolved") {
    issues.push_back(codec::QueryIssue("status", "Input should be 'failed' or 'resolved'", "enum"));
  }
  if (!issues.empty()) return Unprocessable(issues);
  API_ASSIGN_OR_RESPOND(auto list, ctx.migrations.ListFailedItems(
                                       req.caller, req.Param("migration_id"), status, page));
  return Json(200, codec::EncodeListFailedItemsResponse(list.items, list.total, page));
}

http::HttpResponse Retry(ApiContext& ctx, const Request& req) {
  const std::string& id = req.Param("migration_id");
  // How many items the retry re-runs: those failed before it starts.
  API_ASSIGN_OR_RESPOND(auto before,
                        ctx.migrations.ListFailedItems(req.caller, id, "failed", {0, 1}));
  API_ASSIGN_OR_RESPOND(auto m, ctx.migrations.Retry(req.caller, id));
  return Json(200,
              codec::EncodeRetryMigrationResponse(
                  m, before.total, "Retrying " + std::to_string(before.total) + " failed item(s)"));
}

}  // namespace

void RegisterMigrationRetryRoutes(http::Router& router, ApiContext& ctx) {
  const std::string base = "/v1/namespaces/migrations/{migration_id}";
  router.Add("GET", base + "/failed-items", Authenticated(ctx, ListFailedItems));
  router.Add("POST", base + "/retry", Authenticated(ctx, Retry));
}

}  // namespace ferry::api
