#pragma once
// Sends the CLI's requests to a Ferry server: the base URL, the API key (Authorization:
// Bearer, never in a URL and never printed) and the namespace header, over http_client.
// Turns a server's error envelope into one readable line.

#include <boost/json.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "cli/requests.h"
#include "common/result.h"
#include "http_client/http_client.h"

namespace ferry::cli {

struct Connection {
  std::string url = "http://127.0.0.1:8080";  // no trailing slash needed
  std::string api_key;                        // empty: no Authorization header
  std::string namespace_id;                   // empty: no X-Namespace header
};

struct ApiReply {
  int status = 0;
  std::string body;
  bool ok() const { return status >= 200 && status < 300; }
};

// "<message> (<type>, HTTP <status>)" from Mixpeek's envelope
// {"success":false,"status":S,"error":{"message":M,"type":T}}; FastAPI's 422 {"detail":
// [{loc,msg,type}]} gives "<loc>: <msg>" per issue; any other body gives "HTTP <status>"
// (its raw text is never printed).
std::string DescribeError(int status, std::string_view body);

// The one line printed for a transport error: the server is unreachable or timed out,
// naming the URL (which never holds the key).
std::string DescribeTransportError(const Status& status, const std::string& url);

class ApiClient {
 public:
  ApiClient(const http_client::HttpClient& http, Connection connection)
      : http_(http), connection_(std::move(connection)) {}

  // Sends `request`. Any HTTP status is an ApiReply; a transport failure is the Status.
  Result<ApiReply> Send(const ApiRequest& request) const;

  // GETs an event stream; see http_client::HttpClient::GetStream. `last_event_id` is sent
  // as Last-Event-ID when not empty.
  Result<ApiReply> Stream(const ApiRequest& request, const std::string& last_event_id,
                          const http_client::StreamHandlers& handlers,
                          std::chrono::milliseconds idle_timeout) const;

  const Connection& connection() const { return connection_; }

 private:
  http_client::Request Build(const ApiRequest& request) const;

  const http_client::HttpClient& http_;
  const Connection connection_;
};

}  // namespace ferry::cli
