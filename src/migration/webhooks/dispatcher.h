#pragma once
// WebhookDispatcher: delivers the outbox. One background thread repeatedly takes the due
// events (for each migration only its oldest undelivered one, so a migration's events
// arrive in order), POSTs each signed with its organization's secret, and records the
// outcome: 2xx → delivered; anything else → retried after a jittered exponential backoff,
// abandoned after max_attempts. A URL that the guard refuses at delivery time (DNS may
// have changed) is abandoned at once. Between passes the thread sleeps until the next
// retry is due, a Notify wakes it, or idle_poll passes.
//
// Several processes may share one catalog: each dispatcher claims the events it sends
// under its own owner id (WebhookStore::ClaimDueWebhooks) for claim_ttl, and does not
// start a POST whose request could outlast its claim, so one delivery id is sent by one
// dispatcher at a time. Records of a claim that expired and was taken over are refused
// (LeaseLost) and dropped. Only a process that dies (or stalls past its claim) between a
// POST and its record causes a resend: a receiver deduplicates on X-Ferry-Delivery-Id.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/backoff.h"
#include "common/clock.h"
#include "common/logging.h"
#include "common/result.h"
#include "migration/webhooks/http_poster.h"
#include "migration/webhooks/url_guard.h"
#include "storage/webhook_store.h"

namespace ferry::metrics {
class Metrics;
}  // namespace ferry::metrics

namespace ferry::migration::webhooks {

struct WebhookDispatcherOptions {
  // Attempts before an event is abandoned (default: 8).
  int64_t max_attempts = 8;
  // Retry delays (default: ceiling 1 s doubling to 5 min, full jitter).
  BackoffPolicy backoff{std::chrono::seconds(1), std::chrono::minutes(5), Jitter::kFull};
  // Per-request timeout (default: 10 s).
  std::chrono::milliseconds request_timeout{10000};
  // Longest sleep when nothing is due; picks up events other processes enqueued
  // (default: 30 s).
  std::chrono::milliseconds idle_poll{30000};
  // Events claimed per pass (default: 64).
  int64_t batch_size = 64;
  // How long a pass's claim on its events lasts; others may take them over afterwards.
  // Should cover a pass of slow receivers: events of a pass whose POST could end after the
  // claim are left for a later pass. REQUIRES: longer than request_timeout (default:
  // 15 min).
  std::chrono::milliseconds claim_ttl{std::chrono::minutes(15)};
  // Allow loopback, private and link-local targets (default: false).
  bool allow_private_targets = false;
  // Where each attempt's outcome is counted; null (default): nowhere. Not owned.
  metrics::Metrics* metrics = nullptr;
  // Seed of the jitter; unset: random (default). Set in tests for repeatable delays.
  std::optional<uint64_t> jitter_seed;
};

// What one pass did.
struct DispatchPass {
  int delivered = 0;
  int retried = 0;  // failed, scheduled again
  int abandoned = 0;
  int lost = 0;  // sent, but the claim was taken over before the outcome was recorded
  int attempted() const { return delivered + retried + abandoned + lost; }
};

class WebhookDispatcher {
 public:
  // `logger` may be null. REQUIRES: catalog, poster, clock and logger outlive this.
  WebhookDispatcher(storage::WebhookStore& catalog, HttpPoster& poster, const Clock& clock,
                    const Logger* logger, WebhookDispatcherOptions options,
                    HostResolver resolve = ResolveHost);
  // Stops the thread.
  ~WebhookDispatcher();
  WebhookDispatcher(const WebhookDispatcher&) = delete;
  WebhookDispatcher& operator=(const WebhookDispatcher&) = delete;

  // The owner id this dispatcher claims events under ("whk_…", unique per dispatcher).
  const std::string& owner() const { return owner_; }

  // Starts the background thread. REQUIRES: not started before.
  void Start();
  // Stops and joins the thread; waits for a POST in flight (at most request_timeout).
  // Idempotent.
  void Stop();
  // Ends the current sleep early (new events were enqueued). Thread-safe, never blocks
  // on the network.
  void Wake();

  // One delivery pass at `now`, synchronously (the background thread's unit of work;
  // tests call it directly). Errors are storage errors. Thread-safe (passes serialize).
  Result<DispatchPass> RunOnce(TimestampMs now);

 private:
  enum class Outcome { kDelivered, kRetried, kAbandoned, kLost };

  void Loop();
  void WaitForWork(bool storage_ok);
  std::chrono::milliseconds TimeUntilNextAttempt();
  Result<Outcome> Deliver(model::WebhookEvent event, TimestampMs now);
  // Records a failed attempt: retried, or abandoned when attempts are used up or `final`.
  Result<Outcome> RecordFailure(model::WebhookEvent event, TimestampMs now, std::string error,
                                bool final);
  // Records `event` under this dispatcher's claim: `outcome`, or kLost when the claim was
  // taken over.
  Result<Outcome> Record(const model::WebhookEvent& event, Outcome outcome);

  storage::WebhookStore& catalog_;
  HttpPoster& poster_;
  const Clock& clock_;
  const Logger* const logger_;
  const WebhookDispatcherOptions options_;
  const HostResolver resolve_;
  const std::string owner_;

  std::mutex pass_mu_;  // serializes RunOnce; guards backoff_
  Backoff backoff_;

  std::mutex mu_;  // guards the members below
  std::condition_variable cv_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace ferry::migration::webhooks
