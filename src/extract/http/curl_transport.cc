#include "extract/http/transport.h"

namespace ferry::extract::http {

// Replies are bounded: an embeddings answer of 2048 × 65536 floats is far below this.
CurlTransport::CurlTransport()
    : client_(http_client::ClientOptions{.user_agent = "Ferry-Extractor/1",
                                         .max_response_bytes = size_t{512} << 20,
                                         .error_context = "embedding request failed"}) {}

Result<PostReply> CurlTransport::Post(const PostRequest& request) const {
  http_client::Request call{.url = request.url,
                            .body = request.body,
                            .headers = {{"Content-Type", "application/json"}},
                            .connect_timeout = request.connect_timeout,
                            .timeout = request.timeout};
  if (!request.authorization.empty()) {
    call.headers.emplace_back("Authorization", request.authorization);
  }
  FERRY_ASSIGN_OR_RETURN(http_client::Response response, client_.Post(call));
  return PostReply{.status = response.status,
                   .body = std::move(response.body),
                   .retry_after = http_client::RetryAfter(response)};
}

}  // namespace ferry::extract::http
