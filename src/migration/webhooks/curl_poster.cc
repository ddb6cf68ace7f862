#include "migration/webhooks/curl_poster.h"

#include "migration/webhooks/url_guard.h"

namespace ferry::migration::webhooks {
namespace {

// Refuses every address that is not public (see AddressScope).
Status RefuseNonPublic(const sockaddr& address) {
  const AddressScope scope = ClassifySockaddr(&address);
  if (scope == AddressScope::kPublic) return Status::Ok();
  return Status::InvalidArgument(std::string("refused to connect to a ") + AddressScopeName(scope) +
                                 " address");
}

http_client::ClientOptions ClientOptionsFor(const CurlPosterOptions& options) {
  http_client::ClientOptions client;
  client.user_agent = options.user_agent;
  client.discard_body = true;
  client.error_context = "webhook POST failed";
  if (!options.allow_private_targets) client.connect_guard = RefuseNonPublic;
  return client;
}

}  // namespace

CurlPoster::CurlPoster(CurlPosterOptions options)
    : options_(std::move(options)), client_(ClientOptionsFor(options_)) {}

Result<int> CurlPoster::Post(const std::string& url, const std::string& body,
                             const HttpHeaders& headers, std::chrono::milliseconds timeout) {
  FERRY_ASSIGN_OR_RETURN(http_client::Response response,
                         client_.Post({.url = url,
                                       .body = body,
                                       .headers = headers,
                                       .connect_timeout = options_.connect_timeout,
                                       .timeout = timeout}));
  return response.status;
}

}  // namespace ferry::migration::webhooks
