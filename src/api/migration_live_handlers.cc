// Ferry extensions for live migrations (migration/live_migrations.h): sync (once or
// following), stop following, cutover, rollback. Each answers with the migration, whose
// additional_data.live holds the live state.

#include "api/handler_support.h"
#include "api/routes.h"
#include "codec/json_reader.h"
#include "codec/migration_codec.h"

namespace ferry::api {

namespace {

http::HttpResponse Sync(ApiContext& ctx, const Request& req) {
  http::HttpResponse error;
  auto body = ParseJson(req.http, true, &error);
  if (!body) return error;
  model::ValidationIssues issues;
  const bool follow = codec::DecodeSyncMigration(codec::BodyReader(*body, &issues));
  if (!issues.empty()) return Unprocessable(issues);
  API_ASSIGN_OR_RESPOND(auto m, ctx.live.Sync(req.caller, req.Param("migration_id"), follow));
  // Following goes on in the background: accepted; a single pass is done when this answers.
  return Json(follow ? 202 : 200, codec::EncodeMigration(m));
}

http::HttpResponse StopSync(ApiContext& ctx, const Request& req) {
  API_ASSIGN_OR_RESPOND(auto m, ctx.live.StopSync(req.caller, req.Param("migration_id")));
  return Json(200, codec::EncodeMigration(m));
}

http::HttpResponse Cutover(ApiContext& ctx, const Request& req) {
  API_ASSIGN_OR_RESPOND(auto m, ctx.live.Cutover(req.caller, req.Param("migration_id")));
  return Json(200, codec::EncodeMigration(m));
}

http::HttpResponse Rollback(ApiContext& ctx, const Request& req) {
  API_ASSIGN_OR_RESPOND(auto m, ctx.live.Rollback(req.caller, req.Param("migration_id")));
  return Json(200, codec::EncodeMigration(m));
}

}  // namespace

void RegisterMigrationLiveRoutes(http::Router& router, ApiContext& ctx) {
  const std::string base = "/v1/namespaces/migrations/{migration_id}";
  router.Add("POST", base + "/sync", Authenticated(ctx, Sync));
  router.Add("POST", base + "/sync/stop", Authenticated(ctx, StopSync));
  router.Add("POST", base + "/cutover", Authenticated(ctx, Cutover));
  router.Add("POST", base + "/rollback", Authenticated(ctx, Rollback));
}

}  // namespace ferry::api
