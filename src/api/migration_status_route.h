#pragma once
// GET /v1/namespaces/migrations/{migration_id}, served from memory while the migration
// runs in this process (DESIGN.md §3 "Live status").
//
// The migration layer publishes each persisted state of a running migration on its
// status board with a version (migration/status_board.h). This route encodes a state
// once, caches the body by (migration_id, version) and shares it between responses. A
// request whose API key was seen before and whose migration is on the board is answered
// on the I/O thread: no catalog query, no encoding, no copy of the body. Everything else
// (first use of a key, a migration not running here, another organization's migration)
// takes the ordinary path on the handler pool, reading the catalog as before.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "api/api_context.h"
#include "api/http/router.h"

namespace ferry::api {

// Callers by the SHA-256 of the Authorization header that authenticated them. Only
// successes are kept: valid while API keys are never revoked (there is no operation that
// removes one). Bounded; thread-safe.
class AuthenticatedKeys {
 public:
  static constexpr size_t kMaxEntries = 1024;
  std::optional<service::Caller> Find(const std::string& authorization_header) const;
  void Add(const std::string& authorization_header, const service::Caller& caller);

 private:
  mutable std::mutex mu_;
  std::map<std::string, service::Caller> by_hash_;  // guarded by mu_
};

// The encoded GET body of each running migration's latest published state. Bounded
// (an entry is dropped only by the bound: finished migrations have no version and are
// never looked up again); thread-safe.
class EncodedStatusCache {
 public:
  static constexpr size_t kMaxEntries = 256;
  // The body for `view` (which has a version), encoded now only if this version was
  // not encoded before.
  std::shared_ptr<const std::string> Body(const migration::MigrationService::StatusView& view);
  // Bodies encoded so far (a test hook).
  uint64_t encodes() const;

 private:
  struct Entry {
    uint64_t version = 0;
    std::shared_ptr<const std::string> body;
  };
  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;  // guarded by mu_
  uint64_t encodes_ = 0;                  // guarded by mu_
};

// What the route keeps between requests. Owned by the route function.
struct MigrationStatusRouteState {
  AuthenticatedKeys keys;
  EncodedStatusCache bodies;
};

// The route function for GET …/migrations/{migration_id}. `state` may be shared with a
// test to observe it.
http::RouteFn MigrationStatusRoute(ApiContext& ctx,
                                   std::shared_ptr<MigrationStatusRouteState> state);

}  // namespace ferry::api
