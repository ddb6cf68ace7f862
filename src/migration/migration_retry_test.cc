// Failed items, retry and batch leases through real migration runs: the embedded storage
// (wrapped in the fault-injecting engine), the built-in extractors plus the test-only
// fault_extractor, whose failures the test switches on and off with files.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "extract/testing/fault_extractor.h"
#include "migration/live_state.h"
#include "migration/migration_service.h"
#include "migration/run_context.h"
#include "service/batch_runner.h"
#include "service/batch_service.h"
#include "service/bucket_service.h"
#include "service/collection_service.h"
#include "service/namespace_service.h"
#include "storage/sqlite/sqlite_storage_engine.h"
#include "storage/testing/fault_injecting_storage.h"

namespace ferry::migration {
namespace {

using model::MigrationStage;
using model::MigrationStatus;
using model::MigrationType;

const model::Page kAll{0, 1'000'000};
// Texts of the source objects; 1 and 4 fail while "flaky" is set, 5 while "stuck" is.
const std::vector<std::string> kTexts = {
    "plain zero",  "flaky one [fail:flaky]",  "plain two",
    "plain three", "flaky four [fail:flaky]", "stuck five [fail:stuck]"};

class MigrationRetryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ferry_migration_retry_test_XXXXXX";
    dir_ = mkdtemp(tmpl);
    faults_dir_ = dir_ + "/faults";
    std::filesystem::create_directories(faults_dir_);
    sqlite_ = std::move(storage::sqlite::SqliteStorageEngine::Open(dir_ + "/data")).value();
    storage_ = std::make_unique<storage::testing::FaultInjectingStorageEngine>(*sqlite_);
    extractors_ = extract::ExtractorRegistry::CreateBuiltin();
    for (const char* version : {"v1", "v2"}) {
      extractors_->Register(extract::testing::NewFaultExtractor(version, faults_dir_));
    }
    deps_ = std::make_unique<service::ServiceDeps>(
        service::ServiceDeps{*storage_, *extractors_, clock_, logger_});
    validator_ = std::make_unique<MigrationValidator>(*deps_, speeds_);
    StartRunner();
    MakeSource();
  }

  void TearDown() override {
    runner_->Shutdown();
    migrations_.reset();
    runner_.reset();
    storage_->Close();
    std::filesystem::remove_all(dir_);
  }

  // A fresh runner and service over the same storage (a process restart).
  void StartRunner() {
    if (runner_) runner_->Shutdown();
    migrations_.reset();
    runner_ = std::make_unique<MigrationRunner>(*deps_, *validator_);
    migrations_ = std::make_unique<MigrationService>(*deps_, *validator_, *runner_);
  }

  void SetFault(const std::string& name, bool on) {
    auto path = std::filesystem::path(faults_dir_) / name;
    if (on) {
      std::ofstream(path).put('x');
    } else {
      std::filesystem::remove(path);
    }
  }

  void MakeSource() {
    service::NamespaceService namespaces(*deps_);
    model::NamespaceCreate nc;
    nc.namespace_name = "source";
    nc.feature_extractors = {{"text_extractor", "v1", {}}};
    auto ns = namespaces.Create(caller_, nc);
    ASSERT_TRUE(ns.ok()) << ns.status().ToString();
    source_ = std::move(namespaces.Resolve(caller_, ns->namespace_id)).value();
    model::ValidationIssues issues;
    service::BucketService buckets(*deps_);
    model::BucketCreate bc;
    bc.bucket_name = "texts";
    bc.schema.properties.push_back({"content", model::FieldType::kText, false, {}});
    bucket_ = std::move(buckets.Create(source_, bc, &issues)).value();
    service::CollectionService collections(*deps_);
    model::CollectionCreate cc;
    cc.collection_name = "plain";
    cc.source.bucket_ids = {bucket_.bucket_id};
    cc.extractor.name = "text_extractor";
    cc.extractor.version = "v1";
    collection_ = std::move(collections.Create(source_, cc, &issues)).value();
    std::vector<std::string> ids;
    for (const auto& text : kTexts) {
      model::ObjectCreate oc;
      model::BlobCreate blob;
      blob.property = "content";
      blob.type = model::FieldType::kText;
      blob.data = model::Value(text);
      oc.blobs.push_back(blob);
      ids.push_back(std::move(buckets.CreateObject(source_, bucket_.bucket_id, oc, &issues))
                        .value()
                        .object_id);
    }
    service::BatchRunner batch_runner(*deps_, 2);
    service::BatchService batches(*deps_, batch_runner);
    model::BatchCreate bcr;
    bcr.object_ids = ids;
    auto batch = batches.Create(source_, bucket_, bcr, &issues);
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    ASSERT_TRUE(batches.Submit(caller_, source_, bucket_, batch->batch_id).ok());
    batch_runner.WaitIdle();
    auto docs = source_.store->ListDocuments(collection_.collection_id, kAll, false);
    ASSERT_TRUE(docs.ok()) << docs.status().ToString();
    for (const auto& d : *docs) {
      const model::Value* text = d.fields.Get("text");
      ASSERT_NE(text, nullptr);
      doc_of_[text->as_string()] = d.document_id;
    }
    ASSERT_EQ(doc_of_.size(), kTexts.size());
  }

  model::MigrationConfig ExtendConfig() {
    model::MigrationConfig c;
    c.migration_type = MigrationType::kExtend;
    c.source_namespace_id = source_.ns.namespace_id;
    c.feature_extractors = std::vector<model::MigrationExtractor>{{"fault_extractor", "v1", {}}};
    model::BatchOptions batch;
    batch.batch_size = 4;
    batch.max_workers = 1;
    c.batch_options = batch;
    return c;
  }

  std::string Start(const model::MigrationConfig& config) {
    std::string message;
    auto m = migrations_->Create(caller_, config, false, &message);
    EXPECT_TRUE(m.ok() && m->validation_result->valid) << message;
    EXPECT_TRUE(migrations_->Start(caller_, m->migration_id, true).ok());
    return m->migration_id;
  }

  model::Migration Get(const std::string& id) {
    return std::move(migrations_->Get(caller_, id)).value();
  }

  std::vector<std::string> FailedIds(const std::string& id, const std::string& status) {
    std::vector<std::string> out;
    auto list = migrations_->ListFailedItems(caller_, id, status, kAll);
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    if (!list.ok()) return out;
    for (const auto& f : list->items) out.push_back(f.item_id);
    return out;
  }

  static const model::StageProgress& Processing(const model::Migration& m) {
    return m.progress.stages[static_cast<int>(MigrationStage::kBatchProcessing)];
  }

  service::Caller caller_{"org_test"};
  std::string dir_;
  std::string faults_dir_;
  SystemClock clock_;
  Logger logger_{LogLevel::kError};
  ExtractorSpeedTable speeds_;
  std::unique_ptr<storage::sqlite::SqliteStorageEngine> sqlite_;
  std::unique_ptr<storage::testing::FaultInjectingStorageEngine> storage_;
  std::unique_ptr<extract::ExtractorRegistry> extractors_;
  std::unique_ptr<service::ServiceDeps> deps_;
  std::unique_ptr<MigrationValidator> validator_;
  std::unique_ptr<MigrationRunner> runner_;
  std::unique_ptr<MigrationService> migrations_;
  service::NamespaceHandle source_;
  model::Bucket bucket_;
  model::Collection collection_;
  std::map<std::string, std::string> doc_of_;  // text → source document id
};

TEST_F(MigrationRetryTest, FailedItemsAreRecordedAndRetriedIntoTheSameTarget) {
  SetFault("flaky", true);
  SetFault("stuck", true);
  std::string id = Start(ExtendConfig());
  runner_->WaitIdle();
  model::Migration m = Get(id);
  ASSERT_EQ(m.status, MigrationStatus::kCompleted) << m.error_message.value_or("");
  EXPECT_EQ(Processing(m).items_failed, 3);
  EXPECT_EQ(Processing(m).items_completed, Processing(m).items_total - 3);
  std::vector<std::string> want = {doc_of_[kTexts[1]], doc_of_[kTexts[4]], doc_of_[kTexts[5]]};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(FailedIds(id, "failed"), want);
  auto listed = migrations_->ListFailedItems(caller_, id, "failed", kAll).value();
  EXPECT_EQ(listed.total, 3);
  EXPECT_EQ(listed.items[0].resource_id, collection_.collection_id);
  EXPECT_NE(listed.items[0].error.find("injected failure"), std::string::npos);

  SetFault("flaky", false);
  auto retried = migrations_->Retry(caller_, id);
  ASSERT_TRUE(retried.ok()) << retried.status().ToString();
  EXPECT_EQ(retried->status, MigrationStatus::kPending);
  runner_->WaitIdle();
  m = Get(id);
  ASSERT_EQ(m.status, MigrationStatus::kCompleted) << m.error_message.value_or("");
  EXPECT_EQ(Processing(m).items_failed, 1);
  EXPECT_EQ(FailedIds(id, "failed"), std::vector<std::string>{doc_of_[kTexts[5]]});
  EXPECT_EQ(migrations_->ListFailedItems(caller_, id, "failed", kAll).value().items[0].attempts, 2);
  EXPECT_EQ(FailedIds(id, "resolved").size(), 2u);
  // Same target ids, upserted: no duplicates, and the retried documents got the vector.
  auto target = storage_->OpenNamespace(m.additional_data.Get("target_namespace_id")->as_string());
  ASSERT_TRUE(target.ok());
  std::string target_col = MapId(id, collection_.collection_id, false);
  auto docs = (*target)->ListDocuments(target_col, kAll, true).value();
  ASSERT_EQ(docs.size(), kTexts.size());
  for (const auto& d : docs) {
    bool stuck = d.fields.Get("text")->as_string() == kTexts[5];
    EXPECT_EQ(d.vectors.size(), stuck ? 1u : 2u) << d.fields.Get("text")->as_string();
    EXPECT_EQ(d.error.has_value(), stuck);
  }
}

TEST_F(MigrationRetryTest, ARetryThatCannotReopenWritesNothingAndCanBeRepeated) {
  SetFault("flaky", true);
  std::string id = Start(ExtendConfig());
  runner_->WaitIdle();
  ASSERT_EQ(Get(id).status, MigrationStatus::kCompleted);
  const auto plan = [&] { return storage_->catalog().ListMigrationBatches(id, 0, 1000).value(); };
  const size_t planned = plan().size();
  SetFault("flaky", false);
  auto& faults = storage_->catalog_faults();
  using storage::testing::CatalogOp;
  // Another retry (or a cancel) changed the migration first: refused, as a conflict.
  faults.Fail(CatalogOp::kUpdateMigrationIf, Status::FailedPrecondition("changed"));
  auto lost = migrations_->Retry(caller_, id);
  EXPECT_EQ(lost.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(lost.status().message().find("changed meanwhile"), std::string::npos);
  // The catalog is out of reach: the error, and neither the row nor the plan changed.
  faults.Fail(CatalogOp::kUpdateMigrationIf, Status::Unavailable("injected"));
  EXPECT_EQ(migrations_->Retry(caller_, id).status().code(), StatusCode::kUnavailable);
  model::Migration m = Get(id);
  EXPECT_EQ(m.status, MigrationStatus::kCompleted);
  EXPECT_EQ(m.additional_data.Get("retry_count"), nullptr);
  EXPECT_EQ(plan().size(), planned);

  auto retried = migrations_->Retry(caller_, id);
  ASSERT_TRUE(retried.ok()) << retried.status().ToString();
  runner_->WaitIdle();
  m = Get(id);
  ASSERT_EQ(m.status, MigrationStatus::kCompleted) << m.error_message.value_or("");
  EXPECT_EQ(Processing(m).items_failed, 0);
  EXPECT_EQ(m.additional_data.Get("retry_count")->as_int(), 1);
  EXPECT_GT(plan().size(), planned);
}

TEST_F(MigrationRetryTest, ALiveMigrationCutOverOrSyncingIsNotRetried) {
  SetFault("flaky", true);
  std::string id = Start(ExtendConfig());
  runner_->WaitIdle();
  ASSERT_EQ(Get(id).status, MigrationStatus::kCompleted);
  SetFault("flaky", false);
  auto set_live = [&](const std::function<void(LiveState&)>& change) {
    model::Migration m = Get(id);
    LiveState live = ReadLiveState(m);
    change(live);
    WriteLiveState(m, live);
    ASSERT_TRUE(storage_->catalog().UpdateMigration(m).ok());
  };
  set_live([](LiveState& l) { l.cutover_at = 1; });
  auto refused = migrations_->Retry(caller_, id);
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("cut over"), std::string::npos);
  set_live([](LiveState& l) {
    l.cutover_at.reset();
    l.following = true;
  });
  EXPECT_EQ(migrations_->Retry(caller_, id).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Get(id).status, MigrationStatus::kCompleted);
  // Rolled back, the source is live again: retried.
  set_live([](LiveState& l) {
    l.following = false;
    l.cutover_at = 1;
    l.rolled_back_at = 2;
  });
  ASSERT_TRUE(migrations_->Retry(caller_, id).ok());
  runner_->WaitIdle();
  EXPECT_EQ(Get(id).status, MigrationStatus::kCompleted);
  EXPECT_EQ(Processing(Get(id)).items_failed, 0);
}

TEST_F(MigrationRetryTest, ARetryRefusesWhenTheSourcesLogWasTrimmedSinceItsStart) {
  SetFault("flaky", true);
  std::string id = Start(ExtendConfig());
  runner_->WaitIdle();
  ASSERT_EQ(Get(id).status, MigrationStatus::kCompleted);
  SetFault("flaky", false);
  // A client write after the run, then the log trimmed over it (nothing held it).
  auto objects = source_.store->ListObjects(bucket_.bucket_id, kAll).value();
  ASSERT_TRUE(source_.store->UpsertObjects({objects.at(0)}).ok());
  const int64_t latest = source_.store->LatestChangeSeq().value();
  ASSERT_TRUE(source_.store->TrimChanges(latest).ok());
  auto refused = migrations_->Retry(caller_, id);
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("trimmed"), std::string::npos)
      << refused.status().ToString();
  EXPECT_EQ(Get(id).status, MigrationStatus::kCompleted);
}

TEST_F(MigrationRetryTest, RetryIsRefusedWhileRunningAndWhenNothingFailed) {
  model::MigrationConfig config = ExtendConfig();
  config.target_namespace_id = "ns_retry_target";
  auto& faults = storage_->Faults("ns_retry_target");
  faults.CloseGate();
  std::string id = Start(config);
  faults.WaitUntilBlocked(1);
  EXPECT_EQ(migrations_->Retry(caller_, id).status().code(), StatusCode::kFailedPrecondition);
  faults.OpenGate();
  runner_->WaitIdle();
  ASSERT_EQ(Get(id).status, MigrationStatus::kCompleted);
  auto again = migrations_->Retry(caller_, id);
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(again.status().message().find("nothing to retry"), std::string::npos);
  EXPECT_EQ(migrations_->Retry(service::Caller{"org_other"}, id).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(migrations_->ListFailedItems(service::Caller{"org_other"}, id, "failed", kAll)
                .status()
                .code(),
            StatusCode::kNotFound);
}

TEST_F(MigrationRetryTest, BatchOfADeadWorkerIsReclaimedWhenItsLeaseExpires) {
  model::MigrationConfig config = ExtendConfig();
  config.target_namespace_id = "ns_lease_target";
  auto& faults = storage_->Faults("ns_lease_target");
  faults.CloseGate();  // holds the first document batch; the next one waits in the queue
  std::string id = Start(config);
  faults.WaitUntilBlocked(1);
  auto& catalog = storage_->catalog();
  auto plan = catalog.ListMigrationBatches(id, 0, 100).value();
  ASSERT_FALSE(plan.empty());
  const int64_t last = plan.back().batch_no;
  ASSERT_EQ(plan.back().status, "pending");
  // Another worker claims it and dies: its lease runs out 300 ms from now.
  auto dead = catalog.ClaimMigrationBatch(id, last, "wrk_dead", clock_.NowMs(), 300);
  ASSERT_TRUE(dead.ok()) << dead.status().ToString();
  faults.OpenGate();
  runner_->WaitIdle();
  model::Migration m = Get(id);
  ASSERT_EQ(m.status, MigrationStatus::kCompleted) << m.error_message.value_or("");
  EXPECT_EQ(catalog.ListMigrationBatches(id, last - 1, 1).value()[0].status, "completed");
  // The dead worker's token is stale everywhere: completion and target writes.
  model::MigrationBatch batch = plan.back();
  batch.status = "completed";
  EXPECT_EQ(catalog.CompleteMigrationBatch(*dead, batch, {}, clock_.NowMs()).code(),
            StatusCode::kLeaseLost);
  auto target = storage_->OpenNamespace("ns_lease_target").value();
  std::string target_col = MapId(id, collection_.collection_id, false);
  auto docs = target->ListDocuments(target_col, kAll, true).value();
  ASSERT_EQ(docs.size(), kTexts.size());
  storage::WriteFence fence{id + "/" + std::to_string(last), dead->token};
  EXPECT_EQ(target->UpsertDocumentsFenced(fence, {docs[0]}).code(), StatusCode::kLeaseLost);
}

TEST_F(MigrationRetryTest, ShutdownReleasesLeasesSoARestartResumesAtOnce) {
  model::MigrationConfig config = ExtendConfig();
  config.target_namespace_id = "ns_pause_target";
  auto& faults = storage_->Faults("ns_pause_target");
  faults.CloseGate();
  std::string id = Start(config);
  faults.WaitUntilBlocked(1);
  std::thread stopper([&] { runner_->Shutdown(); });
  // The gate opens only after the pause reached the running migration: opened earlier,
  // the held write and every later batch could finish before Shutdown began.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!runner_->pause_signalled() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_TRUE(runner_->pause_signalled());
  faults.OpenGate();
  stopper.join();
  ASSERT_EQ(Get(id).status, MigrationStatus::kInProgress);
  // No batch is left leased: a restarted worker claims every unfinished one at once.
  auto plan = storage_->catalog().ListMigrationBatches(id, 0, 100);
  ASSERT_TRUE(plan.ok());
  for (const auto& b : *plan) {
    if (b.status == "completed") continue;
    auto lease =
        storage_->catalog().ClaimMigrationBatch(id, b.batch_no, "wrk_probe", clock_.NowMs(), 1000);
    ASSERT_TRUE(lease.ok()) << "batch " << b.batch_no << ": " << lease.status().ToString();
    ASSERT_TRUE(storage_->catalog().ReleaseBatchLease(*lease).ok());
  }
  StartRunner();
  ASSERT_TRUE(runner_->Recover().ok());
  runner_->WaitIdle();
  EXPECT_EQ(Get(id).status, MigrationStatus::kCompleted);
}

TEST_F(MigrationRetryTest, RetryOfAReExtractAlsoRebuildsCollectionsDownstream) {
  // "faulty" (fault_extractor@v1) over the bucket, "chained" (text_extractor@v1) over it.
  model::ValidationIssues issues;
  service::CollectionService collections(*deps_);
  model::CollectionCreate fc;
  fc.collection_name = "faulty";
  fc.source.bucket_ids = {bucket_.bucket_id};
  fc.extractor.name = "fault_extractor";
  fc.extractor.version = "v1";
  auto faulty = collections.Create(source_, fc, &issues);
  ASSERT_TRUE(faulty.ok()) << faulty.status().ToString();
  model::CollectionCreate cc;
  cc.collection_name = "chained";
  cc.source.type = model::SourceType::kCollection;
  cc.source.collection_id = faulty->collection_id;
  cc.extractor.name = "text_extractor";
  cc.extractor.version = "v1";
  model::ValueObject mapping;
  mapping.Set("text", "text");
  cc.extractor.input_mappings = model::Value(std::move(mapping));
  auto chained = collections.Create(source_, cc, &issues);
  ASSERT_TRUE(chained.ok()) << chained.status().ToString();
  service::BatchRunner batch_runner(*deps_, 2);
  service::BatchService batches(*deps_, batch_runner);
  model::BatchCreate bcr;
  auto objects = source_.store->ListObjectIds(bucket_.bucket_id, {});
  ASSERT_TRUE(objects.ok());
  bcr.object_ids = *objects;
  auto batch = batches.Create(source_, bucket_, bcr, &issues);
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  ASSERT_TRUE(batches.Submit(caller_, source_, bucket_, batch->batch_id).ok());
  batch_runner.WaitIdle();
  ASSERT_EQ(source_.store->CountDocuments(chained->collection_id).value(), 6);

  SetFault("flaky", true);
  model::MigrationConfig config = ExtendConfig();
  config.migration_type = MigrationType::kReExtract;
  config.feature_extractors = std::vector<model::MigrationExtractor>{{"fault_extractor", "v2", {}}};
  model::ResourceFilter filter;
  filter.collection_ids = std::vector<std::string>{chained->collection_id};
  config.filters = filter;
  std::string id = Start(config);
  runner_->WaitIdle();
  model::Migration m = Get(id);
  ASSERT_EQ(m.status, MigrationStatus::kCompleted) << m.error_message.value_or("");
  EXPECT_EQ(FailedIds(id, "failed").size(), 2u);
  auto target = storage_->OpenNamespace(m.additional_data.Get("target_namespace_id")->as_string());
  ASSERT_TRUE(target.ok());
  std::string target_chained = MapId(id, chained->collection_id, false);
  EXPECT_EQ((*target)->CountDocuments(target_chained).value(), 4);  // nothing for the 2

  SetFault("flaky", false);
  ASSERT_TRUE(migrations_->Retry(caller_, id).ok());
  runner_->WaitIdle();
  m = Get(id);
  ASSERT_EQ(m.status, MigrationStatus::kCompleted) << m.error_message.value_or("");
  EXPECT_TRUE(FailedIds(id, "failed").empty());
  EXPECT_EQ((*target)->CountDocuments(target_chained).value(), 6);
  EXPECT_EQ((*target)->CountDocuments(MapId(id, faulty->collection_id, false)).value(), 6);
}

TEST_F(MigrationRetryTest, MigrationFailsWhenEveryItemFailed) {
  // Objects fall outside the date range, documents inside, and every document fails.
  auto objects = source_.store->ListObjects(bucket_.bucket_id, kAll);
  ASSERT_TRUE(objects.ok());
  for (auto& o : *objects) o.created_at = 1000;
  ASSERT_TRUE(source_.store->UpsertObjects(*objects).ok());
  auto docs = source_.store->ListDocuments(collection_.collection_id, kAll, true);
  ASSERT_TRUE(docs.ok());
  for (auto& d : *docs) {
    d.created_at = 5000;
    d.fields.mutable_object().Set("text", "all fail [fail:all]");
  }
  ASSERT_TRUE(source_.store->UpsertDocuments(*docs).ok());
  SetFault("all", true);
  model::MigrationConfig config = ExtendConfig();
  model::ResourceFilter filter;
  filter.after = 2000;
  config.filters = filter;
  std::string id = Start(config);
  runner_->WaitIdle();
  model::Migration m = Get(id);
  EXPECT_EQ(m.status, MigrationStatus::kFailed);
  EXPECT_NE(m.error_message.value_or("").find("every item failed"), std::string::npos)
      << m.error_message.value_or("");
  EXPECT_EQ(Processing(m).items_failed, static_cast<int64_t>(kTexts.size()));
  EXPECT_EQ(Processing(m).items_total, static_cast<int64_t>(kTexts.size()));
  // Once the cause is gone, a retry of the failed migration completes it.
  SetFault("all", false);
  ASSERT_TRUE(migrations_->Retry(caller_, id).ok());
  runner_->WaitIdle();
  m = Get(id);
  EXPECT_EQ(m.status, MigrationStatus::kCompleted) << m.error_message.value_or("");
  EXPECT_EQ(Processing(m).items_failed, 0);
  EXPECT_TRUE(FailedIds(id, "failed").empty());
}

// The first batch of the source collection in the plan (the only one when the batch size
// exceeds the collection).
model::MigrationBatch FirstCollectionBatch(storage::CatalogStore& catalog, const std::string& id,
                                           const std::string& collection_id) {
  auto plan = catalog.ListMigrationBatches(id, 0, 100);
  EXPECT_TRUE(plan.ok()) << plan.status().ToString();
  if (plan.ok()) {
    for (const auto& b : *plan) {
      if (b.resource_id == collection_id) return b;
    }
  }
  ADD_FAILURE() << "no batch of " << collection_id;
  return {};
}

// Aborted is a transient conflict (e.g. a lost transaction race), not a cancellation:
// the batch is tried again and the migration completes. Before the status codes were
// split, the runner took it for a cancel and ended the migration "cancelled".
TEST_F(MigrationRetryTest, AConflictIsRetriedNotTakenForACancel) {
  model::MigrationConfig config = ExtendConfig();
  config.batch_options->batch_size = 100;  // one batch per resource
  config.target_namespace_id = "ns_conflict_target";
  auto& faults = storage_->Faults("ns_conflict_target");
  faults.FailNextDocumentUpserts(1, Status::Aborted("conflict with a concurrent write"));
  std::string id = Start(config);
  runner_->WaitIdle();
  model::Migration m = Get(id);
  EXPECT_EQ(m.status, MigrationStatus::kCompleted) << m.error_message.value_or("");
  EXPECT_EQ(faults.document_upserts(), 2);
  model::MigrationBatch batch =
      FirstCollectionBatch(storage_->catalog(), id, collection_.collection_id);
  EXPECT_EQ(batch.status, "completed");
  EXPECT_EQ(batch.attempts, 2);
}

// Cancelled means "stopped on request": never retried, although retry_failed is on.
TEST_F(MigrationRetryTest, ACancelledBatchIsNeverRetried) {
  model::MigrationConfig config = ExtendConfig();
  config.batch_options->batch_size = 100;
  config.batch_options->retry_failed = true;
  config.target_namespace_id = "ns_cancelled_target";
  auto& faults = storage_->Faults("ns_cancelled_target");
  faults.FailNextDocumentUpserts(1, Status::Cancelled("stopped"));
  std::string id = Start(config);
  runner_->WaitIdle();
  EXPECT_EQ(Get(id).status, MigrationStatus::kCancelled);
  EXPECT_EQ(faults.document_upserts(), 1);
  model::MigrationBatch batch =
      FirstCollectionBatch(storage_->catalog(), id, collection_.collection_id);
  EXPECT_EQ(batch.status, "pending");
  // Its lease was given up: it can be claimed at once.
  auto lease = storage_->catalog().ClaimMigrationBatch(id, batch.batch_no, "wrk_probe",
                                                       clock_.NowMs(), 1000);
  EXPECT_TRUE(lease.ok()) << lease.status().ToString();
}

// A write refused for a stale fencing token means this worker lost the batch's lease
// (it stalled; another worker took the batch over and wrote). That is not a failure of
// the batch: it is claimed again and run under the new lease, even without retries.
TEST_F(MigrationRetryTest, AStaleFenceWriteLosesTheLeaseAndTheBatchIsClaimedAgain) {
  model::MigrationConfig config = ExtendConfig();
  config.batch_options->batch_size = 100;
  config.batch_options->retry_failed = false;
  config.target_namespace_id = "ns_stale_target";
  auto& faults = storage_->Faults("ns_stale_target");
  faults.CloseGate();  // holds the collection batch's document write
  std::string id = Start(config);
  faults.WaitUntilBlocked(1);
  auto& catalog = storage_->catalog();
  model::MigrationBatch batch = FirstCollectionBatch(catalog, id, collection_.collection_id);
  // Another worker sees the lease expired (its clock is past the runner's lease), takes
  // the batch over and writes under its newer token; then it gives the batch up.
  auto theirs =
      catalog.ClaimMigrationBatch(id, batch.batch_no, "wrk_other", clock_.NowMs() + 60'000, 1000);
  ASSERT_TRUE(theirs.ok()) << theirs.status().ToString();
  auto target = storage_->OpenNamespace("ns_stale_target").value();
  storage::WriteFence fence{id + "/" + std::to_string(batch.batch_no), theirs->token};
  ASSERT_TRUE(target->UpsertObjectsFenced(fence, {}).ok());
  ASSERT_TRUE(catalog.ReleaseBatchLease(*theirs).ok());
  faults.OpenGate();  // the runner's held write now carries a stale token
  runner_->WaitIdle();
  model::Migration m = Get(id);
  ASSERT_EQ(m.status, MigrationStatus::kCompleted) << m.error_message.value_or("");
  EXPECT_EQ(faults.document_upserts(), 2);
  batch = FirstCollectionBatch(catalog, id, collection_.collection_id);
  EXPECT_EQ(batch.status, "completed");
  EXPECT_EQ(batch.items_failed, 0);
  std::string target_col = MapId(id, collection_.collection_id, false);
  EXPECT_EQ(target->CountDocuments(target_col).value(), static_cast<int64_t>(kTexts.size()));
}

}  // namespace
}  // namespace ferry::migration
