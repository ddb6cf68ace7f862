#pragma once
// HttpEmbeddingExtractor: a text extractor whose vectors come from an OpenAI-compatible
// POST {base_url}/embeddings server. Batches inputs (batch_size texts per request),
// retries 429, 5xx, timeouts and connection errors with exponential backoff and jitter
// (max_retries), and normalises every vector to unit length. The API key is sent only
// in the Authorization header and never appears in an error message.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/backoff.h"
#include "extract/extractor.h"
#include "extract/http/http_extractor_config.h"
#include "extract/http/transport.h"

namespace ferry::extract::http {

class HttpEmbeddingExtractor final : public FeatureExtractor {
 public:
  using Sleeper = std::function<void(std::chrono::milliseconds)>;
  using Random = std::function<double()>;  // uniform in [0, 1)

  // REQUIRES: config.Validate().ok(). `api_key` is the resolved key ("" = none).
  // `sleep` and `random` default to the real clock and a per-thread generator.
  HttpEmbeddingExtractor(HttpExtractorConfig config, std::string api_key,
                         std::shared_ptr<const Transport> transport, Sleeper sleep = nullptr,
                         Random random = nullptr);

  const ExtractorInfo& info() const override { return info_; }
  Status ValidateParameters(const model::Value& params) const override;
  Result<std::vector<ExtractedDocument>> Extract(const ExtractorInput& input,
                                                 const model::Value& params) const override;
  std::vector<Result<std::vector<ExtractedDocument>>> ExtractBatch(
      const std::vector<ExtractorInput>& inputs, const model::Value& params) const override;
  size_t max_batch_size() const override { return static_cast<size_t>(config_.batch_size); }
  // Items per second over the requests answered so far (a prior of one batch per
  // half second before the first).
  std::optional<double> KnownItemsPerSecond() const override;

  // One request for `texts` (at most batch_size), with retries: unit vectors in order.
  // `input_error` (optional) is set when the server rejected the request's content (a
  // 4xx other than 401/403, or an unusable answer): one bad input may be the cause.
  Result<std::vector<std::vector<float>>> Embed(const std::vector<std::string>& texts,
                                                bool* input_error = nullptr) const;

 private:
  // What went wrong with one attempt.
  struct Failure {
    bool retryable = false;
    bool input_error = false;
    std::optional<std::chrono::milliseconds> retry_after;
  };
  Result<std::vector<std::vector<float>>> Attempt(const std::string& body, size_t count,
                                                  Failure* failure) const;
  // Documents for `texts`; a batch the server rejects for its content is retried one
  // input per request, so a bad input fails alone.
  std::vector<Result<std::vector<ExtractedDocument>>> EmbedGroup(
      const std::vector<std::string>& texts) const;
  Status HttpError(const PostReply& reply) const;
  // The message with every occurrence of the API key replaced by "***".
  std::string Scrub(std::string message) const;

  const HttpExtractorConfig config_;
  const std::string api_key_;
  const std::shared_ptr<const Transport> transport_;
  const Sleeper sleep_;
  const Random random_;
  const std::string url_;
  ExtractorInfo info_;
  mutable std::atomic<int64_t> items_done_{0};
  mutable std::atomic<int64_t> micros_spent_{0};
};

}  // namespace ferry::extract::http
