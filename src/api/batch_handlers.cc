// Batch endpoints beyond create/get/submit (bucket_handlers.cc): POST …/batches/list,
// DELETE …/batches/{id}, POST …/cancel, POST …/retry, GET …/failed-documents.

#include "api/handler_support.h"
#include "api/routes.h"
#include "codec/batch_task_codec.h"
#include "codec/codecs.h"

namespace ferry::api {

namespace json = boost::json;

namespace {

http::HttpResponse List(ApiContext& ctx, const Request& req) {
  http::HttpResponse error;
  auto body = ParseJson(req.http, true, &error);
  if (!body) return error;
  model::ValidationIssues issues;
  json::value empty = json::object{};
  auto query = codec::DecodeBatchList(codec::BodyReader(body->is_null() ? empty : *body, &issues));
  if (!issues.empty()) return Unprocessable(issues);
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(auto bucket, ctx.buckets.Get(h, req.Param("bucket_identifier")));
  API_ASSIGN_OR_RESPOND(auto list, ctx.batches.List(h, bucket, query));
  return Json(200, codec::EncodeBatchList(list, h.ns.org_id));
}

http::HttpResponse Delete(ApiContext& ctx, const Request& req) {
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(auto bucket, ctx.buckets.Get(h, req.Param("bucket_identifier")));
  const std::string& id = req.Param("batch_id");
  Status st = ctx.batches.Delete(h, bucket, id);
  if (!st.ok()) return FromStatus(st);
  return Json(200, json::object{{"message", "batch " + id + " deleted"}, {"success", true}});
}

http::HttpResponse Cancel(ApiContext& ctx, const Request& req) {
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(auto bucket, ctx.buckets.Get(h, req.Param("bucket_identifier")));
  API_ASSIGN_OR_RESPOND(auto task,
                        ctx.batches.Cancel(req.caller, h, bucket, req.Param("batch_id")));
  return Json(200, codec::EncodeTask(task));
}

http::HttpResponse Retry(ApiContext& ctx, const Request& req) {
  http::HttpResponse error;
  auto body = ParseJson(req.http, true, &error);
  if (!body) return error;
  model::ValidationIssues issues;
  json::value empty = json::object{};
  auto retry = codec::DecodeBatchRetry(codec::BodyReader(body->is_null() ? empty : *body, &issues));
  if (!issues.empty()) return Unprocessable(issues);
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(auto bucket, ctx.buckets.Get(h, req.Param("bucket_identifier")));
  auto result = ctx.batches.Retry(req.caller, h, bucket, req.Param("batch_id"), retry, &issues);
  if (!issues.empty()) return Unprocessable(issues);
  if (!result.ok()) return FromStatus(result.status());
  return Json(200, codec::EncodeBatchRetry(*result));
}

http::HttpResponse FailedDocuments(ApiContext& ctx, const Request& req) {
  model::ValidationIssues issues;
  model::FailedDocumentsQuery query;
  if (auto tier = QueryInt(req.http, "tier_num", 0, 1000, &issues)) {
    query.tier_num = static_cast<int>(*tier);
  }
  query.collection_id = req.http.QueryParam("collection_id");
  query.page.limit = QueryInt(req.http, "limit", 1, 1000, &issues).value_or(100);
  query.page.offset = QueryInt(req.http, "offset", 0, INT32_MAX, &issues).value_or(0);
  if (!issues.empty()) return Unprocessable(issues);
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(auto bucket, ctx.buckets.Get(h, req.Param("bucket_identifier")));
  const std::string& id = req.Param("batch_id");
  API_ASSIGN_OR_RESPOND(auto docs, ctx.batches.FailedDocuments(h, bucket, id, query));
  return Json(200, codec::EncodeFailedDocuments(id, docs, query.page));
}

}  // namespace

void RegisterBatchRoutes(http::Router& router, ApiContext& ctx) {
  const std::string batches = "/v1/buckets/{bucket_identifier}/batches";
  router.Add("POST", batches + "/list", Authenticated(ctx, List));
  router.Add("DELETE", batches + "/{batch_id}", Authenticated(ctx, Delete));
  router.Add("POST", batches + "/{batch_id}/cancel", Authenticated(ctx, Cancel));
  router.Add("POST", batches + "/{batch_id}/retry", Authenticated(ctx, Retry));
  router.Add("GET", batches + "/{batch_id}/failed-documents", Authenticated(ctx, FailedDocuments));
}

}  // namespace ferry::api
