#include "migration/webhooks/event_builder.h"

#include <gtest/gtest.h>

#include "migration/webhooks/signature.h"

namespace ferry::migration::webhooks {
namespace {

using model::MigrationStage;
using model::WebhookEventType;

model::Migration RunningMigration() {
  model::Migration m;
  m.migration_id = "mig_1";
  m.org_id = "org_a";
  m.status = model::MigrationStatus::kFailed;
  m.error_message = "target namespace vanished";
  m.progress.overall_progress_percent = 42.5;
  m.progress.current_stage = MigrationStage::kBatchProcessing;
  model::StageProgress creation;
  creation.items_total = 3;
  creation.items_completed = 3;
  model::StageProgress processing;
  processing.stage = MigrationStage::kBatchProcessing;
  processing.items_total = 100;
  processing.items_completed = 40;
  processing.items_failed = 2;
  m.progress.stages = {creation, processing};
  return m;
}

TEST(EventBuilderTest, SummarizesProgressOverAllStages) {
  const model::WebhookPayload p = BuildPayload(RunningMigration(), WebhookEventType::kFailed);
  EXPECT_EQ(p.migration_id, "mig_1");
  EXPECT_EQ(p.status, model::MigrationStatus::kFailed);
  EXPECT_FALSE(p.stage.has_value());
  EXPECT_DOUBLE_EQ(p.progress.overall_progress_percent, 42.5);
  EXPECT_EQ(p.progress.current_stage, MigrationStage::kBatchProcessing);
  EXPECT_EQ(p.progress.items_total, 103);
  EXPECT_EQ(p.progress.items_completed, 43);
  EXPECT_EQ(p.progress.items_failed, 2);
  EXPECT_EQ(p.error_message, "target namespace vanished");
}

TEST(EventBuilderTest, StageCompletedNamesTheStageAndCarriesNoError) {
  const model::WebhookPayload p = BuildPayload(
      RunningMigration(), WebhookEventType::kStageCompleted, MigrationStage::kBatchCreation);
  EXPECT_EQ(p.stage, MigrationStage::kBatchCreation);
  EXPECT_FALSE(p.error_message.has_value());
  EXPECT_STREQ(model::WebhookEventName(p.event), "migration.stage_completed");
}

TEST(SignatureTest, VerifiesOnlyTheExactBodyUnderTheSecret) {
  const std::string value = SignatureValue("whsec_k", R"({"a":1})");
  EXPECT_EQ(value.rfind("sha256=", 0), 0u);
  EXPECT_EQ(value.size(), 7u + 64u);
  EXPECT_TRUE(VerifySignature("whsec_k", R"({"a":1})", value));
  EXPECT_FALSE(VerifySignature("whsec_k", R"({"a":2})", value));
  EXPECT_FALSE(VerifySignature("whsec_other", R"({"a":1})", value));
}

}  // namespace
}  // namespace ferry::migration::webhooks
