#pragma once
// The one HTTP exchange the extractor needs: POST a JSON body, get status and body back.
// An interface so the retry logic is testable without a server; CurlTransport is the
// real one.

#include <chrono>
#include <optional>
#include <string>

#include "common/result.h"
#include "http_client/http_client.h"

namespace ferry::extract::http {

struct PostRequest {
  std::string url;
  std::string body;
  // The Authorization header's value ("Bearer <key>"); empty = no header.
  std::string authorization;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds timeout{30000};
};

struct PostReply {
  int status = 0;
  std::string body;
  // Retry-After in seconds, when the server sent one.
  std::optional<std::chrono::milliseconds> retry_after;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // A reply for any HTTP status. Transport failures: DeadlineExceeded (timed out),
  // Unavailable (cannot connect, connection lost), InvalidArgument (bad URL),
  // ResourceExhausted (reply too large). Thread-safe.
  virtual Result<PostReply> Post(const PostRequest& request) const = 0;
};

// The real one, on Ferry's libcurl wrapper (http_client/): no redirects, no proxies from
// the environment, replies of at most 512 MiB. REQUIRES: the app's
// http_client::CurlGlobal outlives every call.
class CurlTransport final : public Transport {
 public:
  CurlTransport();
  Result<PostReply> Post(const PostRequest& request) const override;

 private:
  const http_client::HttpClient client_;
};

}  // namespace ferry::extract::http
