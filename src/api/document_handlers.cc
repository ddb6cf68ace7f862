// The document write endpoints: POST …/documents, PUT / PATCH / DELETE …/documents/{id},
// POST and DELETE …/documents/batch, PATCH …/documents/bulk. (List and GET are in
// collection_handlers.cc.)

#include "api/handler_support.h"
#include "api/routes.h"
#include "codec/codecs.h"
#include "codec/document_write_codec.h"

namespace ferry::api {

namespace json = boost::json;

namespace {

http::HttpResponse DocumentJson(const service::NamespaceHandle& h, const model::Document& d) {
  return Json(200, codec::EncodeDocument(d, h.ns.org_id, h.ns.namespace_id, false));
}

// The body as JSON, decoded by `decode` into a request; false (with `*error` set) when the
// body is not JSON or the request is invalid.
template <typename Req, typename Decode>
bool DecodeBody(const Request& req, Decode decode, Req* out, http::HttpResponse* error) {
  auto body = ParseJson(req.http, false, error);
  if (!body) return false;
  model::ValidationIssues issues;
  *out = decode(codec::BodyReader(*body, &issues));
  if (issues.empty()) return true;
  *error = Unprocessable(issues);
  return false;
}

http::HttpResponse Create(ApiContext& ctx, const Request& req) {
  http::HttpResponse error;
  model::DocumentCreate create;
  if (!DecodeBody(req, codec::DecodeDocumentCreate, &create, &error)) return error;
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  model::ValidationIssues issues;
  auto d = ctx.collections.CreateDocument(h, req.Param("collection_identifier"), create, &issues);
  if (!issues.empty()) return Unprocessable(issues);
  if (!d.ok()) return FromStatus(d.status());
  return DocumentJson(h, *d);
}

http::HttpResponse Update(ApiContext& ctx, const Request& req, bool replace) {
  http::HttpResponse error;
  model::DocumentUpdate update;
  auto decode = [replace](codec::JsonReader r) { return codec::DecodeDocumentUpdate(r, !replace); };
  if (!DecodeBody(req, decode, &update, &error)) return error;
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  model::ValidationIssues issues;
  auto d = ctx.collections.UpdateDocument(h, req.Param("collection_identifier"),
                                          req.Param("document_id"), update, replace, &issues);
  if (!issues.empty()) return Unprocessable(issues);
  if (!d.ok()) return FromStatus(d.status());
  return DocumentJson(h, *d);
}

http::HttpResponse Replace(ApiContext& ctx, const Request& req) { return Update(ctx, req, true); }
http::HttpResponse Patch(ApiContext& ctx, const Request& req) { return Update(ctx, req, false); }

http::HttpResponse Delete(ApiContext& ctx, const Request& req) {
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  const std::string id = req.Param("document_id");
  Status st = ctx.collections.DeleteDocument(h, req.Param("collection_identifier"), id);
  if (!st.ok()) return FromStatus(st);
  return Json(200, json::object{{"message", "document " + id + " deleted"}, {"success", true}});
}

http::HttpResponse BatchUpdate(ApiContext& ctx, const Request& req) {
  http::HttpResponse error;
  model::DocumentBatchUpdate update;
  if (!DecodeBody(req, codec::DecodeDocumentBatchUpdate, &update, &error)) return error;
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(
      auto r, ctx.collections.BatchUpdateDocuments(h, req.Param("collection_identifier"), update));
  return Json(200, codec::EncodeDocumentBatchUpdate(r));
}

http::HttpResponse BatchDelete(ApiContext& ctx, const Request& req) {
  http::HttpResponse error;
  model::DocumentBatchDelete del;
  if (!DecodeBody(req, codec::DecodeDocumentBatchDelete, &del, &error)) return error;
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(
      auto r, ctx.collections.BatchDeleteDocuments(h, req.Param("collection_identifier"), del));
  return Json(200, codec::EncodeDocumentBatchDelete(r));
}

http::HttpResponse BulkUpdate(ApiContext& ctx, const Request& req) {
  http::HttpResponse error;
  model::DocumentBulkUpdate update;
  if (!DecodeBody(req, codec::DecodeDocumentBulkUpdate, &update, &error)) return error;
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(
      auto n, ctx.collections.BulkUpdateDocuments(h, req.Param("collection_identifier"), update));
  return Json(200, codec::EncodeDocumentBulkUpdate(n));
}

}  // namespace

void RegisterDocumentRoutes(http::Router& router, ApiContext& ctx) {
  const std::string docs = "/v1/collections/{collection_identifier}/documents";
  router.Add("POST", docs, Authenticated(ctx, Create));
  router.Add("POST", docs + "/batch", Authenticated(ctx, BatchUpdate));
  router.Add("DELETE", docs + "/batch", Authenticated(ctx, BatchDelete));
  router.Add("PATCH", docs + "/bulk", Authenticated(ctx, BulkUpdate));
  router.Add("PUT", docs + "/{document_id}", Authenticated(ctx, Replace));
  router.Add("PATCH", docs + "/{document_id}", Authenticated(ctx, Patch));
  router.Add("DELETE", docs + "/{document_id}", Authenticated(ctx, Delete));
}

}  // namespace ferry::api
