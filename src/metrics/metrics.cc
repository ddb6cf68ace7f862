#include "metrics/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <array>
#include <sstream>

#include "model/migration.h"

namespace ferry::metrics {
namespace {

using prometheus::Counter;
using prometheus::Family;
using prometheus::Gauge;
using prometheus::Histogram;

// Seconds, from 5 ms to 30 s: API calls sit at the low end, extractor calls of a remote
// model and large batches at the high end.
const Histogram::BucketBoundaries& LatencyBuckets() {
  static const Histogram::BucketBoundaries kBuckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                    0.5,   1,    2.5,   5,    10,  30};
  return kBuckets;
}

std::string MethodLabel(std::string_view method) {
  static constexpr std::array<std::string_view, 7> kKnown = {"GET",    "POST", "PUT",    "PATCH",
                                                             "DELETE", "HEAD", "OPTIONS"};
  for (std::string_view known : kKnown) {
    if (method == known) return std::string(method);
  }
  return "OTHER";
}

const char* WebhookResultLabel(WebhookResult result) {
  switch (result) {
    case WebhookResult::kDelivered:
      return "delivered";
    case WebhookResult::kRetried:
      return "retried";
    case WebhookResult::kGivenUp:
      return "given_up";
    case WebhookResult::kLost:
      return "lost";
  }
  return "unknown";
}

}  // namespace

struct Metrics::Families {
  prometheus::Registry registry;
  Family<Counter>& http_requests = prometheus::BuildCounter()
                                       .Name("ferry_http_requests_total")
                                       .Help(
                                           "HTTP requests answered, by route template, "
                                           "method and status code.")
                                       .Register(registry);
  Family<Histogram>& http_duration =
      prometheus::BuildHistogram()
          .Name("ferry_http_request_duration_seconds")
          .Help(
              "Time from routing a request to handing its response to the server, by "
              "route template.")
          .Register(registry);
  Family<Gauge>& migrations = prometheus::BuildGauge()
                                  .Name("ferry_migrations")
                                  .Help(
                                      "Migrations in the storage this process uses, by "
                                      "status (counted at scrape).")
                                  .Register(registry);
  Family<Counter>& items_processed =
      prometheus::BuildCounter()
          .Name("ferry_migration_items_processed_total")
          .Help("Migration items this process finished successfully, by migration type.")
          .Register(registry);
  Family<Counter>& items_failed =
      prometheus::BuildCounter()
          .Name("ferry_migration_items_failed_total")
          .Help("Migration items this process recorded as failed items, by migration type.")
          .Register(registry);
  Family<Counter>& extractor_items =
      prometheus::BuildCounter()
          .Name("ferry_extractor_items_total")
          .Help("Inputs passed to extractors, by extractor (name@version).")
          .Register(registry);
  Family<Counter>& extractor_failed =
      prometheus::BuildCounter()
          .Name("ferry_extractor_items_failed_total")
          .Help("Inputs whose extraction failed, by extractor (name@version).")
          .Register(registry);
  Family<Histogram>& extractor_duration =
      prometheus::BuildHistogram()
          .Name("ferry_extractor_call_duration_seconds")
          .Help(
              "Duration of one extractor call (one input, or a batch of inputs), by "
              "extractor (name@version).")
          .Register(registry);
  Counter& lease_claims =
      prometheus::BuildCounter()
          .Name("ferry_batch_lease_claims_total")
          .Help(
              "Migration batch leases this process claimed (free batches, and batches "
              "whose previous holder's lease had expired).")
          .Register(registry)
          .Add({});
  Counter& leases_lost =
      prometheus::BuildCounter()
          .Name("ferry_batch_leases_lost_total")
          .Help(
              "Migration batches this process stopped because its lease expired and "
              "another process took the batch over.")
          .Register(registry)
          .Add({});
  Family<Counter>& webhooks = prometheus::BuildCounter()
                                  .Name("ferry_webhook_deliveries_total")
                                  .Help(
                                      "Webhook delivery attempts, by result (delivered, "
                                      "retried, given_up, lost).")
                                  .Register(registry);
  Family<Counter>& storage_errors =
      prometheus::BuildCounter()
          .Name("ferry_storage_errors_total")
          .Help("Catalog and storage operations that failed, by status code.")
          .Register(registry);
  Family<Counter>& storage_operation_errors =
      prometheus::BuildCounter()
          .Name("ferry_storage_operation_errors_total")
          .Help(
              "Catalog and storage operations that failed, by operation and status code "
              "(a series appears at its first error).")
          .Register(registry);
  Counter& scrape_errors = prometheus::BuildCounter()
                               .Name("ferry_metrics_scrape_errors_total")
                               .Help("Scrapes whose count of migrations by status failed.")
                               .Register(registry)
                               .Add({});
};

Metrics::Metrics() : families_(std::make_unique<Families>()) {
  // Every result shows, at 0, before the first delivery: rate() and alerts see a series.
  for (auto result : {WebhookResult::kDelivered, WebhookResult::kRetried, WebhookResult::kGivenUp,
                      WebhookResult::kLost}) {
    families_->webhooks.Add({{"result", WebhookResultLabel(result)}});
  }
  for (auto type : {model::MigrationType::kCopy, model::MigrationType::kReExtract,
                    model::MigrationType::kExtend}) {
    DeclareMigrationType(model::MigrationTypeName(type));
  }
}

Metrics::~Metrics() = default;

void Metrics::HttpRequest(std::string_view route, std::string_view method, int status,
                          double seconds) {
  std::string route_label(route);
  families_->http_requests
      .Add({{"route", route_label},
            {"method", MethodLabel(method)},
            {"status", std::to_string(status)}})
      .Increment();
  families_->http_duration.Add({{"route", route_label}}, LatencyBuckets()).Observe(seconds);
}

void Metrics::MigrationItems(std::string_view type, int64_t processed, int64_t failed) {
  prometheus::Labels labels{{"type", std::string(type)}};
  families_->items_processed.Add(labels).Increment(static_cast<double>(processed));
  families_->items_failed.Add(labels).Increment(static_cast<double>(failed));
}

void Metrics::ExtractorCall(std::string_view extractor, int64_t items, int64_t failed,
                            double seconds) {
  prometheus::Labels labels{{"extractor", std::string(extractor)}};
  families_->extractor_items.Add(labels).Increment(static_cast<double>(items));
  families_->extractor_failed.Add(labels).Increment(static_cast<double>(failed));
  families_->extractor_duration.Add(labels, LatencyBuckets()).Observe(seconds);
}

void Metrics::BatchLeaseClaimed() { families_->lease_claims.Increment(); }

void Metrics::BatchLeaseLost() { families_->leases_lost.Increment(); }

void Metrics::WebhookDelivery(WebhookResult result) {
  families_->webhooks.Add({{"result", WebhookResultLabel(result)}}).Increment();
}

void Metrics::StorageError(std::string_view operation, std::string_view code) {
  families_->storage_errors.Add({{"code", std::string(code)}}).Increment();
  families_->storage_operation_errors
      .Add({{"operation", std::string(operation)}, {"code", std::string(code)}})
      .Increment();
}

void Metrics::DeclareExtractor(std::string_view extractor) {
  prometheus::Labels labels{{"extractor", std::string(extractor)}};
  families_->extractor_items.Add(labels);
  families_->extractor_failed.Add(labels);
  families_->extractor_duration.Add(labels, LatencyBuckets());
}

void Metrics::DeclareMigrationType(std::string_view type) {
  prometheus::Labels labels{{"type", std::string(type)}};
  families_->items_processed.Add(labels);
  families_->items_failed.Add(labels);
}

void Metrics::DeclareStorageErrorCode(std::string_view code) {
  families_->storage_errors.Add({{"code", std::string(code)}});
}

void Metrics::SetMigrationCountSource(MigrationCountSource source) {
  std::lock_guard<std::mutex> lock(source_mu_);
  source_ = std::move(source);
}

void Metrics::RefreshMigrationCounts() {
  std::lock_guard<std::mutex> lock(source_mu_);
  if (!source_) return;
  auto counts = source_();
  if (!counts.ok()) {
    families_->scrape_errors.Increment();
    return;
  }
  for (const auto& [status, count] : *counts) {
    families_->migrations.Add({{"status", status}}).Set(static_cast<double>(count));
  }
}

std::string Metrics::Scrape() {
  RefreshMigrationCounts();
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, families_->registry.Collect());
  return out.str();
}

}  // namespace ferry::metrics
