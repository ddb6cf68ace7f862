#pragma once
// The one libcurl wrapper of Ferry: POST a body, get the status, headers and body back.
// The HTTP extractor (extract/http) and the webhook poster (migration/webhooks) both use
// it; each keeps its own small interface as a test seam and adapts to this one.
//
// Every request uses its own easy handle, no signals (safe in a multi-threaded daemon),
// no proxy from the environment (a connect guard must see the real target), no
// redirects, http and https only, a connect and a total timeout, and a bounded response.

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

struct sockaddr;

namespace ferry::http_client {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Holds libcurl's process-wide initialization. The app creates exactly one before any
// request and keeps it until every client is gone (it is not a singleton: nothing finds
// it, its lifetime is the proof).
class CurlGlobal {
 public:
  CurlGlobal();
  ~CurlGlobal();
  CurlGlobal(const CurlGlobal&) = delete;
  CurlGlobal& operator=(const CurlGlobal&) = delete;

  // False when curl_global_init failed (then no request works).
  bool ok() const { return ok_; }

 private:
  bool ok_;
};

// Called with every address curl is about to connect to, after DNS, so a host that
// resolves to a forbidden address only at connect time (DNS rebinding) is still caught.
// A non-OK status refuses the connection and is the request's error, as it is.
// Must be thread-safe.
using ConnectGuard = std::function<Status(const sockaddr& address)>;

struct ClientOptions {
  // User-Agent header (default: "Ferry/1").
  std::string user_agent = "Ferry/1";
  // A larger response body fails the request with ResourceExhausted (default: 512 MiB).
  size_t max_response_bytes = size_t{512} << 20;
  // Read the response body and drop it: Response::body stays empty and no size limit
  // applies (default: false).
  bool discard_body = false;
  // Start of every transport error's message (default: "HTTP request failed").
  std::string error_context = "HTTP request failed";
  // Checks each address before connecting; empty = any address (default).
  ConnectGuard connect_guard{};
};

struct Request {
  std::string url{};
  std::string body{};
  // Sent as given, in order. "Expect: 100-continue" is always suppressed.
  Headers headers{};
  // Connect timeout, capped by `timeout` (default: 5 s).
  std::chrono::milliseconds connect_timeout{5000};
  // The whole exchange (default: 30 s).
  std::chrono::milliseconds timeout{30000};
};

struct Response {
  int status = 0;
  // The final response's header fields: names lowercase, values trimmed, in order.
  Headers headers{};
  std::string body{};

  // The first header field named `name` (lowercase), if any.
  std::optional<std::string_view> Header(std::string_view name) const;
};

// "Retry-After: <seconds>"; nullopt when absent, negative or not delta-seconds (an HTTP
// date is not honoured).
std::optional<std::chrono::milliseconds> RetryAfter(const Response& response);

class HttpClient {
 public:
  explicit HttpClient(ClientOptions options) : options_(std::move(options)) {}

  // POSTs `request`. Any HTTP status, 4xx and 5xx included, is a Response. Errors:
  // DeadlineExceeded (timed out), Unavailable (cannot connect, connection lost),
  // InvalidArgument (malformed URL, a scheme other than http(s)), ResourceExhausted
  // (response body above max_response_bytes), or the connect guard's status.
  // REQUIRES: a CurlGlobal outlives the call. Thread-safe.
  Result<Response> Post(const Request& request) const;

 private:
  const ClientOptions options_;
};

}  // namespace ferry::http_client
