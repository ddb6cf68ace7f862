#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "extract/testing/fault_extractor.h"
#include "metrics/metered_extractor.h"
#include "metrics/metered_storage.h"
#include "metrics/migration_counts.h"
#include "storage/sqlite/sqlite_storage_engine.h"
#include "storage/testing/fault_injecting_storage.h"

namespace ferry::metrics {
namespace {

bool HasLine(const std::string& scrape, const std::string& line) {
  return scrape.find("\n" + line + "\n") != std::string::npos;
}

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/ferry_metrics_test_XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(MeteredStorageTest, CountsStorageFailuresNotExpectedOutcomes) {
  TempDir dir;
  auto sqlite = storage::sqlite::SqliteStorageEngine::Open(dir.path());
  ASSERT_TRUE(sqlite.ok()) << sqlite.status().ToString();
  storage::testing::FaultInjectingStorageEngine faulty(**sqlite);
  Metrics metrics;
  MeteredStorageEngine metered(faulty, metrics);
  faulty.catalog_faults().Fail(storage::testing::CatalogOp::kClaimNextMigrationBatch,
                               Status::Unavailable("database is locked"), 2);

  for (int i = 0; i < 3; ++i) {
    (void)metered.catalog().ClaimNextMigrationBatch("mig_x", 0, "me", 1, 1000);
  }
  EXPECT_FALSE(metered.catalog().GetMigration("org", "mig_missing").ok());  // NotFound

  std::string text = metrics.Scrape();
  EXPECT_TRUE(HasLine(text,
                      "ferry_storage_operation_errors_total{code=\"Unavailable\","
                      "operation=\"ClaimNextMigrationBatch\"} 2"))
      << text;
  EXPECT_TRUE(HasLine(text, "ferry_storage_errors_total{code=\"Unavailable\"} 2"));
  EXPECT_TRUE(HasLine(text, "ferry_storage_errors_total{code=\"Internal\"} 0"));
  EXPECT_EQ(text.find("GetMigration"), std::string::npos);
  (*sqlite)->Close();
}

TEST(MeteredStorageTest, IsStorageFailureNamesServerSideCodesOnly) {
  EXPECT_TRUE(IsStorageFailure(StatusCode::kUnavailable));
  EXPECT_TRUE(IsStorageFailure(StatusCode::kInternal));
  EXPECT_TRUE(IsStorageFailure(StatusCode::kAborted));
  EXPECT_FALSE(IsStorageFailure(StatusCode::kOk));
  EXPECT_FALSE(IsStorageFailure(StatusCode::kNotFound));
  EXPECT_FALSE(IsStorageFailure(StatusCode::kLeaseLost));
  EXPECT_FALSE(IsStorageFailure(StatusCode::kFailedPrecondition));
}

TEST(MeteredExtractorTest, CountsItemsFailuresAndCalls) {
  TempDir dir;
  std::ofstream(dir.path() + "/boom").put('x');
  auto inner = extract::testing::NewFaultExtractor("v1", dir.path());
  Metrics metrics;
  MeteredExtractor fx(*inner, metrics);
  extract::ExtractorInput ok_input;
  ok_input.text = "hello";
  extract::ExtractorInput bad_input;
  bad_input.text = "bad [fail:boom]";

  EXPECT_TRUE(fx.Extract(ok_input, model::Value()).ok());
  auto batch = fx.ExtractBatch({ok_input, bad_input, ok_input}, model::Value());
  ASSERT_EQ(batch.size(), 3u);
  EXPECT_FALSE(batch[1].ok());

  std::string text = metrics.Scrape();
  EXPECT_TRUE(HasLine(text, "ferry_extractor_items_total{extractor=\"fault_extractor@v1\"} 4"))
      << text;
  EXPECT_TRUE(
      HasLine(text, "ferry_extractor_items_failed_total{extractor=\"fault_extractor@v1\"} 1"));
  EXPECT_TRUE(HasLine(
      text, "ferry_extractor_call_duration_seconds_count{extractor=\"fault_extractor@v1\"} 2"));
}

TEST(MeteredExtractorTest, MeterExtractorsWrapsEveryExtractor) {
  auto builtin = extract::ExtractorRegistry::CreateBuiltin();
  Metrics metrics;
  auto metered = MeterExtractors(*builtin, metrics);
  ASSERT_EQ(metered->List().size(), builtin->List().size());
  const extract::FeatureExtractor* fx = metered->Find("text_extractor", "v1");
  ASSERT_NE(fx, nullptr);
  extract::ExtractorInput input;
  input.text = "some text";
  EXPECT_TRUE(fx->Extract(input, model::Value()).ok());
  EXPECT_TRUE(
      HasLine(metrics.Scrape(), "ferry_extractor_items_total{extractor=\"text_extractor@v1\"} 1"));
}

TEST(MigrationCountsTest, CountsEveryStatusAcrossOrganizations) {
  TempDir dir;
  auto sqlite = storage::sqlite::SqliteStorageEngine::Open(dir.path());
  ASSERT_TRUE(sqlite.ok()) << sqlite.status().ToString();
  auto& catalog = (*sqlite)->catalog();
  int n = 0;
  for (const char* org : {"org_a", "org_b"}) {
    ASSERT_TRUE(catalog.InsertOrganization({org, std::string(org) + "_name", 1}).ok());
    for (auto status : {model::MigrationStatus::kCompleted, model::MigrationStatus::kFailed}) {
      model::Migration m;
      m.migration_id = "mig_" + std::to_string(++n);
      m.org_id = org;
      m.status = status;
      m.created_at = n;
      ASSERT_TRUE(catalog.InsertMigration(m).ok());
    }
  }
  model::Migration draft;
  draft.migration_id = "mig_draft";
  draft.org_id = "org_a";
  draft.status = model::MigrationStatus::kDraft;
  ASSERT_TRUE(catalog.InsertMigration(draft).ok());

  auto counts = CountMigrationsByStatus(catalog);
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  Metrics::MigrationCounts expected = {{"draft", 1},       {"validating", 0}, {"pending", 0},
                                       {"in_progress", 0}, {"completed", 2},  {"failed", 2},
                                       {"cancelled", 0}};
  EXPECT_EQ(*counts, expected);
  (*sqlite)->Close();
}

}  // namespace
}  // namespace ferry::metrics
