#pragma once
// Metrics: the Prometheus metrics of one ferryd process. It owns a prometheus::Registry
// and the metric families; recording sites call its typed methods, so no prometheus type
// leaves src/metrics/. Built by app/ and passed down by pointer: a component given none
// (unit tests, tools such as ferry-bench) records nothing.
//
// Thread safety: every method may be called from any thread.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace ferry::metrics {

// What happened to one webhook delivery attempt.
enum class WebhookResult {
  kDelivered,  // the receiver answered 2xx
  kRetried,    // the attempt failed; another is scheduled
  kGivenUp,    // the attempt failed and no other will be made (attempts used up, URL refused)
  kLost,       // sent, but another process took over the claim before it was recorded
};

class Metrics {
 public:
  // (status name, number of migrations in it) for every status.
  using MigrationCounts = std::vector<std::pair<std::string, int64_t>>;
  // Counts the migrations of the storage the process uses; called at every scrape.
  using MigrationCountSource = std::function<Result<MigrationCounts>()>;

  // The Content-Type of Scrape()'s text.
  static constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";
  // The `route` label of a request no route matched.
  static constexpr const char* kUnmatchedRoute = "unmatched";

  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // One answered HTTP request. `route` is the route's pattern (e.g.
  // "/v1/namespaces/{namespace_identifier}"), never the raw path, or kUnmatchedRoute;
  // a method other than the usual HTTP verbs is recorded as "OTHER".
  void HttpRequest(std::string_view route, std::string_view method, int status, double seconds);
  // Items a migration's batch finished: `processed` succeeded, `failed` became failed items.
  void MigrationItems(std::string_view type, int64_t processed, int64_t failed);
  // One extractor call (Extract or ExtractBatch) of `items` inputs, `failed` of which
  // failed, taking `seconds`. `extractor` is "name@version".
  void ExtractorCall(std::string_view extractor, int64_t items, int64_t failed, double seconds);
  // This process claimed a batch lease (a free batch, or one whose holder's lease expired).
  void BatchLeaseClaimed();
  // A batch this process was running was taken over by another process after its lease
  // expired: its writes were refused and it stopped the batch.
  void BatchLeaseLost();
  void WebhookDelivery(WebhookResult result);
  // A storage operation (e.g. "ClaimNextMigrationBatch") failed with `code` (e.g.
  // "Unavailable", a StatusCodeName).
  void StorageError(std::string_view operation, std::string_view code);

  // Makes the labelled series show, at 0, before their first event, so dashboards, alerts
  // and rate() see them from the first scrape: an extractor ("name@version"), a migration
  // type, a storage error code.
  void DeclareExtractor(std::string_view extractor);
  void DeclareMigrationType(std::string_view type);
  void DeclareStorageErrorCode(std::string_view code);

  // Sets what the migrations-by-status gauge reads at each scrape.
  void SetMigrationCountSource(MigrationCountSource source);

  // Every metric in Prometheus' text exposition format (version 0.0.4). Reads the
  // migration count source first; when it fails the gauge keeps its last values and
  // the failure is counted in ferry_metrics_scrape_errors_total.
  std::string Scrape();

 private:
  struct Families;
  void RefreshMigrationCounts();

  std::unique_ptr<Families> families_;
  std::mutex source_mu_;
  MigrationCountSource source_;
};

}  // namespace ferry::metrics
