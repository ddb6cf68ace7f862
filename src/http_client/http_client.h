#pragma once
// The one libcurl wrapper of Ferry: POST, GET or DELETE, get the status, headers and body
// back, or read a long-lived GET (an event stream) as it arrives. The HTTP extractor
// (extract/http) and the webhook poster (migration/webhooks) POST through it; the `ferry`
// CLI (cli/) uses all of it. Each user keeps its own small interface as a test seam.
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

enum class Method { kGet, kPost, kDelete };

// How GetStream hands over a body as it arrives, and how its caller stops it.
struct StreamHandlers {
  // Called with each piece of a 2xx response's body as it arrives (pieces split anywhere);
  // returning false stops the transfer.
  std::function<bool(std::string_view data)> on_data{};
  // Polled while the transfer runs (at least every 100 ms or so, also while nothing
  // arrives); returning true stops the transfer. Empty = never.
  std::function<bool()> should_stop{};
};

class HttpClient {
 public:
  explicit HttpClient(ClientOptions options) : options_(std::move(options)) {}

  // POSTs `request`. Any HTTP status, 4xx and 5xx included, is a Response. Errors:
  // DeadlineExceeded (timed out), Unavailable (cannot connect, connection lost),
  // InvalidArgument (malformed URL, a scheme other than http(s)), ResourceExhausted
  // (response body above max_response_bytes), or the connect guard's status.
  // REQUIRES: a CurlGlobal outlives the call. Thread-safe.
  Result<Response> Post(const Request& request) const;
  // GET and DELETE: as Post; the request's body is not sent.
  Result<Response> Get(const Request& request) const;
  Result<Response> Delete(const Request& request) const;

  // GETs a long-lived response (Server-Sent Events): a 2xx body goes to
  // handlers.on_data as it arrives, without a size limit, and Response::body stays empty;
  // any other status's body is read into Response::body as Get does. There is no total
  // timeout: `request.timeout` (rounded up to whole seconds) bounds the time the transfer
  // may go without receiving a byte (DeadlineExceeded beyond). A stop asked by either
  // handler is not an error: the Response so far is returned. The server closing the
  // stream is the normal end (a Response); a connection lost midway is Unavailable.
  Result<Response> GetStream(const Request& request, const StreamHandlers& handlers) const;

 private:
  Result<Response> Perform(Method method, const Request& request,
                           const StreamHandlers* stream) const;

  const ClientOptions options_;
};

}  // namespace ferry::http_client
