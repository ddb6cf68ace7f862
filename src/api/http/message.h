#pragma once
// The request and response values exchanged between the HTTP transport (HttpServer) and
// the api handlers. Plain data: no Boost types cross this boundary.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ferry::api::http {

// One parsed HTTP request, as handed to a Handler.
struct HttpRequest {
  std::string method;                             // as sent, e.g. "GET"
  std::string path;                               // percent-decoded, without the query string
  std::multimap<std::string, std::string> query;  // percent-decoded; '+' read as a space
  std::map<std::string, std::string> headers;     // names lowercased; repeats joined by ", "
  std::string body;
  std::string request_id;  // a sane X-Request-Id from the client, else a fresh "req_…" id
  std::string remote;      // peer as "address:port"

  // Value of the header named `lower_name` (which must be lowercase), or "" when absent.
  std::string Header(std::string_view lower_name) const;
  // First value of query parameter `name`, or nullopt when absent.
  std::optional<std::string> QueryParam(std::string_view name) const;
};

// The producer's end of a streamed response body (Server-Sent Events). Thread-safe; the
// producer keeps it for as long as it streams.
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  // Queues `bytes` as the body's next part. False once the stream is closed: the client
  // left, a write failed or timed out, more than kMaxQueuedBytes wait unsent (a client
  // that stopped reading), the server is stopping, or End was called. Then nothing is
  // sent and the producer should let the stream go.
  virtual bool Write(std::string bytes) = 0;
  // Sends what is queued, ends the body and closes the connection. Idempotent.
  virtual void End() = 0;
  virtual bool open() const = 0;

  static constexpr size_t kMaxQueuedBytes = 1 << 20;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // When set, sent instead of `body`: a body shared with a cache (and with other responses
  // being written), never copied by the server.
  std::shared_ptr<const std::string> shared_body;
  // Extra headers. The server itself sets Content-Type, Content-Length, Connection, Server
  // and X-Request-Id; do not repeat those here.
  std::vector<std::pair<std::string, std::string>> headers;
  // When set, the body is streamed instead of `body`: the header goes out with chunked
  // transfer coding (to an HTTP/1.0 client: no length, the close ends the body), then
  // `on_stream` is called once, on an I/O thread (so it must not block), with the stream
  // to write to. The connection is closed after a streamed body, never reused.
  std::function<void(std::shared_ptr<BodyStream>)> on_stream;
};

// Sends the response to one request. Callable from any thread. Only the first call counts;
// later calls are ignored. If every copy is destroyed without a call, the client gets a 500
// (so a handler that drops a request cannot hang a connection or a graceful Stop).
using Responder = std::function<void(HttpResponse)>;

// Serves one request. Invoked on an I/O thread, possibly concurrently for different
// connections, so it must be thread-safe and must not block: work that touches storage is
// posted to a pool, which calls the Responder when done.
using Handler = std::function<void(HttpRequest, Responder)>;

// Returns a response whose body is Mixpeek's error envelope:
// {"success": false, "status": S, "error": {"message": M, "type": T, "details": null}}.
HttpResponse ErrorEnvelope(int status, std::string_view type, std::string_view message);

}  // namespace ferry::api::http
