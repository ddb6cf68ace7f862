#include "api/migration_status_route.h"

#include <utility>

#include "api/handler_support.h"
#include "api/responses.h"
#include "codec/json_value.h"
#include "codec/migration_codec.h"
#include "common/crypto.h"

namespace ferry::api {

std::optional<service::Caller> AuthenticatedKeys::Find(
    const std::string& authorization_header) const {
  std::string hash = Sha256Hex(authorization_header);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_hash_.find(hash);
  if (it == by_hash_.end()) return std::nullopt;
  return it->second;
}

void AuthenticatedKeys::Add(const std::string& authorization_header,
                            const service::Caller& caller) {
  std::string hash = Sha256Hex(authorization_header);
  std::lock_guard<std::mutex> lock(mu_);
  if (by_hash_.size() >= kMaxEntries) by_hash_.clear();
  by_hash_[std::move(hash)] = caller;
}

std::shared_ptr<const std::string> EncodedStatusCache::Body(
    const migration::MigrationService::StatusView& view) {
  const std::string& id = view.migration->migration_id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(id);
    if (it != entries_.end() && it->second.version == view.version) return it->second.body;
  }
  // Encoded outside the lock; two requests racing on a new version both encode it once.
  auto body = std::make_shared<const std::string>(
      codec::Serialize(codec::EncodeMigration(*view.migration)));
  std::lock_guard<std::mutex> lock(mu_);
  ++encodes_;
  auto it = entries_.find(id);
  if (it == entries_.end()) {
    if (entries_.size() >= kMaxEntries) entries_.clear();
    entries_.emplace(id, Entry{view.version, body});
  } else if (it->second.version < view.version) {
    it->second = Entry{view.version, body};  // an older snapshot never replaces a newer one
  }
  return body;
}

uint64_t EncodedStatusCache::encodes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return encodes_;
}

namespace {

http::HttpResponse Shared(std::shared_ptr<const std::string> body) {
  http::HttpResponse response;
  response.shared_body = std::move(body);
  return response;
}

// The ordinary path, on the handler pool: authenticate, then the board or the catalog.
http::HttpResponse Serve(ApiContext& ctx, MigrationStatusRouteState& state,
                         const http::HttpRequest& req, const std::string& id) {
  std::string authorization = req.Header("authorization");
  auto caller = ctx.auth.Authenticate(authorization);
  if (!caller.ok()) return FromStatus(caller.status());
  state.keys.Add(authorization, *caller);
  auto view = ctx.migrations.GetStatus(*caller, id);
  if (!view.ok()) return FromStatus(view.status());
  if (view->version > 0) return Shared(state.bodies.Body(*view));
  return Json(200, codec::EncodeMigration(*view->migration));
}

}  // namespace

http::RouteFn MigrationStatusRoute(ApiContext& ctx,
                                   std::shared_ptr<MigrationStatusRouteState> state) {
  return [&ctx, state = std::move(state)](http::HttpRequest req, http::PathParams params,
                                          http::Responder respond) {
    std::string id = params.at("migration_id");
    // Fast path, on the I/O thread: only in-memory lookups (and an encode once per
    // published state).
    if (auto caller = state->keys.Find(req.Header("authorization"))) {
      if (auto view = ctx.migrations.FindRunning(*caller, id)) {
        return respond(Shared(state->bodies.Body(*view)));
      }
    }
    std::string request_id = req.request_id;
    RunOnHandlerPool(
        ctx, std::move(request_id),
        [&ctx, state, req = std::move(req), id = std::move(id)]() {
          return Serve(ctx, *state, req, id);
        },
        std::move(respond));
  };
}

}  // namespace ferry::api
