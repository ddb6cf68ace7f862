// Verification in finalization: content checksums of copied resources, and a corrupted
// copy caught with the differing document named.
#include <map>

#include "migration/migration_test_fixture.h"
#include "migration/verification.h"

namespace ferry::migration {
namespace {

using namespace testing_support;  // NOLINT(build/namespaces): the fixture's helpers
using model::MigrationStatus;
using model::MigrationType;
using model::Value;

using VerificationTest = MigrationRunnerTest;

model::Document SampleDoc() {
  model::Document d;
  d.document_id = "doc_1";
  d.collection_id = "col_1";
  model::ValueObject f;
  f.Set("text", "hello");
  f.Set("n", int64_t{3});
  d.fields = Value(std::move(f));
  d.vectors = {{"mixpeek://a@v1/embedding", {1.0f, 2.0f}}, {"mixpeek://b@v1/embedding", {3.0f}}};
  return d;
}

TEST(ContentChecksumTest, IndependentOfOrderSensitiveToMultiplicity) {
  ContentChecksum a, b, c;
  const std::string x = std::string(64, 'f'), y = std::string(63, '0') + "1";
  a.Add(x);
  a.Add(y);
  b.Add(y);
  b.Add(x);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.Hex(), b.Hex());
  c.Add(x);
  c.Add(x);
  c.Add(y);
  EXPECT_FALSE(a == c);
}

TEST(ContentChecksumTest, MergesAndReadsBackItsHex) {
  const std::string x = std::string(64, 'f'), y = std::string(63, '0') + "1";
  ContentChecksum a, b, both;
  a.Add(x);
  b.Add(y);
  b.Add(y);
  both.Add(y);
  both.Add(x);
  both.Add(y);
  a.Merge(b);
  EXPECT_EQ(a, both);
  auto read = ContentChecksum::FromHex(both.Hex(), both.count());
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(*read, both);
  EXPECT_FALSE(ContentChecksum::FromHex(both.Hex().substr(1), 3).has_value());
  EXPECT_FALSE(ContentChecksum::FromHex(std::string(64, 'F'), 3).has_value());
  EXPECT_FALSE(ContentChecksum::FromHex(both.Hex(), -1).has_value());
}

TEST(DocumentFingerprintTest, CoversIdsFieldsAndVectorsButNotKeyOrder) {
  const model::Document d = SampleDoc();
  const std::string base = DocumentFingerprint(d, {});
  model::Document reordered = d;
  model::ValueObject f;
  f.Set("n", int64_t{3});
  f.Set("text", "hello");
  reordered.fields = Value(std::move(f));
  std::swap(reordered.vectors[0], reordered.vectors[1]);
  EXPECT_EQ(DocumentFingerprint(reordered, {}), base);

  model::Document other_id = d;
  other_id.document_id = "doc_2";
  EXPECT_NE(DocumentFingerprint(other_id, {}), base);
  model::Document other_field = d;
  other_field.fields = Value(model::ValueObject{});
  EXPECT_NE(DocumentFingerprint(other_field, {}), base);
  model::Document other_vector = d;
  other_vector.vectors[0].values[1] = 2.0001f;
  EXPECT_NE(DocumentFingerprint(other_vector, {}), base);

  // Excluded fields and vectors do not count.
  FingerprintScope scope;
  scope.excluded_fields = {"n"};
  scope.excluded_vector_uris = {"mixpeek://b@v1/embedding"};
  model::Document changed = d;
  model::ValueObject g;
  g.Set("text", "hello");
  g.Set("n", int64_t{99});
  changed.fields = Value(std::move(g));
  changed.vectors.pop_back();
  EXPECT_EQ(DocumentFingerprint(changed, scope), DocumentFingerprint(d, scope));
}

TEST_F(VerificationTest, CopyReportsMatchingChecksumsPerResource) {
  MakeSource();
  model::Migration m = Run(Config(MigrationType::kCopy));
  ExpectCompletedProgress(m);
  const Value* v = m.additional_data.Get("verification");
  ASSERT_NE(v, nullptr);
  EXPECT_TRUE(v->Get("ok")->as_bool());
  const auto& rows = v->Get("resources")->as_array();
  ASSERT_EQ(rows.size(), 3u);  // the bucket and both collections
  for (const auto& row : rows) {
    SCOPED_TRACE(row.Get("resource_id")->as_string());
    EXPECT_EQ(row.Get("mode")->as_string(), "copied");
    EXPECT_TRUE(row.Get("match")->as_bool());
    ASSERT_TRUE(row.Get("source_checksum")->is_string());
    EXPECT_EQ(row.Get("source_checksum")->as_string(), row.Get("target_checksum")->as_string());
    EXPECT_EQ(row.Get("source_count")->as_int(), row.Get("target_count")->as_int());
    EXPECT_TRUE(row.Get("differences")->as_array().empty());
  }
}

// The start's validation counts each selected source resource to estimate the work, and
// verification counts it again; the runner's re-plan counts nothing (batch_creation
// counts the ids it pages), so a run scans each resource once more, not twice.
TEST_F(VerificationTest, ARunCountsEachSourceResourceOnceBeyondTheStartsEstimate) {
  MakeSource();
  std::string id = CreateDraft(Config(MigrationType::kCopy));
  auto& source = storage_->Faults(source_.ns.namespace_id);
  const int64_t before = source.range_counts();
  ASSERT_TRUE(migrations_->Start(caller_, id, /*force=*/true).ok());
  runner_->WaitIdle();
  model::Migration m = std::move(migrations_->Get(caller_, id)).value();
  ASSERT_EQ(m.status, MigrationStatus::kCompleted) << m.error_message.value_or("");
  // The bucket and both collections: once at start, once in verification.
  EXPECT_EQ(source.range_counts() - before, 2 * 3);
}

// Each bulk-copied slice is read back by the worker that copied it and its checksums are
// recorded with the batch; finalization adds them up instead of reading both sides again.
TEST_F(VerificationTest, CopiedSlicesAreCheckedByTheirWorkersAndAddedUp) {
  MakeSource();
  model::MigrationConfig config = Config(MigrationType::kCopy);
  config.batch_options = model::BatchOptions{2, 2, true};  // several slices per resource
  std::string id = CreateDraft(config);
  ASSERT_TRUE(migrations_->Start(caller_, id, /*force=*/true).ok());
  runner_->WaitIdle();
  model::Migration m = std::move(migrations_->Get(caller_, id)).value();
  ASSERT_EQ(m.status, MigrationStatus::kCompleted) << m.error_message.value_or("");
  auto& target = storage_->Faults(MapId(id, source_.ns.namespace_id, false));
  auto& source = storage_->Faults(source_.ns.namespace_id);
  EXPECT_EQ(target.full_checksums(), 0);
  EXPECT_EQ(source.full_checksums(), 0);
  auto batches = storage_->catalog().ListMigrationBatches(id, -1, 1000);
  ASSERT_TRUE(batches.ok());
  EXPECT_EQ(target.slice_checksums(), static_cast<int64_t>(batches->size()));
  std::map<std::string, ContentChecksum> sums;
  for (const auto& b : *batches) {
    ASSERT_TRUE(b.checksums.has_value()) << b.batch_no;
    EXPECT_EQ(b.checksums->source_checksum, b.checksums->target_checksum);
    EXPECT_EQ(b.checksums->source_count, static_cast<int64_t>(b.item_ids.size()));
    sums[b.resource_id].Merge(
        *ContentChecksum::FromHex(b.checksums->target_checksum, b.checksums->target_count));
  }
  const auto& rows = m.additional_data.GetPath("verification.resources")->as_array();
  ASSERT_EQ(rows.size(), 3u);
  for (const auto& row : rows) {
    const std::string resource = row.Get("resource_id")->as_string();
    EXPECT_TRUE(row.Get("match")->as_bool()) << resource;
    EXPECT_EQ(row.Get("target_checksum")->as_string(), sums[resource].Hex()) << resource;
    EXPECT_EQ(row.Get("target_count")->as_int(), sums[resource].count()) << resource;
  }
}

// A backend that checksums a copied slice in the write itself (BulkCopyResult::checksums)
// is asked to, and its checksums are recorded with the batch: no slice is read back.
TEST_F(VerificationTest, ChecksumsOfTheWriteAreRecordedWithoutReadingTheSliceBack) {
  MakeSource();
  model::MigrationConfig config = Config(MigrationType::kCopy);
  config.batch_options = model::BatchOptions{2, 2, true};
  std::string id = CreateDraft(config);
  auto& target = storage_->Faults(MapId(id, source_.ns.namespace_id, false));
  target.SupplyCopyChecksums(true, false);
  ASSERT_TRUE(migrations_->Start(caller_, id, /*force=*/true).ok());
  runner_->WaitIdle();
  model::Migration m = std::move(migrations_->Get(caller_, id)).value();
  ASSERT_EQ(m.status, MigrationStatus::kCompleted) << m.error_message.value_or("");
  auto batches = storage_->catalog().ListMigrationBatches(id, -1, 1000);
  ASSERT_TRUE(batches.ok());
  EXPECT_EQ(target.copy_checksum_asks(), static_cast<int64_t>(batches->size()));
  EXPECT_EQ(target.slice_checksums(), 0);
  EXPECT_EQ(target.full_checksums(), 0);
  for (const auto& b : *batches) {
    ASSERT_TRUE(b.checksums.has_value()) << b.batch_no;
    EXPECT_EQ(b.checksums->source_checksum, b.checksums->target_checksum);
  }
  EXPECT_TRUE(m.additional_data.GetPath("verification.ok")->as_bool());
}

// Write checksums that disagree are not taken on trust: finalization compares both sides
// in full (here they are equal: only the checksums were made to differ).
TEST_F(VerificationTest, WriteChecksumsThatDisagreeSendFinalizationToTheFullComparison) {
  MakeSource();
  std::string id = CreateDraft(Config(MigrationType::kCopy));
  auto& target = storage_->Faults(MapId(id, source_.ns.namespace_id, false));
  target.SupplyCopyChecksums(true, true);
  ASSERT_TRUE(migrations_->Start(caller_, id, /*force=*/true).ok());
  runner_->WaitIdle();
  model::Migration m = std::move(migrations_->Get(caller_, id)).value();
  ASSERT_EQ(m.status, MigrationStatus::kCompleted) << m.error_message.value_or("");
  EXPECT_GT(target.full_checksums(), 0);
  EXPECT_TRUE(m.additional_data.GetPath("verification.ok")->as_bool());
}

TEST_F(VerificationTest, CorruptedCopyFailsTheMigrationNamingTheDocument) {
  MakeSource();
  model::MigrationConfig config = Config(MigrationType::kCopy);
  std::string id = CreateDraft(config);
  // The target namespace id is a pure function of the migration and the source.
  storage_->Faults(MapId(id, source_.ns.namespace_id, false)).CorruptNextDocumentUpserts(1);
  ASSERT_TRUE(migrations_->Start(caller_, id, /*force=*/true).ok());
  runner_->WaitIdle();
  model::Migration m = std::move(migrations_->Get(caller_, id)).value();
  EXPECT_EQ(m.status, MigrationStatus::kFailed);
  ASSERT_TRUE(m.error_message.has_value());
  EXPECT_NE(m.error_message->find("verification failed"), std::string::npos) << *m.error_message;
  EXPECT_NE(m.error_message->find("differs from its source"), std::string::npos)
      << *m.error_message;
  const Value* v = m.additional_data.Get("verification");
  ASSERT_NE(v, nullptr);
  EXPECT_FALSE(v->Get("ok")->as_bool());
  int mismatched = 0;
  for (const auto& row : v->Get("resources")->as_array()) {
    if (row.Get("match")->as_bool()) continue;
    ++mismatched;
    // Same counts, different content: only the checksum catches it.
    EXPECT_EQ(row.Get("source_count")->as_int(), row.Get("target_count")->as_int());
    EXPECT_NE(row.Get("source_checksum")->as_string(), row.Get("target_checksum")->as_string());
    ASSERT_EQ(row.Get("differences")->as_array().size(), 1u);
    EXPECT_NE(m.error_message->find(row.Get("differences")->as_array()[0].as_string()),
              std::string::npos);
  }
  EXPECT_EQ(mismatched, 1);
}

TEST_F(VerificationTest, ExtendIgnoresTheAddedVectorsOnly) {
  MakeSource();
  model::Migration m = Run(Config(MigrationType::kExtend));
  ExpectCompletedProgress(m);
  const Value* v = m.additional_data.Get("verification");
  ASSERT_NE(v, nullptr);
  EXPECT_TRUE(v->Get("ok")->as_bool());
}

}  // namespace
}  // namespace ferry::migration
