#pragma once
// CurlPoster: HttpPoster on Ferry's libcurl wrapper (http_client/). Redirects are not
// followed; proxies from the environment are ignored (the guard must see the real
// target); the receiver's body is read and dropped. The address curl is about to connect
// to is checked against the URL guard, so a host that resolves to a private address
// after the dispatcher's check (DNS rebinding) is still refused.

#include <chrono>
#include <string>
#include <utility>

#include "http_client/http_client.h"
#include "migration/webhooks/http_poster.h"

namespace ferry::migration::webhooks {

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
  // REQUIRES: an http_client::CurlGlobal outlives every call. Thread-safe.
  explicit CurlPoster(CurlPosterOptions options);

  Result<int> Post(const std::string& url, const std::string& body, const HttpHeaders& headers,
                   std::chrono::milliseconds timeout) override;

 private:
  const CurlPosterOptions options_;
  const http_client::HttpClient client_;
};

}  // namespace ferry::migration::webhooks
