#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <memory>

#include "extract/http/transport.h"

namespace ferry::extract::http {
namespace {

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

// Replies are bounded: an embeddings answer of 2048 × 65536 floats is far below this.
constexpr size_t kMaxReplyBytes = 512u << 20;

size_t AppendBody(char* data, size_t size, size_t count, void* userdata) {
  auto* body = static_cast<std::string*>(userdata);
  if (body->size() + size * count > kMaxReplyBytes) return 0;  // aborts the transfer
  body->append(data, size * count);
  return size * count;
}

// Picks "Retry-After: <seconds>" out of the header lines.
size_t ReadHeader(char* data, size_t size, size_t count, void* userdata) {
  auto* reply = static_cast<PostReply*>(userdata);
  std::string_view line(data, size * count);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size()) {
    std::string lower(line.substr(0, kName.size()));
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; });
    if (lower == kName) {
      std::string_view v = line.substr(kName.size());
      while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
      int64_t seconds = 0;
      auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), seconds);
      if (ec == std::errc() && ptr != v.data() && seconds >= 0) {
        reply->retry_after = std::chrono::milliseconds(seconds * 1000);
      }
    }
  }
  return size * count;
}

Status TransportError(CURLcode code, const char* detail) {
  std::string message = "embedding request failed: ";
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

}  // namespace

Result<PostReply> CurlTransport::Post(const PostRequest& request) const {
  std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
  if (easy == nullptr) return Status::ResourceExhausted("curl_easy_init failed");
  std::unique_ptr<curl_slist, SlistDeleter> headers(
      curl_slist_append(nullptr, "Content-Type: application/json"));
  curl_slist_append(headers.get(), "Expect:");
  if (!request.authorization.empty()) {
    std::string line = "Authorization: " + request.authorization;
    curl_slist_append(headers.get(), line.c_str());
  }
  PostReply reply;
  char error[CURL_ERROR_SIZE] = {};
  const long timeout_ms = static_cast<long>(std::max<int64_t>(request.timeout.count(), 1));
  const long connect_ms = std::min(
      timeout_ms, static_cast<long>(std::max<int64_t>(request.connect_timeout.count(), 1)));
  CURL* h = easy.get();
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_PROXY, "");
  curl_easy_setopt(h, CURLOPT_USERAGENT, "Ferry-Extractor/1");
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, ReadHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &reply);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  const CURLcode code = curl_easy_perform(h);
  if (code != CURLE_OK) return TransportError(code, error);
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  reply.status = static_cast<int>(status);
  return reply;
}

}  // namespace ferry::extract::http
