#include "http_client/http_client.h"

#include <curl/curl.h>
#include <sys/socket.h>

#include <algorithm>
#include <charconv>
#include <memory>

namespace ferry::http_client {
namespace {

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;
using HeaderList = std::unique_ptr<curl_slist, SlistDeleter>;

// What the callbacks of one request share.
struct Exchange {
  const ClientOptions* options = nullptr;
  const StreamHandlers* stream = nullptr;  // GetStream only
  CURL* easy = nullptr;
  Response response;
  bool too_large = false;
  bool stopped = false;           // a stream handler asked to stop
  std::optional<Status> refused;  // the connect guard's verdict, when it refused
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string Lowercase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; });
  return out;
}

bool Streaming2xx(const Exchange& exchange) {
  if (exchange.stream == nullptr) return false;
  long status = 0;
  curl_easy_getinfo(exchange.easy, CURLINFO_RESPONSE_CODE, &status);
  return status >= 200 && status < 300;
}

size_t WriteBody(char* data, size_t size, size_t count, void* userdata) {
  auto* exchange = static_cast<Exchange*>(userdata);
  const size_t n = size * count;
  if (Streaming2xx(*exchange)) {
    if (exchange->stream->on_data && !exchange->stream->on_data(std::string_view(data, n))) {
      exchange->stopped = true;
      return 0;  // aborts the transfer
    }
    return n;
  }
  if (exchange->options->discard_body) return n;
  std::string& body = exchange->response.body;
  if (body.size() + n > exchange->options->max_response_bytes) {
    exchange->too_large = true;
    return 0;  // aborts the transfer
  }
  body.append(data, n);
  return n;
}

// One header line; a status line starts a new response (after a 1xx), so only the final
// response's fields are kept.
size_t ReadHeader(char* data, size_t size, size_t count, void* userdata) {
  auto* exchange = static_cast<Exchange*>(userdata);
  const std::string_view line(data, size * count);
  const size_t colon = line.find(':');
  if (line.rfind("HTTP/", 0) == 0) {
    exchange->response.headers.clear();
  } else if (colon != std::string_view::npos && colon > 0) {
    exchange->response.headers.emplace_back(Lowercase(Trim(line.substr(0, colon))),
                                            std::string(Trim(line.substr(colon + 1))));
  }
  return size * count;
}

int StreamProgress(void* clientp, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* exchange = static_cast<Exchange*>(clientp);
  if (exchange->stream->should_stop && exchange->stream->should_stop()) {
    exchange->stopped = true;
    return 1;  // aborts the transfer
  }
  return 0;
}

curl_socket_t OpenGuardedSocket(void* clientp, curlsocktype /*purpose*/, curl_sockaddr* address) {
  auto* exchange = static_cast<Exchange*>(clientp);
  Status verdict = exchange->options->connect_guard(address->addr);
  if (!verdict.ok()) {
    exchange->refused = std::move(verdict);
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype, address->protocol);
}

Result<HeaderList> BuildHeaders(const Headers& headers) {
  HeaderList owner(curl_slist_append(nullptr, "Expect:"));
  if (owner == nullptr) return Status::ResourceExhausted("curl_slist_append failed");
  for (const auto& [name, value] : headers) {
    const std::string line = name + ": " + value;
    if (curl_slist_append(owner.get(), line.c_str()) == nullptr) {
      return Status::ResourceExhausted("curl_slist_append failed");
    }
  }
  return owner;
}

Status TransportError(CURLcode code, const Exchange& exchange, const char* detail) {
  if (exchange.refused.has_value()) return *exchange.refused;
  std::string message = exchange.options->error_context + ": ";
  if (exchange.too_large) {
    return Status::ResourceExhausted(message + "response larger than " +
                                     std::to_string(exchange.options->max_response_bytes) +
                                     " bytes");
  }
  message.append(*detail != '\0' ? detail : curl_easy_strerror(code));
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

void SetTimeouts(CURL* h, const Request& request, bool stream) {
  const long timeout_ms = static_cast<long>(std::max<int64_t>(request.timeout.count(), 1));
  const long connect_ms = std::min(
      timeout_ms, static_cast<long>(std::max<int64_t>(request.connect_timeout.count(), 1)));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
  if (!stream) {
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
    return;
  }
  // No total timeout; fewer than 1 byte/s over the idle time is a timeout.
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 0L);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, (timeout_ms + 999) / 1000);
}

void SetTransferOptions(CURL* h, const ClientOptions& options, const Request& request,
                        Method method, bool stream) {
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  SetTimeouts(h, request, stream);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_PROXY, "");
  curl_easy_setopt(h, CURLOPT_USERAGENT, options.user_agent.c_str());
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  if (method == Method::kPost) {
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  } else {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    if (method == Method::kDelete) curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "DELETE");
  }
}

void SetCallbacks(CURL* h, Exchange* exchange) {
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, exchange);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, ReadHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, exchange);
  if (exchange->stream != nullptr) {
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, StreamProgress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, exchange);
  }
  if (exchange->options->connect_guard) {
    curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, OpenGuardedSocket);
    curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, exchange);
  }
}

}  // namespace

CurlGlobal::CurlGlobal() : ok_(curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK) {}

CurlGlobal::~CurlGlobal() {
  if (ok_) curl_global_cleanup();
}

std::optional<std::string_view> Response::Header(std::string_view name) const {
  for (const auto& [field, value] : headers) {
    if (field == name) return std::string_view(value);
  }
  return std::nullopt;
}

std::optional<std::chrono::milliseconds> RetryAfter(const Response& response) {
  const std::optional<std::string_view> value = response.Header("retry-after");
  if (!value.has_value()) return std::nullopt;
  int64_t seconds = 0;
  const char* end = value->data() + value->size();
  auto [ptr, ec] = std::from_chars(value->data(), end, seconds);
  if (ec != std::errc() || ptr != end || seconds < 0 || seconds > (int64_t{1} << 40)) {
    return std::nullopt;
  }
  return std::chrono::milliseconds(seconds * 1000);
}

Result<Response> HttpClient::Post(const Request& request) const {
  return Perform(Method::kPost, request, nullptr);
}

Result<Response> HttpClient::Get(const Request& request) const {
  return Perform(Method::kGet, request, nullptr);
}

Result<Response> HttpClient::Delete(const Request& request) const {
  return Perform(Method::kDelete, request, nullptr);
}

Result<Response> HttpClient::GetStream(const Request& request,
                                       const StreamHandlers& handlers) const {
  return Perform(Method::kGet, request, &handlers);
}

Result<Response> HttpClient::Perform(Method method, const Request& request,
                                     const StreamHandlers* stream) const {
  EasyHandle easy(curl_easy_init());
  if (easy == nullptr) return Status::ResourceExhausted("curl_easy_init failed");
  FERRY_ASSIGN_OR_RETURN(HeaderList header_list, BuildHeaders(request.headers));
  Exchange exchange;
  exchange.options = &options_;
  exchange.stream = stream;
  exchange.easy = easy.get();
  char error[CURL_ERROR_SIZE] = {};
  CURL* h = easy.get();
  SetTransferOptions(h, options_, request, method, stream != nullptr);
  SetCallbacks(h, &exchange);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  const CURLcode code = curl_easy_perform(h);
  if (code != CURLE_OK && !exchange.stopped) return TransportError(code, exchange, error);
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  exchange.response.status = static_cast<int>(status);
  return std::move(exchange.response);
}

}  // namespace ferry::http_client
