#include "migration/webhooks/curl_poster.h"

#include <curl/curl.h>
#include <sys/socket.h>

#include <algorithm>
#include <memory>
#include <optional>

#include "migration/webhooks/url_guard.h"

namespace ferry::migration::webhooks {
namespace {

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;
using HeaderList = std::unique_ptr<curl_slist, SlistDeleter>;

// State of the socket callback: whether private targets are allowed, and why the last
// address was refused.
struct SocketGuard {
  bool allow_private = false;
  std::optional<AddressScope> refused;
};

curl_socket_t OpenGuardedSocket(void* clientp, curlsocktype /*purpose*/, curl_sockaddr* address) {
  auto* guard = static_cast<SocketGuard*>(clientp);
  const AddressScope scope = ClassifySockaddr(&address->addr);
  if (!guard->allow_private && scope != AddressScope::kPublic) {
    guard->refused = scope;
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype, address->protocol);
}

size_t DiscardBody(char* /*data*/, size_t size, size_t count, void* /*userdata*/) {
  return size * count;
}

// "Expect:" turns off curl's 100-continue round trip for larger bodies.
Result<HeaderList> BuildHeaders(const HttpHeaders& headers) {
  curl_slist* list = curl_slist_append(nullptr, "Expect:");
  HeaderList owner(list);
  for (const auto& [name, value] : headers) {
    std::string line = name;
    line.append(": ").append(value);
    list = curl_slist_append(owner.get(), line.c_str());
    if (list == nullptr) return Status::ResourceExhausted("curl_slist_append failed");
  }
  return owner;
}

Status TransportError(CURLcode code, const SocketGuard& guard, const char* detail) {
  std::string message = "webhook POST failed: ";
  message.append(*detail != '\0' ? detail : curl_easy_strerror(code));
  if (guard.refused.has_value()) {
    return Status::InvalidArgument(std::string("refused to connect to a ") +
                                   AddressScopeName(*guard.refused) + " address");
  }
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return Status::DeadlineExceeded(message);
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return Status::InvalidArgument(message);
    default:
      return Status::Unavailable(message);
  }
}

void SetRequestOptions(CURL* easy, const CurlPosterOptions& options,
                       std::chrono::milliseconds timeout) {
  const long timeout_ms = static_cast<long>(std::max<int64_t>(timeout.count(), 1));
  const long connect_ms = std::min(
      timeout_ms, static_cast<long>(std::max<int64_t>(options.connect_timeout.count(), 1)));
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_PROXY, "");
  curl_easy_setopt(easy, CURLOPT_USERAGENT, options.user_agent.c_str());
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, DiscardBody);
}

}  // namespace

CurlGlobal::CurlGlobal() : ok_(curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK) {}

CurlGlobal::~CurlGlobal() {
  if (ok_) curl_global_cleanup();
}

Result<int> CurlPoster::Post(const std::string& url, const std::string& body,
                             const HttpHeaders& headers, std::chrono::milliseconds timeout) {
  EasyHandle easy(curl_easy_init());
  if (easy == nullptr) return Status::ResourceExhausted("curl_easy_init failed");
  FERRY_ASSIGN_OR_RETURN(HeaderList header_list, BuildHeaders(headers));
  SocketGuard guard{options_.allow_private_targets, std::nullopt};
  char error[CURL_ERROR_SIZE] = {};

  CURL* h = easy.get();
  SetRequestOptions(h, options_, timeout);
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, OpenGuardedSocket);
  curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &guard);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);

  const CURLcode code = curl_easy_perform(h);
  if (code != CURLE_OK) return TransportError(code, guard, error);
  long http_status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &http_status);
  return static_cast<int>(http_status);
}

}  // namespace ferry::migration::webhooks
