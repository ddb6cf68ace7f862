#include "migration/webhooks/dispatcher.h"

#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "common/contain.h"
#include "common/ids.h"
#include "common/thread_name.h"
#include "metrics/metrics.h"
#include "migration/webhooks/secrets.h"
#include "migration/webhooks/signature.h"

namespace ferry::migration::webhooks {
namespace {

uint64_t SeedOf(const WebhookDispatcherOptions& options) {
  if (options.jitter_seed.has_value()) return *options.jitter_seed;
  std::random_device device;
  return (static_cast<uint64_t>(device()) << 32) ^ device();
}

bool IsSuccess(int http_status) { return http_status >= 200 && http_status < 300; }

// Identifies an event in logs; never the URL (it may carry a token) nor the secret.
LogFields EventFields(const model::WebhookEvent& event) {
  return {{"delivery_id", event.delivery_id},
          {"migration_id", event.migration_id},
          {"event", event.event},
          {"attempts", std::to_string(event.attempts)}};
}

}  // namespace

WebhookDispatcher::WebhookDispatcher(storage::WebhookStore& catalog, HttpPoster& poster,
                                     const Clock& clock, const Logger* logger,
                                     WebhookDispatcherOptions options, HostResolver resolve)
    : catalog_(catalog),
      poster_(poster),
      clock_(clock),
      logger_(logger),
      options_(std::move(options)),
      resolve_(std::move(resolve)),
      owner_(NewId("whk")),
      backoff_(options_.backoff, SeedOf(options_)) {}

WebhookDispatcher::~WebhookDispatcher() { Stop(); }

void WebhookDispatcher::Start() {
  thread_ = std::thread([this] {
    NameCurrentThread("ferry-webhooks");
    Loop();
  });
}

void WebhookDispatcher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void WebhookDispatcher::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

void WebhookDispatcher::Loop() {
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
      woken_ = false;  // a Wake from here on ends the next sleep
    }
    Result<DispatchPass> pass = Status::Internal("not run");
    (void)Contain(logger_, "webhook dispatch pass", [&] { pass = RunOnce(clock_.NowMs()); });
    if (pass.ok() && pass->attempted() > 0) continue;  // a successor may be due now
    if (!pass.ok() && logger_ != nullptr) {
      logger_->Error("webhook dispatch pass failed", {{"error", pass.status().ToString()}});
    }
    WaitForWork(pass.ok());
  }
}

void WebhookDispatcher::WaitForWork(bool storage_ok) {
  const std::chrono::milliseconds wait = storage_ok ? TimeUntilNextAttempt() : options_.idle_poll;
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, wait, [this] { return stopping_ || woken_; });
}

std::chrono::milliseconds WebhookDispatcher::TimeUntilNextAttempt() {
  Result<std::optional<TimestampMs>> next = catalog_.NextWebhookAttemptAt();
  if (!next.ok() || !next->has_value()) return options_.idle_poll;
  const int64_t wait = std::clamp<int64_t>(**next - clock_.NowMs(), 0, options_.idle_poll.count());
  return std::chrono::milliseconds(wait);
}

Result<DispatchPass> WebhookDispatcher::RunOnce(TimestampMs now) {
  std::lock_guard<std::mutex> lock(pass_mu_);
  const TimestampMs claim_end = now + options_.claim_ttl.count();
  FERRY_ASSIGN_OR_RETURN(
      std::vector<model::WebhookEvent> due,
      catalog_.ClaimDueWebhooks(now, options_.batch_size, owner_, options_.claim_ttl.count()));
  DispatchPass pass;
  for (model::WebhookEvent& event : due) {
    // A POST that could end after the claim might overlap another dispatcher's: leave the
    // rest to whoever claims them next.
    if (clock_.NowMs() + options_.request_timeout.count() >= claim_end) break;
    FERRY_ASSIGN_OR_RETURN(Outcome outcome, Deliver(std::move(event), now));
    if (outcome == Outcome::kDelivered) ++pass.delivered;
    if (outcome == Outcome::kRetried) ++pass.retried;
    if (outcome == Outcome::kAbandoned) ++pass.abandoned;
    if (outcome == Outcome::kLost) ++pass.lost;
    if (options_.metrics != nullptr) {
      using metrics::WebhookResult;
      options_.metrics->WebhookDelivery(outcome == Outcome::kDelivered   ? WebhookResult::kDelivered
                                        : outcome == Outcome::kRetried   ? WebhookResult::kRetried
                                        : outcome == Outcome::kAbandoned ? WebhookResult::kGivenUp
                                                                         : WebhookResult::kLost);
    }
  }
  return pass;
}

Result<WebhookDispatcher::Outcome> WebhookDispatcher::Deliver(model::WebhookEvent event,
                                                              TimestampMs now) {
  const Status allowed = CheckWebhookUrl(event.url, options_.allow_private_targets, resolve_);
  if (!allowed.ok()) {
    const bool refused = allowed.code() == StatusCode::kInvalidArgument;
    return RecordFailure(std::move(event), now, allowed.ToString(), refused);
  }
  FERRY_ASSIGN_OR_RETURN(std::string secret, EnsureSecret(catalog_, event.org_id));
  Result<int> response = poster_.Post(event.url, event.body, DeliveryHeaders(event, secret, now),
                                      options_.request_timeout);
  if (!response.ok()) {
    const bool refused = response.status().code() == StatusCode::kInvalidArgument;
    return RecordFailure(std::move(event), now, response.status().ToString(), refused);
  }
  if (!IsSuccess(*response)) {
    std::string error = "HTTP ";
    return RecordFailure(std::move(event), now, error.append(std::to_string(*response)), false);
  }
  ++event.attempts;
  event.status = model::kWebhookDelivered;
  event.last_error.reset();
  return Record(event, Outcome::kDelivered);
}

Result<WebhookDispatcher::Outcome> WebhookDispatcher::RecordFailure(model::WebhookEvent event,
                                                                    TimestampMs now,
                                                                    std::string error, bool final) {
  ++event.attempts;
  event.last_error = std::move(error);
  const bool abandon = final || event.attempts >= options_.max_attempts;
  if (abandon) {
    event.status = model::kWebhookAbandoned;
  } else {
    // The n-th failure waits at most 1 s * 2^(n-1) by default (retry n-1 of the policy).
    event.next_attempt_at = now + backoff_.Next(event.attempts - 1).count();
  }
  FERRY_ASSIGN_OR_RETURN(Outcome recorded,
                         Record(event, abandon ? Outcome::kAbandoned : Outcome::kRetried));
  if (recorded == Outcome::kLost) return recorded;
  if (logger_ != nullptr) {
    LogFields fields = EventFields(event);
    fields.emplace_back("error", *event.last_error);
    logger_->Log(abandon ? LogLevel::kWarn : LogLevel::kInfo,
                 abandon ? "webhook abandoned" : "webhook delivery failed; will retry", fields);
  }
  return recorded;
}

Result<WebhookDispatcher::Outcome> WebhookDispatcher::Record(const model::WebhookEvent& event,
                                                             Outcome outcome) {
  const Status recorded = catalog_.UpdateWebhook(event, owner_);
  if (recorded.code() != StatusCode::kLeaseLost) {
    FERRY_RETURN_IF_ERROR(recorded);
    return outcome;
  }
  if (logger_ != nullptr) {
    logger_->Warn("webhook claim lost; outcome not recorded", EventFields(event));
  }
  return Outcome::kLost;
}

}  // namespace ferry::migration::webhooks
