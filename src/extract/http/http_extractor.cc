#include "extract/http/http_extractor.h"

#include <cmath>
#include <random>
#include <thread>

#include "codec/embeddings_codec.h"
#include "extract/parameters.h"

namespace ferry::extract::http {
namespace {

double ThreadRandom() {
  thread_local std::mt19937_64 gen(std::random_device{}());
  return std::uniform_real_distribution<double>(0.0, 1.0)(gen);
}

std::string TrimSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

ExtractorInfo MakeInfo(const HttpExtractorConfig& c) {
  ExtractorInfo info;
  info.name = c.name;
  info.version = c.version;
  info.description = !c.description.empty()
                         ? c.description
                         : "Embeddings of model '" + c.model + "' from an OpenAI-compatible " +
                               "/v1/embeddings server (" + std::to_string(c.dimensions) +
                               " dimensions, batches of " + std::to_string(c.batch_size) + ").";
  info.input_name = "text";
  info.input_type = "text";
  info.dimensions = static_cast<int>(c.dimensions);
  info.parameter_schema = ObjectSchema(model::ValueObject{});
  info.default_parameters = model::Value(model::ValueObject{});
  return info;
}

Status Normalize(std::vector<float>* v) {
  double sum = 0;
  for (float x : *v) sum += static_cast<double>(x) * x;
  if (!(sum > 0) || !std::isfinite(sum)) {
    return Status::InvalidArgument("embedding server returned a zero vector");
  }
  const double inv = 1.0 / std::sqrt(sum);
  for (float& x : *v) x = static_cast<float>(x * inv);
  return Status::Ok();
}

}  // namespace

HttpEmbeddingExtractor::HttpEmbeddingExtractor(HttpExtractorConfig config, std::string api_key,
                                               std::shared_ptr<const Transport> transport,
                                               Sleeper sleep, Random random)
    : config_(std::move(config)),
      api_key_(std::move(api_key)),
      transport_(std::move(transport)),
      sleep_(sleep ? std::move(sleep)
                   : Sleeper([](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); })),
      random_(random ? std::move(random) : Random(ThreadRandom)),
      url_(TrimSlash(config_.base_url) + "/embeddings"),
      info_(MakeInfo(config_)) {}

Status HttpEmbeddingExtractor::ValidateParameters(const model::Value& params) const {
  FERRY_ASSIGN_OR_RETURN(auto reader, ParameterReader::Create(params));
  return reader.CheckKnownKeys({});
}

std::string HttpEmbeddingExtractor::Scrub(std::string message) const {
  if (api_key_.empty()) return message;
  for (size_t pos = message.find(api_key_); pos != std::string::npos;
       pos = message.find(api_key_, pos)) {
    message.replace(pos, api_key_.size(), "***");
  }
  return message;
}

Status HttpEmbeddingExtractor::HttpError(const PostReply& reply) const {
  std::string prefix = "embedding server answered HTTP " + std::to_string(reply.status);
  if (reply.status == 401 || reply.status == 403) {
    // Servers echo (parts of) a rejected key; say nothing of the body.
    return Status::InvalidArgument(prefix + ": the API key was refused");
  }
  std::string detail = Scrub(codec::DescribeEmbeddingsError(reply.body));
  return Status::InvalidArgument(prefix + (detail.empty() ? "" : ": " + detail));
}

Result<std::vector<std::vector<float>>> HttpEmbeddingExtractor::Attempt(const std::string& body,
                                                                        size_t count,
                                                                        Failure* failure) const {
  PostRequest request{url_, body, api_key_.empty() ? "" : "Bearer " + api_key_,
                      std::chrono::seconds(config_.connect_timeout_seconds),
                      std::chrono::seconds(config_.timeout_seconds)};
  *failure = Failure{};
  auto reply = transport_->Post(request);
  if (!reply.ok()) {
    StatusCode code = reply.status().code();
    failure->retryable = code == StatusCode::kUnavailable || code == StatusCode::kDeadlineExceeded;
    return Status(code, Scrub(reply.status().message()));
  }
  if (reply->status == 429 || reply->status >= 500) {
    failure->retryable = true;
    failure->retry_after = reply->retry_after;
    std::string detail = Scrub(codec::DescribeEmbeddingsError(reply->body));
    return Status::Unavailable("embedding server answered HTTP " + std::to_string(reply->status) +
                               (detail.empty() ? "" : ": " + detail));
  }
  if (reply->status < 200 || reply->status >= 300) {
    failure->input_error = reply->status != 401 && reply->status != 403;
    return HttpError(*reply);
  }
  auto vectors =
      codec::DecodeEmbeddingsResponse(reply->body, count, static_cast<int>(config_.dimensions));
  if (vectors.ok()) {
    for (auto& v : *vectors) {
      Status st = Normalize(&v);
      if (!st.ok()) {
        vectors = st;
        break;
      }
    }
  }
  failure->input_error = !vectors.ok();
  return vectors;
}

Result<std::vector<std::vector<float>>> HttpEmbeddingExtractor::Embed(
    const std::vector<std::string>& texts, bool* input_error) const {
  const std::string body = codec::EncodeEmbeddingsRequest(
      config_.model, texts,
      config_.send_dimensions ? std::optional<int>(static_cast<int>(config_.dimensions))
                              : std::nullopt);
  // Equal jitter; a server's Retry-After is honoured up to the cap.
  const BackoffPolicy policy{std::chrono::milliseconds(config_.backoff_initial_ms),
                             std::chrono::milliseconds(config_.backoff_max_ms), Jitter::kEqual};
  const auto start = std::chrono::steady_clock::now();
  for (int attempt = 0;; ++attempt) {
    Failure failure;
    auto out = Attempt(body, texts.size(), &failure);
    if (input_error != nullptr) *input_error = failure.input_error;
    if (out.ok()) {
      auto spent = std::chrono::duration_cast<std::chrono::microseconds>(
          std::chrono::steady_clock::now() - start);
      items_done_ += static_cast<int64_t>(texts.size());
      micros_spent_ += std::max<int64_t>(spent.count(), 1);
      return out;
    }
    if (!failure.retryable) return out.status();
    if (attempt >= config_.max_retries) {
      return Status::Unavailable(out.status().message() + " (gave up after " +
                                 std::to_string(attempt + 1) + " attempts)");
    }
    sleep_(BackoffDelay(policy, attempt, random_(), failure.retry_after));
  }
}

std::vector<Result<std::vector<ExtractedDocument>>> HttpEmbeddingExtractor::EmbedGroup(
    const std::vector<std::string>& texts) const {
  std::vector<Result<std::vector<ExtractedDocument>>> out;
  bool input_error = false;
  auto vectors = Embed(texts, &input_error);
  if (!vectors.ok() && input_error && texts.size() > 1) {
    for (const auto& text : texts) out.push_back(std::move(EmbedGroup({text})[0]));
    return out;
  }
  for (size_t k = 0; k < texts.size(); ++k) {
    if (!vectors.ok()) {
      out.push_back(vectors.status());
      continue;
    }
    ExtractedDocument doc;
    doc.embedding = std::move((*vectors)[k]);
    model::ValueObject fields;
    fields.Set("text", texts[k]);
    doc.fields = model::Value(std::move(fields));
    out.push_back(std::vector<ExtractedDocument>{std::move(doc)});
  }
  return out;
}

std::vector<Result<std::vector<ExtractedDocument>>> HttpEmbeddingExtractor::ExtractBatch(
    const std::vector<ExtractorInput>& inputs, const model::Value& /*params*/) const {
  std::vector<Result<std::vector<ExtractedDocument>>> out(inputs.size(),
                                                          Status::Internal("not extracted"));
  std::vector<size_t> pending;  // inputs with text, in order
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].text.empty()) {
      out[i] = Status::InvalidArgument("input text is empty");
    } else {
      pending.push_back(i);
    }
  }
  const size_t batch = max_batch_size();
  for (size_t begin = 0; begin < pending.size(); begin += batch) {
    const size_t end = std::min(pending.size(), begin + batch);
    std::vector<std::string> texts;
    for (size_t k = begin; k < end; ++k) texts.push_back(inputs[pending[k]].text);
    auto docs = EmbedGroup(texts);
    for (size_t k = begin; k < end; ++k) out[pending[k]] = std::move(docs[k - begin]);
  }
  return out;
}

Result<std::vector<ExtractedDocument>> HttpEmbeddingExtractor::Extract(
    const ExtractorInput& input, const model::Value& params) const {
  return std::move(ExtractBatch({input}, params)[0]);
}

std::optional<double> HttpEmbeddingExtractor::KnownItemsPerSecond() const {
  const int64_t items = items_done_.load();
  const int64_t micros = micros_spent_.load();
  if (items == 0 || micros == 0) return static_cast<double>(config_.batch_size) * 2.0;
  return static_cast<double>(items) * 1e6 / static_cast<double>(micros);
}

}  // namespace ferry::extract::http
