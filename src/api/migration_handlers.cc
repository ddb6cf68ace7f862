#include "api/handler_support.h"
#include "api/migration_status_route.h"
#include "api/routes.h"
#include "codec/codecs.h"
#include "codec/json_value.h"
#include "codec/migration_codec.h"
#include "migration/validator.h"

namespace ferry::api {

namespace json = boost::json;

namespace {

// A refused start: the status's own envelope (404 NotFound for an unknown id), with the
// validation result as details when the migration exists.
http::HttpResponse Refused(const Status& st, const model::Migration* m) {
  if (m == nullptr || !m->validation_result) return FromStatus(st);
  json::value details =
      json::object{{"validation_result", codec::EncodeValidationResult(*m->validation_result)}};
  int code = HttpStatusFor(st.code());
  const char* type = code == 400 ? "BadRequest" : code == 409 ? "Conflict" : nullptr;
  if (type == nullptr) return FromStatus(st);
  return Json(code, codec::EncodeError(code, type, st.message(), details));
}

// The ids and names of a config, at ["body", "config", …].
void CheckIds(const model::MigrationConfig& config, model::ValidationIssues* issues) {
  migration::CheckClientIds(config, {model::Value("body"), model::Value("config")}, issues);
}

http::HttpResponse Create(ApiContext& ctx, const Request& req) {
  http::HttpResponse error;
  auto body = ParseJson(req.http, false, &error);
  if (!body) return error;
  model::ValidationIssues issues;
  auto create = codec::DecodeCreateMigration(codec::BodyReader(*body, &issues));
  if (issues.empty()) CheckIds(create.config, &issues);
  if (!issues.empty()) return Unprocessable(issues);
  std::string message;
  API_ASSIGN_OR_RESPOND(
      auto m, ctx.migrations.Create(req.caller, create.config, create.start_immediately, &message));
  return Json(201, codec::EncodeCreateMigrationResponse(m, message));
}

http::HttpResponse Validate(ApiContext& ctx, const Request& req) {
  http::HttpResponse error;
  auto body = ParseJson(req.http, false, &error);
  if (!body) return error;
  model::ValidationIssues issues;
  auto config = codec::DecodeValidateMigration(codec::BodyReader(*body, &issues));
  if (issues.empty()) CheckIds(config, &issues);
  if (!issues.empty()) return Unprocessable(issues);
  API_ASSIGN_OR_RESPOND(auto outcome, ctx.migrations.Validate(req.caller, config));
  std::optional<model::DependencyGraph> graph;
  if (outcome.source) graph = outcome.graph;
  return Json(200, codec::EncodeValidateMigrationResponse(
                       outcome.result, graph,
                       outcome.result.valid ? "Migration configuration is valid"
                                            : "Migration configuration is invalid"));
}

http::HttpResponse List(ApiContext& ctx, const Request& req) {
  http::HttpResponse error;
  auto body = ParseJson(req.http, true, &error);
  if (!body) return error;
  model::ValidationIssues issues;
  auto list_req = codec::DecodeListMigrations(codec::BodyReader(*body, &issues));
  if (!issues.empty()) return Unprocessable(issues);
  API_ASSIGN_OR_RESPOND(auto list, ctx.migrations.List(req.caller, list_req.filter, list_req.page));
  return Json(200, codec::EncodeListMigrationsResponse(list.items, list.total, list_req.page));
}

http::HttpResponse Start(ApiContext& ctx, const Request& req) {
  http::HttpResponse error;
  auto body = ParseJson(req.http, true, &error);
  if (!body) return error;
  model::ValidationIssues issues;
  bool force = codec::DecodeStartMigration(codec::BodyReader(*body, &issues));
  if (!issues.empty()) return Unprocessable(issues);
  const std::string& id = req.Param("migration_id");
  auto m = ctx.migrations.Start(req.caller, id, force);
  if (!m.ok()) {
    auto current = ctx.migrations.Get(req.caller, id);
    return Refused(m.status(), current.ok() ? &*current : nullptr);
  }
  return Json(200, codec::EncodeStartMigrationResponse(*m, "Migration started"));
}

http::HttpResponse Cancel(ApiContext& ctx, const Request& req) {
  http::HttpResponse error;
  auto body = ParseJson(req.http, true, &error);
  if (!body) return error;
  model::ValidationIssues issues;
  auto reason = codec::DecodeCancelMigration(codec::BodyReader(*body, &issues));
  if (!issues.empty()) return Unprocessable(issues);
  API_ASSIGN_OR_RESPOND(auto m,
                        ctx.migrations.Cancel(req.caller, req.Param("migration_id"), reason));
  int64_t at = m.completed_at.value_or(0);
  if (at == 0) at = SystemClock().NowMs();
  return Json(200, codec::EncodeCancelMigrationResponse(m, at, "Migration cancelled"));
}

http::HttpResponse Delete(ApiContext& ctx, const Request& req) {
  Status st = ctx.migrations.Delete(req.caller, req.Param("migration_id"));
  if (!st.ok()) return FromStatus(st);
  return NoContent();
}

}  // namespace

void RegisterMigrationRoutes(http::Router& router, ApiContext& ctx) {
  const std::string base = "/v1/namespaces/migrations";
  router.Add("POST", base + "/", Authenticated(ctx, Create));
  router.Add("POST", base + "/list", Authenticated(ctx, List));
  router.Add("POST", base + "/validate", Authenticated(ctx, Validate));
  router.Add("GET", base + "/{migration_id}",
             MigrationStatusRoute(ctx, std::make_shared<MigrationStatusRouteState>()));
  router.Add("DELETE", base + "/{migration_id}", Authenticated(ctx, Delete));
  router.Add("POST", base + "/{migration_id}/start", Authenticated(ctx, Start));
  router.Add("POST", base + "/{migration_id}/cancel", Authenticated(ctx, Cancel));
}

}  // namespace ferry::api
