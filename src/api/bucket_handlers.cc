#include "api/handler_support.h"
#include "api/routes.h"
#include "codec/codecs.h"
#include "codec/list_codec.h"

namespace ferry::api {

namespace json = boost::json;

namespace {

http::HttpResponse BucketResponse(const service::NamespaceHandle& h, const model::Bucket& b) {
  auto stats = h.store->GetBucketStats(b.bucket_id);
  if (!stats.ok()) return FromStatus(stats.status());
  return Json(200, codec::EncodeBucket(b, *stats, h.ns.org_id));
}

http::HttpResponse Create(ApiContext& ctx, const Request& req) {
  http::HttpResponse error;
  auto body = ParseJson(req.http, false, &error);
  if (!body) return error;
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  model::ValidationIssues issues;
  auto create = codec::DecodeBucketCreate(codec::BodyReader(*body, &issues));
  if (!issues.empty()) return Unprocessable(issues);
  auto bucket = ctx.buckets.Create(h, create, &issues);
  if (!issues.empty()) return Unprocessable(issues);
  if (!bucket.ok()) return FromStatus(bucket.status());
  return BucketResponse(h, *bucket);
}

http::HttpResponse Get(ApiContext& ctx, const Request& req) {
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(auto bucket, ctx.buckets.Get(h, req.Param("bucket_identifier")));
  return BucketResponse(h, bucket);
}

// ListBucketsRequest pages in the body (Mixpeek's operation has no query parameters).
http::HttpResponse List(ApiContext& ctx, const Request& req) {
  http::HttpResponse error;
  auto body = ParseJson(req.http, true, &error);
  if (!body) return error;
  model::ValidationIssues issues;
  model::Page page = codec::DecodeBucketList(codec::BodyReader(*body, &issues));
  if (!issues.empty()) return Unprocessable(issues);
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(auto list, ctx.buckets.List(h, page));
  json::array results;
  for (const auto& b : list.items) {
    API_ASSIGN_OR_RESPOND(auto stats, h.store->GetBucketStats(b.bucket_id));
    results.push_back(codec::EncodeBucket(b, stats, h.ns.org_id));
  }
  auto n = static_cast<int64_t>(list.items.size());
  return Json(200, json::object{{"results", std::move(results)},
                                {"total_count", list.total},
                                {"pagination", codec::EncodePagination(page, list.total, n)},
                                {"stats", nullptr}});
}

http::HttpResponse Delete(ApiContext& ctx, const Request& req) {
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(auto bucket, ctx.buckets.Get(h, req.Param("bucket_identifier")));
  Status st = ctx.buckets.Delete(h, bucket.bucket_id);
  if (!st.ok()) return FromStatus(st);
  return Json(
      200, json::object{
               {"success", true}, {"message", "bucket deleted"}, {"bucket_id", bucket.bucket_id}});
}

http::HttpResponse CreateObject(ApiContext& ctx, const Request& req) {
  http::HttpResponse error;
  auto body = ParseJson(req.http, false, &error);
  if (!body) return error;
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  model::ValidationIssues issues;
  auto create = codec::DecodeObjectCreate(codec::BodyReader(*body, &issues));
  if (!issues.empty()) return Unprocessable(issues);
  auto obj = ctx.buckets.CreateObject(h, req.Param("bucket_identifier"), create, &issues);
  if (!issues.empty()) return Unprocessable(issues);
  if (!obj.ok()) return FromStatus(obj.status());
  return Json(200, codec::EncodeObject(*obj, h.ns.org_id));
}

http::HttpResponse GetObject(ApiContext& ctx, const Request& req) {
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(auto obj, ctx.buckets.GetObject(h, req.Param("bucket_identifier"),
                                                        req.Param("object_identifier")));
  return Json(200, codec::EncodeObject(obj, h.ns.org_id));
}

http::HttpResponse ListObjects(ApiContext& ctx, const Request& req) {
  http::HttpResponse error;
  auto body = ParseJson(req.http, true, &error);
  if (!body) return error;
  model::ValidationIssues issues;
  model::Page page = ParsePage(req.http, &issues);
  codec::JsonReader reader = codec::BodyReader(*body, &issues);
  if (reader.ExpectObject())
    codec::RejectUnsupported(reader, {"filters", "sort", "search", "select"});
  if (!issues.empty()) return Unprocessable(issues);
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(auto list,
                        ctx.buckets.ListObjects(h, req.Param("bucket_identifier"), page));
  json::array results;
  for (const auto& o : list.items) results.push_back(codec::EncodeObject(o, h.ns.org_id));
  auto n = static_cast<int64_t>(list.items.size());
  return Json(200, json::object{{"results", std::move(results)},
                                {"pagination", codec::EncodePagination(page, list.total, n)},
                                {"stats", nullptr}});
}

http::HttpResponse DeleteObject(ApiContext& ctx, const Request& req) {
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  Status st =
      ctx.buckets.DeleteObject(h, req.Param("bucket_identifier"), req.Param("object_identifier"));
  if (!st.ok()) return FromStatus(st);
  return NoContent();
}

// PUT (replace = true) and PATCH of an object.
http::HttpResponse UpdateObject(ApiContext& ctx, const Request& req, bool replace) {
  http::HttpResponse error;
  auto body = ParseJson(req.http, false, &error);
  if (!body) return error;
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(auto bucket, ctx.buckets.Get(h, req.Param("bucket_identifier")));
  model::ValidationIssues issues;
  auto reader = codec::BodyReader(*body, &issues);
  auto update =
      replace ? codec::DecodeObjectUpdate(reader) : codec::DecodeObjectPatch(reader, bucket.schema);
  if (!issues.empty()) return Unprocessable(issues);
  auto obj = ctx.buckets.UpdateObject(h, bucket.bucket_id, req.Param("object_identifier"), update,
                                      &issues);
  if (!issues.empty()) return Unprocessable(issues);
  if (!obj.ok()) return FromStatus(obj.status());
  return Json(200, codec::EncodeObject(*obj, h.ns.org_id));
}

http::HttpResponse ReplaceObject(ApiContext& ctx, const Request& req) {
  return UpdateObject(ctx, req, true);
}
http::HttpResponse PatchObject(ApiContext& ctx, const Request& req) {
  return UpdateObject(ctx, req, false);
}

http::HttpResponse CreateBatch(ApiContext& ctx, const Request& req) {
  http::HttpResponse error;
  auto body = ParseJson(req.http, false, &error);
  if (!body) return error;
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  model::ValidationIssues issues;
  auto create = codec::DecodeBatchCreate(codec::BodyReader(*body, &issues));
  if (!issues.empty()) return Unprocessable(issues);
  API_ASSIGN_OR_RESPOND(auto bucket, ctx.buckets.Get(h, req.Param("bucket_identifier")));
  auto batch = ctx.batches.Create(h, bucket, create, &issues);
  if (!issues.empty()) return Unprocessable(issues);
  if (!batch.ok()) return FromStatus(batch.status());
  return Json(200, codec::EncodeBatch(*batch, h.ns.org_id));
}

http::HttpResponse GetBatch(ApiContext& ctx, const Request& req) {
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(auto bucket, ctx.buckets.Get(h, req.Param("bucket_identifier")));
  API_ASSIGN_OR_RESPOND(auto batch, ctx.batches.Get(h, bucket, req.Param("batch_id")));
  return Json(200, codec::EncodeBatch(batch, h.ns.org_id));
}

http::HttpResponse SubmitBatch(ApiContext& ctx, const Request& req) {
  http::HttpResponse error;
  auto body = ParseJson(req.http, true, &error);
  if (!body) return error;
  model::ValidationIssues issues;
  codec::JsonReader reader = codec::BodyReader(*body, &issues);
  if (reader.is_object()) {
    reader.RejectNull({"include_processing_history"});
    reader.Bool("include_processing_history", false);  // read for its type only
  }
  if (!issues.empty()) return Unprocessable(issues);
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  API_ASSIGN_OR_RESPOND(auto bucket, ctx.buckets.Get(h, req.Param("bucket_identifier")));
  API_ASSIGN_OR_RESPOND(auto task,
                        ctx.batches.Submit(req.caller, h, bucket, req.Param("batch_id")));
  return Json(200, codec::EncodeTask(task));
}

}  // namespace

void RegisterBucketRoutes(http::Router& router, ApiContext& ctx) {
  const std::string bucket = "/v1/buckets/{bucket_identifier}";
  router.Add("POST", "/v1/buckets", Authenticated(ctx, Create));
  router.Add("POST", "/v1/buckets/list", Authenticated(ctx, List));
  router.Add("GET", bucket, Authenticated(ctx, Get));
  router.Add("DELETE", bucket, Authenticated(ctx, Delete));
  router.Add("POST", bucket + "/objects", Authenticated(ctx, CreateObject));
  router.Add("POST", bucket + "/objects/list", Authenticated(ctx, ListObjects));
  router.Add("GET", bucket + "/objects/{object_identifier}", Authenticated(ctx, GetObject));
  router.Add("DELETE", bucket + "/objects/{object_identifier}", Authenticated(ctx, DeleteObject));
  router.Add("PUT", bucket + "/objects/{object_identifier}", Authenticated(ctx, ReplaceObject));
  router.Add("PATCH", bucket + "/objects/{object_identifier}", Authenticated(ctx, PatchObject));
  router.Add("POST", bucket + "/batches", Authenticated(ctx, CreateBatch));
  router.Add("GET", bucket + "/batches/{batch_id}", Authenticated(ctx, GetBatch));
  router.Add("POST", bucket + "/batches/{batch_id}/submit", Authenticated(ctx, SubmitBatch));
}

}  // namespace ferry::api
