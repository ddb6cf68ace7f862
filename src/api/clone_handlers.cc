// The clone endpoints (issue 13 §1): POST /v1/namespaces/{namespace_identifier}/clone, a
// copy migration into a new namespace, and POST /v1/collections/{collection_identifier}/clone,
// a new collection of the same namespace with the source's documents
// (migration/clone_service.h).

#include "api/handler_support.h"
#include "api/routes.h"
#include "codec/clone_codec.h"

namespace ferry::api {

namespace {

http::HttpResponse CloneNamespace(ApiContext& ctx, const Request& req) {
  http::HttpResponse error;
  auto body = ParseJson(req.http, false, &error);
  if (!body) return error;
  model::ValidationIssues issues;
  auto clone_req = codec::DecodeNamespaceCloneRequest(codec::BodyReader(*body, &issues));
  if (!issues.empty()) return Unprocessable(issues);
  auto clone =
      ctx.clones.CloneNamespace(req.caller, req.Param("namespace_identifier"), clone_req, &issues);
  if (!issues.empty()) return Unprocessable(issues);
  if (!clone.ok()) return FromStatus(clone.status());
  return Json(200, codec::EncodeNamespaceClone(*clone));
}

http::HttpResponse CloneCollection(ApiContext& ctx, const Request& req) {
  http::HttpResponse error;
  auto body = ParseJson(req.http, false, &error);
  if (!body) return error;
  model::ValidationIssues issues;
  auto clone_req = codec::DecodeCollectionClone(codec::BodyReader(*body, &issues));
  if (!issues.empty()) return Unprocessable(issues);
  API_ASSIGN_OR_RESPOND(auto h, RequireNamespace(ctx, req));
  auto clone =
      ctx.clones.CloneCollection(h, req.Param("collection_identifier"), clone_req, &issues);
  if (!issues.empty()) return Unprocessable(issues);
  if (!clone.ok()) return FromStatus(clone.status());
  return Json(201, codec::EncodeCollectionClone(*clone, h.ns.org_id));
}

}  // namespace

void RegisterCloneRoutes(http::Router& router, ApiContext& ctx) {
  router.Add("POST", "/v1/namespaces/{namespace_identifier}/clone",
             Authenticated(ctx, CloneNamespace));
  router.Add("POST", "/v1/collections/{collection_identifier}/clone",
             Authenticated(ctx, CloneCollection));
}

}  // namespace ferry::api
