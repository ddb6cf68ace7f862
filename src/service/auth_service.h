#pragma once
// API keys: "sk_" + 48 hex digits, stored only as SHA-256 hashes. Authentication hashes
// the presented secret and compares hashes in constant time.

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "service/service_deps.h"

namespace ferry::service {

class AuthService {
 public:
  explicit AuthService(const ServiceDeps& deps) : deps_(deps) {}

  // Parses "Bearer sk_…" and returns the caller. Unauthenticated when the header is
  // missing, malformed or names no key.
  Result<Caller> Authenticate(std::string_view authorization_header) const;

  // Creates organization `org_name` if needed and a key for it. `secret` fixes the key
  // (it must look like "sk_…", 16–200 characters); otherwise a random one is made.
  // Returns the secret — the only time it exists outside the caller.
  Result<std::string> CreateKey(const std::string& org_name,
                                std::optional<std::string> secret) const;

  // True when no organization exists yet (first start).
  Result<bool> IsEmpty() const;

 private:
  const ServiceDeps& deps_;
};

}  // namespace ferry::service
