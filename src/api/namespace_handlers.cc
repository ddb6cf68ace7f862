#include "api/handler_support.h"
#include "api/routes.h"
#include "codec/codecs.h"
#include "codec/list_codec.h"

namespace ferry::api {

namespace json = boost::json;

namespace {

http::HttpResponse NamespaceResponse(ApiContext& ctx, const service::NamespaceHandle& h) {
  auto stats = ctx.namespaces.Stats(h);
  if (!stats.ok()) return FromStatus(stats.status());
  return Json(200, codec::EncodeNamespace(h.ns, *stats));
}

http::HttpResponse Create(ApiContext& ctx, const Request& req) {
  http::HttpResponse error;
  auto body = ParseJson(req.http, false, &error);
  if (!body) return error;
  model::ValidationIssues issues;
  auto create = codec::DecodeNamespaceCreate(codec::BodyReader(*body, &issues));
  if (issues.empty()) ctx.namespaces.Validate(create, &issues);
  if (!issues.empty()) return Unprocessable(issues);
  API_ASSIGN_OR_RESPOND(auto ns, ctx.namespaces.Create(req.caller, create));
  API_ASSIGN_OR_RESPOND(auto h, ctx.namespaces.Resolve(req.caller, ns.namespace_id));
  return NamespaceResponse(ctx, h);
}

http::HttpResponse Get(ApiContext& ctx, const Request& req) {
  API_ASSIGN_OR_RESPOND(auto h,
                        ctx.namespaces.Resolve(req.caller, req.Param("namespace_identifier")));
  return NamespaceResponse(ctx, h);
}

http::HttpResponse List(ApiContext& ctx, const Request& req) {
  http::HttpResponse error;
  auto body = ParseJson(req.http, true, &error);
  if (!body) return error;
  model::ValidationIssues issues;
  model::Page page = ParsePage(req.http, &issues);
  codec::JsonReader reader = codec::BodyReader(*body, &issues);
  if (reader.ExpectObject()) {
    reader.RejectNull({"case_sensitive"});
    reader.Bool("case_sensitive", false);
    codec::RejectUnsupported(reader, {"filters", "sort", "search"});
  }
  if (!issues.empty()) return Unprocessable(issues);
  API_ASSIGN_OR_RESPOND(auto list, ctx.namespaces.List(req.caller, page));
  json::array results;
  for (const auto& ns : list.items) {
    API_ASSIGN_OR_RESPOND(auto h, ctx.namespaces.Resolve(req.caller, ns.namespace_id));
    API_ASSIGN_OR_RESPOND(auto stats, ctx.namespaces.Stats(h));
    results.push_back(codec::EncodeNamespace(ns, stats));
  }
  return Json(200, json::object{{"results", std::move(results)},
                                {"pagination",
                                 codec::EncodePagination(page, list.total,
                                                         static_cast<int64_t>(list.items.size()))},
                                {"total_count", list.total},
                                {"stats", nullptr}});
}

http::HttpResponse Patch(ApiContext& ctx, const Request& req) {
  http::HttpResponse error;
  auto body = ParseJson(req.http, false, &error);
  if (!body) return error;
  model::ValidationIssues issues;
  auto patch = codec::DecodeNamespacePatch(codec::BodyReader(*body, &issues));
  if (!issues.empty()) return Unprocessable(issues);
  auto ns = ctx.namespaces.Patch(req.caller, req.Param("namespace_identifier"), patch, &issues);
  if (!issues.empty()) return Unprocessable(issues);
  if (!ns.ok()) return FromStatus(ns.status());
  API_ASSIGN_OR_RESPOND(auto h, ctx.namespaces.Resolve(req.caller, ns->namespace_id));
  return NamespaceResponse(ctx, h);
}

http::HttpResponse Delete(ApiContext& ctx, const Request& req) {
  const std::string& ident = req.Param("namespace_identifier");
  API_ASSIGN_OR_RESPOND(auto h, ctx.namespaces.Resolve(req.caller, ident));
  std::string id = h.ns.namespace_id;
  h.store.reset();
  Status st = ctx.namespaces.Delete(req.caller, id);
  if (!st.ok()) return FromStatus(st);
  return Json(
      200, json::object{{"success", true}, {"message", "namespace deleted"}, {"namespace_id", id}});
}

}  // namespace

void RegisterNamespaceRoutes(http::Router& router, ApiContext& ctx) {
  router.Add("POST", "/v1/namespaces", Authenticated(ctx, Create));
  router.Add("POST", "/v1/namespaces/list", Authenticated(ctx, List));
  router.Add("GET", "/v1/namespaces/{namespace_identifier}", Authenticated(ctx, Get));
  router.Add("PATCH", "/v1/namespaces/{namespace_identifier}", Authenticated(ctx, Patch));
  router.Add("DELETE", "/v1/namespaces/{namespace_identifier}", Authenticated(ctx, Delete));
}

}  // namespace ferry::api
