#pragma once
// The one HTTP call webhooks need, behind an interface so tests use a fake and the
// daemon uses CurlPoster.

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"

namespace ferry::migration::webhooks {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

class HttpPoster {
 public:
  virtual ~HttpPoster() = default;

  // POSTs `body` to `url` with `headers`, giving up after `timeout`. Returns the
  // receiver's status code, whatever it is (a 500 is a value, not an error). Errors are
  // transport failures: DeadlineExceeded (timed out), Unavailable (could not connect,
  // connection broken), InvalidArgument (target refused or URL unusable).
  // Must be thread-safe.
  virtual Result<int> Post(const std::string& url, const std::string& body,
                           const HttpHeaders& headers, std::chrono::milliseconds timeout) = 0;
};

}  // namespace ferry::migration::webhooks
