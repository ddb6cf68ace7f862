#pragma once
// CurlPoster: HttpPoster on libcurl. One easy handle per request; redirects are not
// followed; proxies from the environment are ignored (the guard must see the real
// target); no signals are used (safe in a multi-threaded daemon). The address curl is
// about to connect to is checked against the URL guard, so a host that resolves to a
// private address after the dispatcher's check (DNS rebinding) is still refused.

#include <chrono>
#include <string>
#include <utility>

#include "migration/webhooks/http_poster.h"

namespace ferry::migration::webhooks {

// Holds libcurl's process-wide initialization. The app creates exactly one before any
// CurlPoster is used and keeps it until every poster is gone (it is not a singleton:
// nothing finds it, its lifetime is the proof).
class CurlGlobal {
 public:
  CurlGlobal();
  ~CurlGlobal();
  CurlGlobal(const CurlGlobal&) = delete;
  CurlGlobal& operator=(const CurlGlobal&) = delete;

  // False when curl_global_init failed (then no poster works).
  bool ok() const { return ok_; }

 private:
  bool ok_;
};

struct CurlPosterOptions {
  // Allow connecting to loopback, private and link-local addresses (default: false).
  bool allow_private_targets = false;
  // Connect timeout, capped by the request timeout (default: 5 s).
  std::chrono::milliseconds connect_timeout{5000};
  // User-Agent header (default: "Ferry-Webhooks/1").
  std::string user_agent = "Ferry-Webhooks/1";
};

class CurlPoster final : public HttpPoster {
 public:
  // REQUIRES: a CurlGlobal outlives every call. Thread-safe.
  explicit CurlPoster(CurlPosterOptions options) : options_(std::move(options)) {}

  Result<int> Post(const std::string& url, const std::string& body, const HttpHeaders& headers,
                   std::chrono::milliseconds timeout) override;

 private:
  const CurlPosterOptions options_;
};

}  // namespace ferry::migration::webhooks
