// /v1/taxonomies…: taxonomies and their execution.

#include <cstdlib>

#include "api/handler_support.h"
#include "api/routes.h"
#include "codec/codecs.h"
#include "codec/json_value.h"
#include "codec/taxonomy_codec.h"

namespace ferry::api {

namespace json = boost::json;

namespace {

std::optional<http::HttpResponse> Body(const Request& req, bool allow_empty,
                                       std::optional<json::value>* body) {
  http::HttpResponse error;
  *body = ParseJson(req.http, allow_empty, &error);
  if (!*body) return error;
  return std::nullopt;
}

// The optional `version` query parameter (>= 1).
std::optional<int64_t> QueryVersion(const Request& req, model::ValidationIssues* issues) {
  auto raw = req.http.QueryParam("version");
  if (!raw) return std::nullopt;
  char* end = nullptr;
  long long v = std::strtoll(raw->c_str(), &end, 10);
  if (raw->empty() || end == nullptr || *end != '\0' || v < 1) {
    issues->push_back(
        codec::QueryIssue("version", "Input should be a valid integer >= 1", "int_parsing"));
    return std::nullopt;
  }
  return static_cast<int64_t>(v);
}

http::HttpResponse Create(ApiContext& ctx, const Request& req) {
  std::optional<json::value> body;
  if (auto err = Body(req, false, &body)) return *err;
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  model::ValidationIssues issues;
  auto taxonomy = codec::DecodeTaxonomyCreate(codec::BodyReader(*body, &issues));
  if (!issues.empty()) return Unprocessable(issues);
  auto t = ctx.taxonomies.Create(h, std::move(taxonomy), &issues);
  if (!issues.empty()) return Unprocessable(issues);
  if (!t.ok()) return FromStatus(t.status());
  return Json(200, codec::EncodeTaxonomy(*t));
}

http::HttpResponse List(ApiContext& ctx, const Request& req) {
  std::optional<json::value> body;
  if (auto err = Body(req, true, &body)) return *err;
  model::ValidationIssues issues;
  model::Page page = ParsePage(req.http, &issues);
  QueryBool(req.http, "include_total", true, &issues);
  auto query = codec::DecodeTaxonomyList(codec::BodyReader(*body, &issues));
  if (!issues.empty()) return Unprocessable(issues);
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(auto list,
                        ctx.taxonomies.List(h, page, query.search, query.case_sensitive));
  json::array results;
  for (const auto& t : list.items) results.push_back(codec::EncodeTaxonomy(t));
  auto n = static_cast<int64_t>(list.items.size());
  return Json(200, json::object{{"results", std::move(results)},
                                {"pagination", codec::EncodePagination(page, list.total, n)},
                                {"total_count", list.total},
                                {"stats", codec::EncodeTaxonomyStats(list.items)}});
}

http::HttpResponse Get(ApiContext& ctx, const Request& req) {
  model::ValidationIssues issues;
  auto version = QueryVersion(req, &issues);
  if (!issues.empty()) return Unprocessable(issues);
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(auto t, ctx.taxonomies.Get(h, req.Param("taxonomy_identifier"), version));
  return Json(200, codec::EncodeTaxonomy(t));
}

http::HttpResponse Patch(ApiContext& ctx, const Request& req) {
  std::optional<json::value> body;
  if (auto err = Body(req, false, &body)) return *err;
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  model::ValidationIssues issues;
  auto patch = codec::DecodeTaxonomyPatch(codec::BodyReader(*body, &issues));
  if (!issues.empty()) return Unprocessable(issues);
  auto t = ctx.taxonomies.Patch(h, req.Param("taxonomy_identifier"), patch, &issues);
  if (!issues.empty()) return Unprocessable(issues);
  if (!t.ok()) return FromStatus(t.status());
  return Json(200, codec::EncodeTaxonomy(*t));
}

http::HttpResponse Delete(ApiContext& ctx, const Request& req) {
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(auto t, ctx.taxonomies.Get(h, req.Param("taxonomy_identifier")));
  Status st = ctx.taxonomies.Delete(h, t.taxonomy_id);
  if (!st.ok()) return FromStatus(st);
  return Json(
      200, json::object{
               {"success", true}, {"message", "taxonomy deleted"}, {"taxonomy_id", t.taxonomy_id}});
}

http::HttpResponse Execute(ApiContext& ctx, const Request& req) {
  std::optional<json::value> body;
  if (auto err = Body(req, false, &body)) return *err;
  model::ValidationIssues issues;
  auto version = QueryVersion(req, &issues);
  auto exec = codec::DecodeTaxonomyExecute(codec::BodyReader(*body, &issues));
  if (!issues.empty()) return Unprocessable(issues);
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(auto out,
                        ctx.taxonomies.Execute(h, req.Param("taxonomy_identifier"), version, exec));
  json::value results = nullptr;
  if (out.results) {
    json::array docs;
    for (const auto& r : *out.results) docs.push_back(codec::ToJson(r));
    results = std::move(docs);
  }
  return Json(200, json::object{{"stats", json::object{{"processed_docs", out.stats.processed},
                                                       {"batches", out.stats.batches},
                                                       {"errors", out.stats.errors}}},
                                {"results", std::move(results)}});
}

}  // namespace

void RegisterTaxonomyRoutes(http::Router& router, ApiContext& ctx) {
  const std::string tax = "/v1/taxonomies/{taxonomy_identifier}";
  router.Add("POST", "/v1/taxonomies", Authenticated(ctx, Create));
  router.Add("POST", "/v1/taxonomies/list", Authenticated(ctx, List));
  router.Add("POST", "/v1/taxonomies/execute/{taxonomy_identifier}", Authenticated(ctx, Execute));
  router.Add("GET", tax, Authenticated(ctx, Get));
  router.Add("PATCH", tax, Authenticated(ctx, Patch));
  router.Add("DELETE", tax, Authenticated(ctx, Delete));
}

}  // namespace ferry::api
