#pragma once
// Configuration of one HTTP embedding extractor ([[extractors.http]] in ferryd's TOML).
// The API key is given by reference only (an environment variable's name or a file
// path); its value is resolved at startup and never stored in the config.

#include <cstdint>
#include <functional>
#include <string>

#include "common/result.h"

namespace ferry::extract::http {

struct HttpExtractorConfig {
  // Extractor name and version: feature URI mixpeek://{name}@{version}/embedding.
  std::string name;
  std::string version = "v1";
  // Shown in the extractor listing; a default naming model and server when empty.
  std::string description;
  // The OpenAI-style base URL, e.g. "http://127.0.0.1:8000/v1"; requests go to
  // base_url + "/embeddings". http or https; no user:password@ part.
  std::string base_url;
  std::string model;
  // Length of every returned vector (checked on each response).
  int64_t dimensions = 0;
  // Also send "dimensions" in the request (models that can shorten their output).
  bool send_dimensions = false;
  // Where the API key comes from: an environment variable's name, or a file whose
  // content (trailing whitespace removed) is the key. At most one; none = no key.
  std::string api_key_env;
  std::string api_key_file;
  // Texts per request.
  int64_t batch_size = 16;
  // Whole-request timeout and connect timeout.
  int64_t timeout_seconds = 30;
  int64_t connect_timeout_seconds = 5;
  // Retries after the first attempt on 429, 5xx, timeouts and connection errors.
  int64_t max_retries = 4;
  // Exponential backoff with jitter between retries.
  int64_t backoff_initial_ms = 250;
  int64_t backoff_max_ms = 8000;

  // InvalidArgument naming the field, e.g. "base_url is required".
  Status Validate() const;
};

// Reads the API key the config refers to ("" when it names none). `getenv` is the
// environment lookup (nullptr when unset). FailedPrecondition naming the variable or
// file — never the key — when it cannot be read or is empty.
Result<std::string> ResolveApiKey(const HttpExtractorConfig& config,
                                  const std::function<const char*(const char*)>& getenv);

}  // namespace ferry::extract::http
