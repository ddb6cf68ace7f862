#include "metrics/metrics.h"

#include <gtest/gtest.h>

#include <string>

namespace ferry::metrics {
namespace {

// True if the scrape has the sample line `line` (name{labels} value) exactly.
bool HasLine(const std::string& scrape, const std::string& line) {
  return scrape.find("\n" + line + "\n") != std::string::npos;
}

TEST(MetricsTest, HttpRequestsCountByRouteMethodAndStatus) {
  Metrics m;
  m.HttpRequest("/v1/namespaces/{namespace_identifier}", "GET", 200, 0.002);
  m.HttpRequest("/v1/namespaces/{namespace_identifier}", "GET", 200, 0.3);
  m.HttpRequest("/v1/namespaces/{namespace_identifier}", "GET", 404, 0.001);
  std::string text = m.Scrape();
  EXPECT_TRUE(HasLine(text,
                      "ferry_http_requests_total{method=\"GET\",route=\"/v1/namespaces/"
                      "{namespace_identifier}\",status=\"200\"} 2"))
      << text;
  EXPECT_TRUE(HasLine(text,
                      "ferry_http_requests_total{method=\"GET\",route=\"/v1/namespaces/"
                      "{namespace_identifier}\",status=\"404\"} 1"));
  EXPECT_TRUE(HasLine(text,
                      "ferry_http_request_duration_seconds_count{route=\"/v1/namespaces/"
                      "{namespace_identifier}\"} 3"));
  EXPECT_TRUE(HasLine(text,
                      "ferry_http_request_duration_seconds_bucket{route=\"/v1/namespaces/"
                      "{namespace_identifier}\",le=\"0.005\"} 2"));
}

TEST(MetricsTest, UnusualMethodsShareOneLabel) {
  Metrics m;
  m.HttpRequest(Metrics::kUnmatchedRoute, "BREW", 404, 0.001);
  m.HttpRequest(Metrics::kUnmatchedRoute, "PROPFIND", 404, 0.001);
  EXPECT_TRUE(HasLine(m.Scrape(),
                      "ferry_http_requests_total{method=\"OTHER\",route=\"unmatched\","
                      "status=\"404\"} 2"));
}

TEST(MetricsTest, MigrationItemsByType) {
  Metrics m;
  m.MigrationItems("re_extract", 10, 2);
  m.MigrationItems("re_extract", 5, 0);
  m.MigrationItems("copy", 3, 0);
  std::string text = m.Scrape();
  EXPECT_TRUE(HasLine(text, "ferry_migration_items_processed_total{type=\"re_extract\"} 15"));
  EXPECT_TRUE(HasLine(text, "ferry_migration_items_failed_total{type=\"re_extract\"} 2"));
  EXPECT_TRUE(HasLine(text, "ferry_migration_items_processed_total{type=\"copy\"} 3"));
}

TEST(MetricsTest, ExtractorCallsLeasesWebhooksAndStorageErrors) {
  Metrics m;
  m.ExtractorCall("text_extractor@v1", 4, 1, 0.02);
  m.BatchLeaseClaimed();
  m.BatchLeaseClaimed();
  m.BatchLeaseLost();
  m.WebhookDelivery(WebhookResult::kRetried);
  m.WebhookDelivery(WebhookResult::kGivenUp);
  m.StorageError("UpdateMigration", "Unavailable");
  std::string text = m.Scrape();
  EXPECT_TRUE(HasLine(text, "ferry_extractor_items_total{extractor=\"text_extractor@v1\"} 4"));
  EXPECT_TRUE(
      HasLine(text, "ferry_extractor_items_failed_total{extractor=\"text_extractor@v1\"} 1"));
  EXPECT_TRUE(HasLine(
      text, "ferry_extractor_call_duration_seconds_count{extractor=\"text_extractor@v1\"} 1"));
  EXPECT_TRUE(HasLine(text, "ferry_batch_lease_claims_total 2"));
  EXPECT_TRUE(HasLine(text, "ferry_batch_leases_lost_total 1"));
  EXPECT_TRUE(HasLine(text, "ferry_webhook_deliveries_total{result=\"delivered\"} 0"));
  EXPECT_TRUE(HasLine(text, "ferry_webhook_deliveries_total{result=\"retried\"} 1"));
  EXPECT_TRUE(HasLine(text, "ferry_webhook_deliveries_total{result=\"given_up\"} 1"));
  EXPECT_TRUE(HasLine(text, "ferry_storage_errors_total{code=\"Unavailable\"} 1"));
  EXPECT_TRUE(HasLine(text,
                      "ferry_storage_operation_errors_total{code=\"Unavailable\",operation="
                      "\"UpdateMigration\"} 1"));
}

TEST(MetricsTest, DeclaredSeriesShowAtZeroBeforeTheirFirstEvent) {
  Metrics m;
  m.DeclareExtractor("image_extractor@v2");
  m.DeclareStorageErrorCode("Internal");
  std::string text = m.Scrape();
  EXPECT_TRUE(HasLine(text, "ferry_extractor_items_total{extractor=\"image_extractor@v2\"} 0"));
  EXPECT_TRUE(HasLine(
      text, "ferry_extractor_call_duration_seconds_count{extractor=\"image_extractor@v2\"} 0"));
  EXPECT_TRUE(HasLine(text, "ferry_storage_errors_total{code=\"Internal\"} 0"));
  // Every migration type is declared by the constructor.
  for (const char* type : {"copy", "re_extract", "extend"}) {
    EXPECT_TRUE(HasLine(
        text, std::string("ferry_migration_items_processed_total{type=\"") + type + "\"} 0"))
        << type;
  }
  EXPECT_EQ(text.find("ferry_storage_operation_errors_total{"), std::string::npos);
}

TEST(MetricsTest, MigrationGaugeReadsItsSourceAtEachScrape) {
  Metrics m;
  int64_t running = 1;
  m.SetMigrationCountSource([&]() -> Result<Metrics::MigrationCounts> {
    return Metrics::MigrationCounts{{"in_progress", running}, {"completed", 4}};
  });
  EXPECT_TRUE(HasLine(m.Scrape(), "ferry_migrations{status=\"in_progress\"} 1"));
  running = 0;
  std::string text = m.Scrape();
  EXPECT_TRUE(HasLine(text, "ferry_migrations{status=\"in_progress\"} 0"));
  EXPECT_TRUE(HasLine(text, "ferry_migrations{status=\"completed\"} 4"));
  EXPECT_TRUE(HasLine(text, "ferry_metrics_scrape_errors_total 0"));
}

TEST(MetricsTest, FailingSourceKeepsLastCountsAndCountsTheError) {
  Metrics m;
  bool fail = false;
  m.SetMigrationCountSource([&]() -> Result<Metrics::MigrationCounts> {
    if (fail) return Status::Unavailable("database down");
    return Metrics::MigrationCounts{{"pending", 2}};
  });
  m.Scrape();
  fail = true;
  std::string text = m.Scrape();
  EXPECT_TRUE(HasLine(text, "ferry_migrations{status=\"pending\"} 2"));
  EXPECT_TRUE(HasLine(text, "ferry_metrics_scrape_errors_total 1"));
}

}  // namespace
}  // namespace ferry::metrics
