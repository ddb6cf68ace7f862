// /v1/retrievers…: retrievers, their executions and interactions.

#include "api/handler_support.h"
#include "api/routes.h"
#include "codec/codecs.h"
#include "codec/list_codec.h"
#include "codec/retriever_codec.h"

namespace ferry::api {

namespace json = boost::json;

namespace {

// Parses the body (empty allowed when `allow_empty`) into *body; a response on failure.
std::optional<http::HttpResponse> Body(const Request& req, bool allow_empty,
                                       std::optional<json::value>* body) {
  http::HttpResponse error;
  *body = ParseJson(req.http, allow_empty, &error);
  if (!*body) return error;
  return std::nullopt;
}

json::object OffsetPagination(const model::Page& page, int64_t total, int64_t returned) {
  return json::object{{"total", total},
                      {"limit", page.limit},
                      {"offset", page.offset},
                      {"has_next", page.offset + returned < total}};
}

http::HttpResponse Create(ApiContext& ctx, const Request& req) {
  std::optional<json::value> body;
  if (auto err = Body(req, false, &body)) return *err;
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  model::ValidationIssues issues;
  auto create = codec::DecodeRetrieverCreate(codec::BodyReader(*body, &issues));
  if (!issues.empty()) return Unprocessable(issues);
  auto r = ctx.retrievers.Create(h, create, &issues);
  if (!issues.empty()) return Unprocessable(issues);
  if (!r.ok()) return FromStatus(r.status());
  return Json(200, json::object{{"retriever", codec::EncodeRetrieverConfig(*r)}});
}

http::HttpResponse List(ApiContext& ctx, const Request& req) {
  std::optional<json::value> body;
  if (auto err = Body(req, true, &body)) return *err;
  model::ValidationIssues issues;
  model::Page page = ParsePage(req.http, &issues);
  codec::JsonReader reader = codec::BodyReader(*body, &issues);
  std::optional<std::string> search;
  bool case_sensitive = false;
  if (reader.ExpectObject()) {
    reader.RejectNull({"case_sensitive"});
    search = reader.String("search", false);
    case_sensitive = reader.Bool("case_sensitive", false).value_or(false);
    codec::RejectUnsupported(reader, {"filters", "sorts"}, "; use search");
  }
  if (!issues.empty()) return Unprocessable(issues);
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(auto list, ctx.retrievers.List(h, page, search, case_sensitive));
  json::array results;
  for (const auto& r : list.items) results.push_back(codec::EncodeRetriever(r));
  return Json(200, json::object{{"results", std::move(results)}, {"total", list.total}});
}

http::HttpResponse Get(ApiContext& ctx, const Request& req) {
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(auto r, ctx.retrievers.Get(h, req.Param("retriever_id")));
  return Json(200, codec::EncodeRetriever(r));
}

http::HttpResponse Patch(ApiContext& ctx, const Request& req) {
  std::optional<json::value> body;
  if (auto err = Body(req, false, &body)) return *err;
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  model::ValidationIssues issues;
  auto patch = codec::DecodeRetrieverPatch(codec::BodyReader(*body, &issues));
  if (!issues.empty()) return Unprocessable(issues);
  auto r = ctx.retrievers.Patch(h, req.Param("retriever_id"), patch, &issues);
  if (!issues.empty()) return Unprocessable(issues);
  if (!r.ok()) return FromStatus(r.status());
  return Json(200, json::object{{"retriever", codec::EncodeRetrieverConfig(*r)}});
}

http::HttpResponse Delete(ApiContext& ctx, const Request& req) {
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(auto r, ctx.retrievers.Get(h, req.Param("retriever_id")));
  Status st = ctx.retrievers.Delete(h, r.retriever_id);
  if (!st.ok()) return FromStatus(st);
  return Json(200, json::object{{"success", true},
                                {"message", "retriever deleted"},
                                {"retriever_id", r.retriever_id}});
}

http::HttpResponse Execute(ApiContext& ctx, const Request& req) {
  std::optional<json::value> body;
  if (auto err = Body(req, true, &body)) return *err;
  model::ValidationIssues issues;
  bool with_vectors = QueryBool(req.http, "return_vectors", false, &issues);
  auto exec = codec::DecodeRetrieverExecute(codec::BodyReader(*body, &issues));
  if (!issues.empty()) return Unprocessable(issues);
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(auto out, ctx.retrievers.Execute(h, req.Param("retriever_id"), exec));
  json::array documents;
  for (const auto& d : out.page) {
    json::object doc = codec::EncodeDocument(d.doc, h.ns.org_id, h.ns.namespace_id, with_vectors);
    doc["score"] = d.score;
    documents.push_back(std::move(doc));
  }
  auto returned = static_cast<int64_t>(out.page.size());
  const int64_t offset = (exec.page_number - 1) * exec.page_size;
  json::object pagination{{"method", "offset"},
                          {"page_size", exec.page_size},
                          {"page_number", exec.page_number},
                          {"total", out.total},
                          {"limit", exec.page_size},
                          {"offset", offset},
                          {"has_next", offset + returned < out.total},
                          {"has_previous", exec.page_number > 1}};
  return Json(200, codec::EncodeExecutionDetail(out.execution, std::move(documents),
                                                std::move(pagination)));
}

http::HttpResponse ListExecutions(ApiContext& ctx, const Request& req) {
  std::optional<json::value> body;
  if (auto err = Body(req, true, &body)) return *err;
  model::ValidationIssues issues;
  model::Page page = ParsePage(req.http, &issues);
  codec::JsonReader reader = codec::BodyReader(*body, &issues);
  std::optional<std::string> status;
  if (reader.ExpectObject()) status = reader.String("status", false);
  if (!issues.empty()) return Unprocessable(issues);
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(auto list,
                        ctx.retrievers.ListExecutions(h, req.Param("retriever_id"), status, page));
  json::array results;
  for (const auto& e : list.items) results.push_back(codec::EncodeExecutionSummary(e));
  auto n = static_cast<int64_t>(list.items.size());
  return Json(200, json::object{{"results", std::move(results)},
                                {"pagination", OffsetPagination(page, list.total, n)}});
}

http::HttpResponse GetExecution(ApiContext& ctx, const Request& req) {
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(
      auto e, ctx.retrievers.GetExecution(h, req.Param("retriever_id"), req.Param("execution_id")));
  auto n = static_cast<int64_t>(e.results.size());
  return Json(200, codec::EncodeExecutionDetail(e, codec::EncodeExecutionResults(e),
                                                OffsetPagination({0, n}, n, n)));
}

http::HttpResponse CreateInteraction(ApiContext& ctx, const Request& req) {
  std::optional<json::value> body;
  if (auto err = Body(req, false, &body)) return *err;
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  model::ValidationIssues issues;
  auto interaction = codec::DecodeInteraction(codec::BodyReader(*body, &issues));
  if (!issues.empty()) return Unprocessable(issues);
  API_ASSIGN_OR_RESPOND(auto i, ctx.retrievers.CreateInteraction(h, std::move(interaction)));
  return Json(200, codec::EncodeInteraction(i));
}

http::HttpResponse ListInteractions(ApiContext& ctx, const Request& req) {
  std::optional<json::value> body;
  if (auto err = Body(req, true, &body)) return *err;
  model::ValidationIssues issues;
  model::Page page = ParsePage(req.http, &issues);
  auto query = codec::DecodeInteractionQuery(codec::BodyReader(*body, &issues));
  if (!issues.empty()) return Unprocessable(issues);
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(auto list, ctx.retrievers.ListInteractions(h, query, page));
  json::array results;
  for (const auto& i : list.items) results.push_back(codec::EncodeInteraction(i));
  auto n = static_cast<int64_t>(list.items.size());
  return Json(200, json::object{{"results", std::move(results)},
                                {"pagination", codec::EncodePagination(page, list.total, n)}});
}

http::HttpResponse GetInteraction(ApiContext& ctx, const Request& req) {
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(auto i, ctx.retrievers.GetInteraction(h, req.Param("interaction_id")));
  return Json(200, codec::EncodeInteraction(i));
}

http::HttpResponse DeleteInteraction(ApiContext& ctx, const Request& req) {
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  Status st = ctx.retrievers.DeleteInteraction(h, req.Param("interaction_id"));
  if (!st.ok()) return FromStatus(st);
  return Json(200, json::object{{"success", true},
                                {"message", "interaction deleted"},
                                {"interaction_id", req.Param("interaction_id")}});
}

}  // namespace

void RegisterRetrieverRoutes(http::Router& router, ApiContext& ctx) {
  const std::string ret = "/v1/retrievers/{retriever_id}";
  const std::string interactions = "/v1/retrievers/interactions";
  router.Add("POST", "/v1/retrievers", Authenticated(ctx, Create));
  router.Add("POST", "/v1/retrievers/list", Authenticated(ctx, List));
  router.Add("POST", interactions, Authenticated(ctx, CreateInteraction));
  router.Add("POST", interactions + "/list", Authenticated(ctx, ListInteractions));
  router.Add("GET", interactions + "/{interaction_id}", Authenticated(ctx, GetInteraction));
  router.Add("DELETE", interactions + "/{interaction_id}", Authenticated(ctx, DeleteInteraction));
  router.Add("GET", ret, Authenticated(ctx, Get));
  router.Add("PATCH", ret, Authenticated(ctx, Patch));
  router.Add("DELETE", ret, Authenticated(ctx, Delete));
  router.Add("POST", ret + "/execute", Authenticated(ctx, Execute));
  router.Add("POST", ret + "/executions/list", Authenticated(ctx, ListExecutions));
  router.Add("GET", ret + "/executions/{execution_id}", Authenticated(ctx, GetExecution));
}

}  // namespace ferry::api
