// /v1/clusters…: cluster definitions and their executions.

#include <map>

#include "api/handler_support.h"
#include "api/routes.h"
#include "codec/cluster_codec.h"
#include "codec/codecs.h"
#include "codec/list_codec.h"

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

http::HttpResponse Create(ApiContext& ctx, const Request& req) {
  std::optional<json::value> body;
  if (auto err = Body(req, false, &body)) return *err;
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  model::ValidationIssues issues;
  auto create = codec::DecodeClusterCreate(codec::BodyReader(*body, &issues));
  if (!issues.empty()) return Unprocessable(issues);
  auto c = ctx.clusters.Create(h, std::move(create), &issues);
  if (!issues.empty()) return Unprocessable(issues);
  if (!c.ok()) return FromStatus(c.status());
  return Json(200, codec::EncodeClusterMetadata(*c, h.ns.namespace_id));
}

http::HttpResponse List(ApiContext& ctx, const Request& req) {
  std::optional<json::value> body;
  if (auto err = Body(req, true, &body)) return *err;
  model::ValidationIssues issues;
  model::Page page = ParsePage(req.http, &issues);
  codec::JsonReader reader = codec::BodyReader(*body, &issues);
  std::optional<std::string> search;
  if (reader.ExpectObject()) {
    search = reader.String("search", false);
    // Mixpeek's list requests also take `filters` and `sort`; Ferry applies only `search`,
    // so it refuses the others rather than ignore them.
    codec::RejectUnsupported(reader, {"filters", "sort"}, "; use search");
  }
  if (!issues.empty()) return Unprocessable(issues);
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(auto list, ctx.clusters.List(h, page, search));
  json::array results;
  int64_t documents = 0;
  std::map<std::string, int64_t> by_status;
  for (const auto& c : list.items) {
    results.push_back(codec::EncodeClusterMetadata(c, h.ns.namespace_id));
    documents += c.num_documents_clustered.value_or(0);
    ++by_status[model::TaskStatusName(c.status)];
  }
  auto n = static_cast<int64_t>(list.items.size());
  json::object status_counts;
  for (const auto& [k, v] : by_status) status_counts[k] = v;
  json::object stats{{"total_clusters", n},
                     {"total_documents", documents},
                     {"avg_documents_per_cluster",
                      n > 0 ? static_cast<double>(documents) / static_cast<double>(n) : 0.0},
                     {"clusters_by_status", std::move(status_counts)}};
  return Json(200, json::object{{"results", std::move(results)},
                                {"pagination", codec::EncodePagination(page, list.total, n)},
                                {"total_count", list.total},
                                {"stats", std::move(stats)}});
}

http::HttpResponse Get(ApiContext& ctx, const Request& req) {
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(auto c, ctx.clusters.Get(h, req.Param("cluster_identifier")));
  return Json(200, codec::EncodeClusterMetadata(c, h.ns.namespace_id));
}

http::HttpResponse Patch(ApiContext& ctx, const Request& req) {
  std::optional<json::value> body;
  if (auto err = Body(req, false, &body)) return *err;
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  model::ValidationIssues issues;
  auto patch = codec::DecodeClusterPatch(codec::BodyReader(*body, &issues));
  if (!issues.empty()) return Unprocessable(issues);
  auto c = ctx.clusters.Patch(h, req.Param("cluster_identifier"), patch, &issues);
  if (!issues.empty()) return Unprocessable(issues);
  if (!c.ok()) return FromStatus(c.status());
  std::optional<model::ClusterExecution> last_run;
  if (c->last_run_id) {
    auto run = ctx.clusters.GetExecution(h, c->cluster_id, c->last_run_id);
    if (run.ok()) last_run = std::move(*run);
  }
  return Json(200, codec::EncodeClusterModel(*c, last_run));
}

http::HttpResponse Delete(ApiContext& ctx, const Request& req) {
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(auto c, ctx.clusters.Get(h, req.Param("cluster_id")));
  Status st = ctx.clusters.Delete(h, c.cluster_id);
  if (!st.ok()) return FromStatus(st);
  return Json(200,
              json::object{
                  {"success", true}, {"message", "cluster deleted"}, {"cluster_id", c.cluster_id}});
}

http::HttpResponse Execute(ApiContext& ctx, const Request& req) {
  http::HttpResponse error;
  if (!ParseJson(req.http, true, &error)) return error;
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(auto task, ctx.clusters.Execute(req.caller, h, req.Param("cluster_id")));
  return Json(200, codec::EncodeTask(task));
}

http::HttpResponse ListExecutions(ApiContext& ctx, const Request& req) {
  std::optional<json::value> body;
  if (auto err = Body(req, true, &body)) return *err;
  model::ValidationIssues issues;
  model::Page page = ParsePage(req.http, &issues);
  codec::JsonReader reader = codec::BodyReader(*body, &issues);
  if (reader.ExpectObject()) codec::RejectUnsupported(reader, {"filters", "sort", "search"});
  if (!issues.empty()) return Unprocessable(issues);
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(auto list, ctx.clusters.ListExecutions(h, req.Param("cluster_id"), page));
  json::array results;
  std::map<std::string, int64_t> by_status;
  int64_t points = 0, clusters = 0, timed = 0;
  double total_ms = 0.0;
  for (const auto& e : list.items) {
    results.push_back(codec::EncodeClusterExecution(e));
    ++by_status[e.status];
    points += e.num_points;
    clusters += e.num_clusters;
    if (e.completed_at) {
      total_ms += static_cast<double>(*e.completed_at - e.created_at);
      ++timed;
    }
  }
  auto n = static_cast<int64_t>(list.items.size());
  json::object status_counts;
  for (const auto& [k, v] : by_status) status_counts[k] = v;
  json::object stats{
      {"total_executions", n},
      {"executions_by_status", std::move(status_counts)},
      {"avg_execution_time_ms", timed > 0 ? total_ms / static_cast<double>(timed) : 0.0},
      {"total_documents_clustered", points},
      {"avg_num_clusters", n > 0 ? static_cast<double>(clusters) / static_cast<double>(n) : 0.0}};
  return Json(200, json::object{{"results", std::move(results)},
                                {"pagination", codec::EncodePagination(page, list.total, n)},
                                {"total_count", list.total},
                                {"stats", std::move(stats)}});
}

http::HttpResponse GetLatestExecution(ApiContext& ctx, const Request& req) {
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(auto e,
                        ctx.clusters.GetExecution(h, req.Param("cluster_id"), std::nullopt));
  return Json(200, codec::EncodeClusterExecution(e));
}

http::HttpResponse GetExecution(ApiContext& ctx, const Request& req) {
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(auto e,
                        ctx.clusters.GetExecution(h, req.Param("cluster_id"), req.Param("run_id")));
  return Json(200, codec::EncodeClusterExecution(e));
}

}  // namespace

void RegisterClusterRoutes(http::Router& router, ApiContext& ctx) {
  const std::string cluster = "/v1/clusters/{cluster_id}";
  router.Add("POST", "/v1/clusters", Authenticated(ctx, Create));
  router.Add("POST", "/v1/clusters/list", Authenticated(ctx, List));
  router.Add("GET", "/v1/clusters/{cluster_identifier}", Authenticated(ctx, Get));
  router.Add("PATCH", "/v1/clusters/{cluster_identifier}", Authenticated(ctx, Patch));
  router.Add("DELETE", cluster, Authenticated(ctx, Delete));
  router.Add("POST", cluster + "/execute", Authenticated(ctx, Execute));
  router.Add("POST", cluster + "/executions/list", Authenticated(ctx, ListExecutions));
  router.Add("GET", cluster + "/executions", Authenticated(ctx, GetLatestExecution));
  router.Add("GET", cluster + "/executions/{run_id}", Authenticated(ctx, GetExecution));
}

}  // namespace ferry::api
