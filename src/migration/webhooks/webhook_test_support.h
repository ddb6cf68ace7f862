#pragma once
// Test doubles for webhooks: a settable clock, a scripted HttpPoster that records every
// request, a hand-written payload serializer and a throwaway SQLite engine.

#include <stdlib.h>

#include <atomic>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "migration/webhooks/http_poster.h"
#include "migration/webhooks/signature.h"
#include "model/webhook.h"
#include "storage/sqlite/sqlite_storage_engine.h"

namespace ferry::migration::webhooks::testing {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimestampMs now) : now_(now) {}
  TimestampMs NowMs() const override { return now_.load(); }
  void Advance(int64_t ms) { now_ += ms; }

 private:
  std::atomic<TimestampMs> now_;
};

struct RecordedPost {
  std::string url;
  std::string body;
  std::map<std::string, std::string> headers;
  int status = 0;  // what the poster answered (0 for a transport error)
};

// Answers from a script (then `fallback`), recording every request. Thread-safe.
class ScriptedPoster : public HttpPoster {
 public:
  explicit ScriptedPoster(std::vector<Result<int>> script = {}, Result<int> fallback = 200)
      : script_(script.begin(), script.end()), fallback_(std::move(fallback)) {}

  Result<int> Post(const std::string& url, const std::string& body, const HttpHeaders& headers,
                   std::chrono::milliseconds /*timeout*/) override {
    std::lock_guard<std::mutex> lock(mu_);
    Result<int> answer = fallback_;
    if (!script_.empty()) {
      answer = script_.front();
      script_.pop_front();
    }
    RecordedPost post{url, body, {headers.begin(), headers.end()}, answer.ok() ? *answer : 0};
    posts_.push_back(std::move(post));
    return answer;
  }

  std::vector<RecordedPost> posts() const {
    std::lock_guard<std::mutex> lock(mu_);
    return posts_;
  }

 private:
  mutable std::mutex mu_;
  std::deque<Result<int>> script_;
  Result<int> fallback_;
  std::vector<RecordedPost> posts_;
};

// How many times each delivery id was posted.
inline std::map<std::string, int> PostsPerDelivery(const std::vector<RecordedPost>& posts) {
  std::map<std::string, int> counts;
  for (const RecordedPost& post : posts) ++counts[post.headers.at(kDeliveryIdHeader)];
  return counts;
}

// A ScriptedPoster that runs `during_first_post` inside its first request, before
// answering: what another dispatcher (or the clock) does while a POST is in flight.
class InterruptedPoster : public ScriptedPoster {
 public:
  explicit InterruptedPoster(std::function<void()> during_first_post)
      : during_first_post_(std::move(during_first_post)) {}

  Result<int> Post(const std::string& url, const std::string& body, const HttpHeaders& headers,
                   std::chrono::milliseconds timeout) override {
    std::function<void()> hook;
    std::swap(hook, during_first_post_);  // once, also when the hook posts through here
    if (hook) hook();
    return ScriptedPoster::Post(url, body, headers, timeout);
  }

 private:
  std::function<void()> during_first_post_;
};

// Stands in for codec/'s serializer: enough JSON to tell events apart.
inline std::string TestSerialize(const model::WebhookPayload& p) {
  return std::string("{\"event\":\"") + model::WebhookEventName(p.event) + "\",\"delivery_id\":\"" +
         p.delivery_id + "\",\"migration_id\":\"" + p.migration_id + "\",\"status\":\"" +
         model::MigrationStatusName(p.status) + "\",\"timestamp\":" + std::to_string(p.timestamp) +
         "}";
}

// A SQLite engine in a fresh directory, removed at scope exit; Reopen() simulates a restart.
class TempEngine {
 public:
  TempEngine() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "ferry-webhooks-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) dir_ = pattern;
    Reopen();
  }
  ~TempEngine() {
    engine_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  void Reopen() {
    engine_.reset();
    auto opened = storage::sqlite::SqliteStorageEngine::Open(dir_.string());
    if (opened.ok()) engine_ = std::move(opened).value();
  }
  bool ok() const { return engine_ != nullptr; }
  storage::CatalogStore& catalog() { return engine_->catalog(); }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<storage::sqlite::SqliteStorageEngine> engine_;
};

}  // namespace ferry::migration::webhooks::testing
