#include "api/handler_support.h"
#include "api/routes.h"
#include "codec/codecs.h"
#include "codec/list_codec.h"

namespace ferry::api {

namespace json = boost::json;

namespace {

http::HttpResponse CollectionResponse(const service::NamespaceHandle& h,
                                      const model::Collection& c) {
  auto count = h.store->CountDocuments(c.collection_id);
  if (!count.ok()) return FromStatus(count.status());
  return Json(200, codec::EncodeCollection(c, *count, h.ns.org_id));
}

http::HttpResponse Create(ApiContext& ctx, const Request& req) {
  http::HttpResponse error;
  auto body = ParseJson(req.http, false, &error);
  if (!body) return error;
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  model::ValidationIssues issues;
  auto create = codec::DecodeCollectionCreate(codec::BodyReader(*body, &issues));
  if (!issues.empty()) return Unprocessable(issues);
  auto c = ctx.collections.Create(h, create, &issues);
  if (!issues.empty()) return Unprocessable(issues);
  if (!c.ok()) return FromStatus(c.status());
  return CollectionResponse(h, *c);
}

http::HttpResponse Get(ApiContext& ctx, const Request& req) {
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(auto c, ctx.collections.Get(h, req.Param("collection_identifier")));
  return CollectionResponse(h, c);
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
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(auto list, ctx.collections.List(h, page));
  json::array results;
  for (const auto& c : list.items) {
    API_ASSIGN_OR_RESPOND(auto count, h.store->CountDocuments(c.collection_id));
    results.push_back(codec::EncodeCollection(c, count, h.ns.org_id));
  }
  auto n = static_cast<int64_t>(list.items.size());
  return Json(200, json::object{{"results", std::move(results)},
                                {"pagination", codec::EncodePagination(page, list.total, n)},
                                {"total_count", list.total},
                                {"stats", nullptr}});
}

http::HttpResponse Delete(ApiContext& ctx, const Request& req) {
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(auto c, ctx.collections.Get(h, req.Param("collection_identifier")));
  Status st = ctx.collections.Delete(h, c.collection_id);
  if (!st.ok()) return FromStatus(st);
  return Json(200, json::object{{"success", true},
                                {"message", "collection deleted"},
                                {"collection_id", c.collection_id}});
}

http::HttpResponse ListDocuments(ApiContext& ctx, const Request& req) {
  http::HttpResponse error;
  auto body = ParseJson(req.http, true, &error);
  if (!body) return error;
  model::ValidationIssues issues;
  model::Page page = ParsePage(req.http, &issues);
  auto list_req = codec::DecodeDocumentList(codec::BodyReader(*body, &issues));
  if (list_req.cursor) page.offset = *list_req.cursor;  // the body's cursor wins
  if (!issues.empty()) return Unprocessable(issues);
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(
      auto list,
      ctx.collections.ListDocuments(h, req.Param("collection_identifier"), page, list_req.filter));
  json::array results;
  for (const auto& d : list.items) {
    results.push_back(
        codec::EncodeDocument(d, h.ns.org_id, h.ns.namespace_id, list_req.return_vectors));
  }
  auto n = static_cast<int64_t>(list.items.size());
  return Json(200, json::object{{"results", std::move(results)},
                                {"groups", nullptr},
                                {"pagination", codec::EncodePagination(page, list.total, n)},
                                {"stats", nullptr},
                                {"group_by_field", nullptr}});
}

http::HttpResponse GetDocument(ApiContext& ctx, const Request& req) {
  model::ValidationIssues issues;
  bool with_vectors = QueryBool(req.http, "return_vectors", false, &issues);
  if (!issues.empty()) return Unprocessable(issues);
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(auto d, ctx.collections.GetDocument(h, req.Param("collection_identifier"),
                                                            req.Param("document_id")));
  return Json(200, codec::EncodeDocument(d, h.ns.org_id, h.ns.namespace_id, with_vectors));
}

http::HttpResponse ListExtractors(ApiContext& ctx, const Request&) {
  json::array out;
  for (const auto* fx : ctx.extractors.List())
    out.push_back(codec::EncodeExtractorInfo(fx->info()));
  return Json(200, out);
}

}  // namespace

void RegisterCollectionRoutes(http::Router& router, ApiContext& ctx) {
  const std::string col = "/v1/collections/{collection_identifier}";
  router.Add("GET", "/v1/collections/features/extractors", Authenticated(ctx, ListExtractors));
  router.Add("POST", "/v1/collections", Authenticated(ctx, Create));
  router.Add("POST", "/v1/collections/list", Authenticated(ctx, List));
  router.Add("GET", col, Authenticated(ctx, Get));
  router.Add("DELETE", col, Authenticated(ctx, Delete));
  router.Add("POST", col + "/documents/list", Authenticated(ctx, ListDocuments));
  router.Add("GET", col + "/documents/{document_id}", Authenticated(ctx, GetDocument));
}

}  // namespace ferry::api
