#include "extract/http/http_extractor_config.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace ferry::extract::http {
namespace {

bool IsNameChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }
bool IsVersionChar(char c) {
  return IsNameChar(c) || (c >= 'A' && c <= 'Z') || c == '.' || c == '-';
}

Status Range(const char* field, int64_t v, int64_t min, int64_t max) {
  if (v >= min && v <= max) return Status::Ok();
  return Status::InvalidArgument(std::string(field) + " must be " + std::to_string(min) + "-" +
                                 std::to_string(max) + ", got " + std::to_string(v));
}

Status CheckBaseUrl(const std::string& url) {
  if (url.empty()) return Status::InvalidArgument("base_url is required");
  size_t scheme = url.find("://");
  std::string s = scheme == std::string::npos ? "" : url.substr(0, scheme);
  if (s != "http" && s != "https") {
    return Status::InvalidArgument("base_url must start with http:// or https://");
  }
  std::string authority = url.substr(scheme + 3, url.find('/', scheme + 3) - (scheme + 3));
  if (authority.empty()) return Status::InvalidArgument("base_url has no host");
  if (authority.find('@') != std::string::npos) {
    return Status::InvalidArgument(
        "base_url must not contain credentials; use api_key_env or api_key_file");
  }
  return Status::Ok();
}

}  // namespace

Status HttpExtractorConfig::Validate() const {
  if (name.empty() || name.size() > 64 || !std::all_of(name.begin(), name.end(), IsNameChar)) {
    return Status::InvalidArgument("name must be 1-64 characters of a-z, 0-9 and _, got '" + name +
                                   "'");
  }
  if (version.empty() || version.size() > 32 ||
      !std::all_of(version.begin(), version.end(), IsVersionChar)) {
    return Status::InvalidArgument("version must be 1-32 characters of A-Z, a-z, 0-9, _ . -");
  }
  FERRY_RETURN_IF_ERROR(CheckBaseUrl(base_url));
  if (model.empty()) return Status::InvalidArgument("model is required");
  FERRY_RETURN_IF_ERROR(Range("dimensions", dimensions, 1, 65536));
  if (!api_key_env.empty() && !api_key_file.empty()) {
    return Status::InvalidArgument("give api_key_env or api_key_file, not both");
  }
  FERRY_RETURN_IF_ERROR(Range("batch_size", batch_size, 1, 2048));
  FERRY_RETURN_IF_ERROR(Range("timeout_seconds", timeout_seconds, 1, 3600));
  FERRY_RETURN_IF_ERROR(Range("connect_timeout_seconds", connect_timeout_seconds, 1, 600));
  FERRY_RETURN_IF_ERROR(Range("max_retries", max_retries, 0, 20));
  FERRY_RETURN_IF_ERROR(Range("backoff_initial_ms", backoff_initial_ms, 1, 600000));
  FERRY_RETURN_IF_ERROR(Range("backoff_max_ms", backoff_max_ms, backoff_initial_ms, 600000));
  return Status::Ok();
}

Result<std::string> ResolveApiKey(const HttpExtractorConfig& config,
                                  const std::function<const char*(const char*)>& getenv) {
  if (!config.api_key_env.empty()) {
    const char* value = getenv(config.api_key_env.c_str());
    if (value == nullptr || *value == '\0') {
      return Status::FailedPrecondition("api_key_env names " + config.api_key_env +
                                        ", which is not set or empty");
    }
    return std::string(value);
  }
  if (!config.api_key_file.empty()) {
    std::ifstream in(config.api_key_file, std::ios::binary);
    std::ostringstream text;
    if (in) text << in.rdbuf();
    std::string key = text.str();
    while (!key.empty() &&
           (key.back() == '\n' || key.back() == '\r' || key.back() == ' ' || key.back() == '\t')) {
      key.pop_back();
    }
    if (!in || key.empty()) {
      return Status::FailedPrecondition("api_key_file " + config.api_key_file +
                                        " cannot be read or is empty");
    }
    return key;
  }
  return std::string();
}

}  // namespace ferry::extract::http
