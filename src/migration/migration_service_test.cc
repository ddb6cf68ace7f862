// MigrationService: the status machine (DESIGN.md §2 "Status") and validation results,
// on the real embedded storage wrapped in the fault-injecting engine.
#include "migration/migration_service.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "migration/migration_runner.h"
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

using model::MigrationStatus;
using model::MigrationType;
using model::Value;
using model::ValueArray;

// ["config", …] as a comparable Value.
Value Loc(std::initializer_list<Value> parts) {
  ValueArray loc{Value("config")};
  for (const auto& p : parts) loc.push_back(p);
  return Value(std::move(loc));
}

// The issue at `loc`, or nullptr.
const model::ValidationIssue* FindIssue(const model::ValidationIssues& issues, const Value& loc) {
  for (const auto& i : issues) {
    if (Value(i.loc) == loc) return &i;
  }
  return nullptr;
}

const model::ValidationIssue* FindType(const model::ValidationIssues& issues,
                                       const std::string& type) {
  for (const auto& i : issues) {
    if (i.type == type) return &i;
  }
  return nullptr;
}

class MigrationServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ferry_migration_service_test_XXXXXX";
    dir_ = mkdtemp(tmpl);
    sqlite_ = std::move(storage::sqlite::SqliteStorageEngine::Open(dir_)).value();
    storage_ = std::make_unique<storage::testing::FaultInjectingStorageEngine>(*sqlite_);
    extractors_ = extract::ExtractorRegistry::CreateBuiltin();
    deps_ = std::make_unique<service::ServiceDeps>(
        service::ServiceDeps{*storage_, *extractors_, clock_, logger_});
    validator_ = std::make_unique<MigrationValidator>(*deps_, speeds_);
    // One migration at a time, so a second started one stays pending while the first
    // is held in progress.
    runner_ = std::make_unique<MigrationRunner>(*deps_, *validator_, nullptr,
                                                MigrationRunnerOptions{.concurrent_migrations = 1});
    migrations_ = std::make_unique<MigrationService>(*deps_, *validator_, *runner_);
    MakeSource();
  }

  void TearDown() override {
    for (const auto& id : gated_) TargetFaults(id).OpenGate();  // never leave a worker held
    runner_->Shutdown();
    migrations_.reset();
    runner_.reset();
    storage_->Close();
    std::filesystem::remove_all(dir_);
  }

  // Namespace "source": bucket "texts" (3 objects), collection "words" (text_extractor
  // v1 over the bucket) and "chained" (fed by "words"), with documents.
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
    cc.collection_name = "words";
    cc.source.bucket_ids = {bucket_.bucket_id};
    cc.extractor.name = "text_extractor";
    cc.extractor.version = "v1";
    words_ = std::move(collections.Create(source_, cc, &issues)).value();
    model::CollectionCreate ch;
    ch.collection_name = "chained";
    ch.source.type = model::SourceType::kCollection;
    ch.source.collection_id = words_.collection_id;
    ch.extractor.name = "text_extractor";
    ch.extractor.version = "v1";
    model::ValueObject mapping;
    mapping.Set("text", "text");
    ch.extractor.input_mappings = Value(std::move(mapping));
    auto chained = collections.Create(source_, ch, &issues);
    ASSERT_TRUE(chained.ok()) << chained.status().ToString();
    chained_ = *chained;
    model::BatchCreate batch;
    for (const char* text : {"alpha beta", "gamma delta", "epsilon"}) {
      model::ObjectCreate oc;
      model::BlobCreate blob;
      blob.property = "content";
      blob.type = model::FieldType::kText;
      blob.data = Value(text);
      oc.blobs.push_back(blob);
      batch.object_ids.push_back(
          std::move(buckets.CreateObject(source_, bucket_.bucket_id, oc, &issues))
              .value()
              .object_id);
    }
    service::BatchRunner batch_runner(*deps_, 1);
    service::BatchService batches(*deps_, batch_runner);
    auto b = batches.Create(source_, bucket_, batch, &issues);
    ASSERT_TRUE(b.ok());
    ASSERT_TRUE(batches.Submit(caller_, source_, bucket_, b->batch_id).ok());
    batch_runner.WaitIdle();
    ASSERT_EQ(source_.store->CountDocuments(chained_.collection_id).value(), 3);
  }

  model::MigrationConfig Copy() {
    model::MigrationConfig c;
    c.migration_type = MigrationType::kCopy;
    c.source_namespace_id = source_.ns.namespace_id;
    return c;
  }

  model::MigrationConfig WithExtractor(MigrationType type, std::string name,
                                       std::optional<std::string> version) {
    model::MigrationConfig c = Copy();
    c.migration_type = type;
    c.feature_extractors =
        std::vector<model::MigrationExtractor>{{std::move(name), std::move(version), {}}};
    return c;
  }

  model::Migration Create(const model::MigrationConfig& config) {
    std::string message;
    auto m = migrations_->Create(caller_, config, false, &message);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return std::move(m).value();
  }

  model::ValidationResult Validate(const model::MigrationConfig& config) {
    auto outcome = migrations_->Validate(caller_, config);
    EXPECT_TRUE(outcome.ok()) << outcome.status().ToString();
    return outcome->result;
  }

  MigrationStatus StatusOf(const std::string& id) {
    return migrations_->Get(caller_, id).value().status;
  }

  // The faults of the namespace a started `migration_id` writes to (default target).
  storage::testing::FaultInjection& TargetFaults(const std::string& migration_id) {
    return storage_->Faults(MapId(migration_id, source_.ns.namespace_id, false));
  }

  // Starts a copy and holds it in_progress, a worker blocked inside UpsertDocuments.
  std::string StartHeld() {
    std::string id = Create(Copy()).migration_id;
    TargetFaults(id).CloseGate();
    gated_.push_back(id);
    EXPECT_TRUE(migrations_->Start(caller_, id, false).ok());
    TargetFaults(id).WaitUntilBlocked(1);
    return id;
  }

  service::Caller caller_{"org_test"};
  service::Caller other_{"org_other"};
  std::string dir_;
  SystemClock clock_;
  Logger logger_{LogLevel::kError};
  std::unique_ptr<storage::sqlite::SqliteStorageEngine> sqlite_;
  std::unique_ptr<storage::testing::FaultInjectingStorageEngine> storage_;
  std::unique_ptr<extract::ExtractorRegistry> extractors_;
  std::unique_ptr<service::ServiceDeps> deps_;
  ExtractorSpeedTable speeds_;
  std::unique_ptr<MigrationValidator> validator_;
  std::unique_ptr<MigrationRunner> runner_;
  std::unique_ptr<MigrationService> migrations_;
  service::NamespaceHandle source_;
  model::Bucket bucket_;
  model::Collection words_;
  model::Collection chained_;
  std::vector<std::string> gated_;  // migrations whose target writes StartHeld blocked
};

// --- Status machine ---------------------------------------------------------------

TEST_F(MigrationServiceTest, CreateMakesADraftWithValidationAndGraph) {
  model::Migration m = Create(Copy());
  EXPECT_EQ(m.status, MigrationStatus::kDraft);
  EXPECT_EQ(StatusOf(m.migration_id), MigrationStatus::kDraft);
  ASSERT_TRUE(m.validation_result.has_value());
  EXPECT_TRUE(m.validation_result->valid);
  EXPECT_TRUE(m.validation_result->errors.empty());
  ASSERT_TRUE(m.dependency_graph.has_value());
  const auto& g = *m.dependency_graph;
  EXPECT_EQ(g.execution_order, std::vector<std::string>({bucket_.bucket_id, words_.collection_id,
                                                         chained_.collection_id}));
  ASSERT_NE(g.Find(chained_.collection_id), nullptr);
  EXPECT_EQ(g.Find(bucket_.bucket_id)->tier, 0);
  EXPECT_EQ(g.Find(words_.collection_id)->tier, 1);
  EXPECT_EQ(g.Find(chained_.collection_id)->tier, 2);
  EXPECT_EQ(g.Find(chained_.collection_id)->dependencies,
            std::vector<std::string>({words_.collection_id}));
  EXPECT_FALSE(m.task_id.has_value());
  EXPECT_FALSE(m.started_at.has_value());
}

TEST_F(MigrationServiceTest, StartRunsADraftToCompletion) {
  std::string id = Create(Copy()).migration_id;
  auto started = migrations_->Start(caller_, id, false);
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  EXPECT_TRUE(started->status == MigrationStatus::kPending ||
              started->status == MigrationStatus::kInProgress);
  EXPECT_TRUE(started->task_id.has_value());
  EXPECT_TRUE(started->started_at.has_value());
  runner_->WaitIdle();
  model::Migration done = migrations_->Get(caller_, id).value();
  EXPECT_EQ(done.status, MigrationStatus::kCompleted) << done.error_message.value_or("");
  EXPECT_TRUE(done.completed_at.has_value());
  EXPECT_EQ(storage_->catalog().GetTask(caller_.org_id, *done.task_id)->status,
            model::TaskStatus::kCompleted);
}

TEST_F(MigrationServiceTest, StartTwiceIsRefused) {
  std::string id = Create(Copy()).migration_id;
  ASSERT_TRUE(migrations_->Start(caller_, id, false).ok());
  EXPECT_EQ(migrations_->Start(caller_, id, false).status().code(),
            StatusCode::kFailedPrecondition);
  runner_->WaitIdle();
  ASSERT_EQ(StatusOf(id), MigrationStatus::kCompleted);
  EXPECT_EQ(migrations_->Start(caller_, id, true).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(StatusOf(id), MigrationStatus::kCompleted);
}

TEST_F(MigrationServiceTest, DeleteIsRefusedWhileInProgressOrPending) {
  std::string running = StartHeld();
  EXPECT_EQ(StatusOf(running), MigrationStatus::kInProgress);
  EXPECT_EQ(migrations_->Delete(caller_, running).code(), StatusCode::kFailedPrecondition);
  // The only runner slot is taken, so a second started migration stays pending.
  std::string queued = Create(Copy()).migration_id;
  ASSERT_TRUE(migrations_->Start(caller_, queued, false).ok());
  EXPECT_EQ(StatusOf(queued), MigrationStatus::kPending);
  EXPECT_EQ(migrations_->Delete(caller_, queued).code(), StatusCode::kFailedPrecondition);

  TargetFaults(running).OpenGate();
  runner_->WaitIdle();
  EXPECT_EQ(StatusOf(running), MigrationStatus::kCompleted);
  EXPECT_EQ(StatusOf(queued), MigrationStatus::kCompleted);
  EXPECT_TRUE(migrations_->Get(caller_, running).ok());
}

TEST_F(MigrationServiceTest, CancelAQueuedMigrationKeepsItFromRunning) {
  std::string running = StartHeld();
  std::string queued = Create(Copy()).migration_id;
  ASSERT_TRUE(migrations_->Start(caller_, queued, false).ok());
  auto cancelled = migrations_->Cancel(caller_, queued, std::nullopt);
  ASSERT_TRUE(cancelled.ok()) << cancelled.status().ToString();
  EXPECT_EQ(cancelled->status, MigrationStatus::kCancelled);
  TargetFaults(running).OpenGate();
  runner_->WaitIdle();
  EXPECT_EQ(StatusOf(queued), MigrationStatus::kCancelled);
  EXPECT_EQ(storage_->catalog()
                .GetNamespace(caller_.org_id, MapId(queued, source_.ns.namespace_id, false))
                .status()
                .code(),
            StatusCode::kNotFound);
  EXPECT_EQ(StatusOf(running), MigrationStatus::kCompleted);
}

// Cancel marks a running migration cancelled at once; deleting it then must not be
// undone by the run that is still stopping (no row resurrected, no plan left behind).
TEST_F(MigrationServiceTest, DeleteAfterCancelOfARunningMigrationStaysDeleted) {
  std::string id = StartHeld();
  auto cancelled = migrations_->Cancel(caller_, id, std::nullopt);
  Status deleted = migrations_->Delete(caller_, id);
  TargetFaults(id).OpenGate();
  runner_->WaitIdle();
  ASSERT_TRUE(cancelled.ok()) << cancelled.status().ToString();
  EXPECT_EQ(cancelled->status, MigrationStatus::kCancelled);
  ASSERT_TRUE(deleted.ok()) << deleted.ToString();
  EXPECT_EQ(migrations_->Get(caller_, id).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(storage_->catalog().ListMigrationBatches(id, 0, 10).value().empty());
  EXPECT_TRUE(storage_->catalog().ListUnfinishedMigrations().value().empty());
}

TEST_F(MigrationServiceTest, DeleteOfDraftCompletedOrCancelledSucceedsOnce) {
  std::string draft = Create(Copy()).migration_id;
  std::string completed = Create(Copy()).migration_id;
  ASSERT_TRUE(migrations_->Start(caller_, completed, false).ok());
  runner_->WaitIdle();
  ASSERT_EQ(StatusOf(completed), MigrationStatus::kCompleted);
  std::string cancelled = Create(Copy()).migration_id;
  ASSERT_TRUE(migrations_->Cancel(caller_, cancelled, std::nullopt).ok());
  for (const auto& id : {draft, completed, cancelled}) {
    SCOPED_TRACE(id);
    EXPECT_TRUE(migrations_->Delete(caller_, id).ok());
    EXPECT_EQ(migrations_->Get(caller_, id).status().code(), StatusCode::kNotFound);
    EXPECT_EQ(migrations_->Delete(caller_, id).code(), StatusCode::kNotFound);
  }
  EXPECT_TRUE(storage_->catalog().ListMigrationBatches(completed, 0, 10).value().empty());
}

TEST_F(MigrationServiceTest, CancelOfACompletedMigrationIsRefused) {
  std::string id = Create(Copy()).migration_id;
  ASSERT_TRUE(migrations_->Start(caller_, id, false).ok());
  runner_->WaitIdle();
  ASSERT_EQ(StatusOf(id), MigrationStatus::kCompleted);
  EXPECT_EQ(migrations_->Cancel(caller_, id, std::nullopt).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(StatusOf(id), MigrationStatus::kCompleted);
}

TEST_F(MigrationServiceTest, CancelOfADraftCancelsIt) {
  std::string id = Create(Copy()).migration_id;
  auto m = migrations_->Cancel(caller_, id, std::string("not needed"));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->status, MigrationStatus::kCancelled);
  model::Migration stored = migrations_->Get(caller_, id).value();
  EXPECT_EQ(stored.status, MigrationStatus::kCancelled);
  EXPECT_EQ(stored.progress.overall_status, MigrationStatus::kCancelled);
  EXPECT_NE(stored.error_message.value_or("").find("not needed"), std::string::npos);
  EXPECT_EQ(migrations_->Start(caller_, id, true).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(migrations_->Cancel(caller_, id, std::nullopt).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(MigrationServiceTest, WarningsAreRefusedWithoutForce) {
  std::string id =
      Create(WithExtractor(MigrationType::kReExtract, "text_extractor", "v2")).migration_id;
  model::Migration draft = migrations_->Get(caller_, id).value();
  ASSERT_TRUE(draft.validation_result->valid);
  ASSERT_NE(FindType(draft.validation_result->warnings, "re_extraction_cost"), nullptr);

  auto refused = migrations_->Start(caller_, id, /*force=*/false);
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(StatusOf(id), MigrationStatus::kDraft);
  EXPECT_FALSE(migrations_->Get(caller_, id)->task_id.has_value());

  auto forced = migrations_->Start(caller_, id, /*force=*/true);
  ASSERT_TRUE(forced.ok()) << forced.status().ToString();
  runner_->WaitIdle();
  EXPECT_EQ(StatusOf(id), MigrationStatus::kCompleted);
}

TEST_F(MigrationServiceTest, StartOfAnInvalidConfigIsRefusedAndStaysDraft) {
  model::MigrationConfig config = Copy();
  config.feature_extractors = std::vector<model::MigrationExtractor>{{"text_extractor", "v2", {}}};
  model::Migration m = Create(config);
  ASSERT_FALSE(m.validation_result->valid);
  EXPECT_EQ(migrations_->Start(caller_, m.migration_id, true).status().code(),
            StatusCode::kInvalidArgument);
  model::Migration stored = migrations_->Get(caller_, m.migration_id).value();
  EXPECT_EQ(stored.status, MigrationStatus::kDraft);
  EXPECT_FALSE(stored.validation_result->valid);
  EXPECT_FALSE(stored.task_id.has_value());
  runner_->WaitIdle();
  EXPECT_EQ(storage_->catalog().CountNamespaces(caller_.org_id).value(), 1);
}

TEST_F(MigrationServiceTest, AnotherOrganizationsMigrationIsNotFound) {
  std::string id = Create(Copy()).migration_id;
  EXPECT_EQ(migrations_->Get(other_, id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(migrations_->Start(other_, id, true).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(migrations_->Cancel(other_, id, std::nullopt).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(migrations_->Delete(other_, id).code(), StatusCode::kNotFound);
  auto listed = migrations_->List(other_, {}, {0, 100});
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->total, 0);
  EXPECT_TRUE(listed->items.empty());
  EXPECT_EQ(StatusOf(id), MigrationStatus::kDraft);
  // Nor can another organization name this source.
  auto outcome = migrations_->Validate(other_, Copy());
  ASSERT_TRUE(outcome.ok());
  EXPECT_NE(FindIssue(outcome->result.errors, Loc({"source_namespace_id"})), nullptr);
}

// --- Validation -------------------------------------------------------------------

TEST_F(MigrationServiceTest, UnknownSourceNamespaceIsLocated) {
  model::MigrationConfig config = Copy();
  config.source_namespace_id = "ns_does_not_exist";
  model::Migration m = Create(config);
  EXPECT_FALSE(m.validation_result->valid);
  const auto* issue = FindIssue(m.validation_result->errors, Loc({"source_namespace_id"}));
  ASSERT_NE(issue, nullptr);
  EXPECT_EQ(issue->type, "not_found");
  EXPECT_FALSE(m.dependency_graph.has_value());
}

TEST_F(MigrationServiceTest, TargetNameOrIdTakenIsLocated) {
  model::MigrationConfig config = Copy();
  config.target_namespace_name = "source";
  auto r = Validate(config);
  EXPECT_FALSE(r.valid);
  const auto* issue = FindIssue(r.errors, Loc({"target_namespace_name"}));
  ASSERT_NE(issue, nullptr);
  EXPECT_EQ(issue->type, "already_exists");

  config = Copy();
  config.target_namespace_id = source_.ns.namespace_id;
  r = Validate(config);
  EXPECT_FALSE(r.valid);
  EXPECT_NE(FindIssue(r.errors, Loc({"target_namespace_id"})), nullptr);
}

TEST_F(MigrationServiceTest, FeatureExtractorsRequiredExactlyWhenTheTypeNeedsThem) {
  for (auto type : {MigrationType::kReExtract, MigrationType::kExtend}) {
    SCOPED_TRACE(model::MigrationTypeName(type));
    model::MigrationConfig config = Copy();
    config.migration_type = type;
    auto r = Validate(config);
    EXPECT_FALSE(r.valid);
    const auto* issue = FindIssue(r.errors, Loc({"feature_extractors"}));
    ASSERT_NE(issue, nullptr);
    EXPECT_EQ(issue->type, "missing");
  }
  auto r = Validate(WithExtractor(MigrationType::kCopy, "text_extractor", "v2"));
  EXPECT_FALSE(r.valid);
  const auto* issue = FindIssue(r.errors, Loc({"feature_extractors"}));
  ASSERT_NE(issue, nullptr);
  EXPECT_EQ(issue->type, "value_error");
  EXPECT_TRUE(Validate(WithExtractor(MigrationType::kExtend, "text_extractor", "v2")).valid);
}

TEST_F(MigrationServiceTest, UnknownExtractorNameOrVersionIsLocated) {
  auto r = Validate(WithExtractor(MigrationType::kReExtract, "no_such_extractor", "v1"));
  EXPECT_FALSE(r.valid);
  EXPECT_NE(FindIssue(r.errors, Loc({"feature_extractors", int64_t{0}, "feature_extractor_name"})),
            nullptr);
  r = Validate(WithExtractor(MigrationType::kReExtract, "text_extractor", "v9"));
  EXPECT_FALSE(r.valid);
  const auto* issue = FindIssue(r.errors, Loc({"feature_extractors", int64_t{0}, "version"}));
  ASSERT_NE(issue, nullptr);
  EXPECT_EQ(issue->type, "value_error");
}

TEST_F(MigrationServiceTest, FilterIdsNotInTheSourceAreLocatedByIndex) {
  model::MigrationConfig config = Copy();
  model::ResourceFilter filter;
  filter.collection_ids = {"col_missing_a", words_.collection_id, "col_missing_b"};
  config.filters = filter;
  auto r = Validate(config);
  EXPECT_FALSE(r.valid);
  EXPECT_NE(FindIssue(r.errors, Loc({"filters", "collection_ids", int64_t{0}})), nullptr);
  EXPECT_EQ(FindIssue(r.errors, Loc({"filters", "collection_ids", int64_t{1}})), nullptr);
  EXPECT_NE(FindIssue(r.errors, Loc({"filters", "collection_ids", int64_t{2}})), nullptr);
  // A bucket id is not a collection id.
  filter.collection_ids = {bucket_.bucket_id};
  config.filters = filter;
  EXPECT_NE(FindIssue(Validate(config).errors, Loc({"filters", "collection_ids", int64_t{0}})),
            nullptr);
}

TEST_F(MigrationServiceTest, DependencyLeftOutWithoutAutoIncludeIsAnError) {
  model::MigrationConfig config = Copy();
  model::ResourceFilter filter;
  filter.collection_ids = {chained_.collection_id};
  filter.auto_include_dependencies = false;
  config.filters = filter;
  auto r = Validate(config);
  EXPECT_FALSE(r.valid);
  const auto* issue = FindType(r.errors, "missing_dependency");
  ASSERT_NE(issue, nullptr);
  EXPECT_NE(issue->msg.find(words_.collection_id), std::string::npos) << issue->msg;

  config.filters->auto_include_dependencies = true;
  auto outcome = migrations_->Validate(caller_, config);
  ASSERT_TRUE(outcome.ok());
  EXPECT_TRUE(outcome->result.valid);
  EXPECT_EQ(outcome->graph.execution_order.size(), 3u);
}

TEST_F(MigrationServiceTest, EstimatesAreKeyedByResourceType) {
  auto r = Validate(WithExtractor(MigrationType::kReExtract, "text_extractor", "v2"));
  EXPECT_TRUE(r.valid);
  ASSERT_FALSE(r.estimated_resources.empty());
  for (const auto& [key, n] : r.estimated_resources) {
    EXPECT_TRUE(model::ParseResourceType(key).has_value()) << key;
    EXPECT_GE(n, 0) << key;
  }
  EXPECT_EQ(r.estimated_resources.at("bucket"), 1);
  EXPECT_EQ(r.estimated_resources.at("collection"), 2);
  ASSERT_TRUE(r.estimated_duration_seconds.has_value());
  EXPECT_GE(*r.estimated_duration_seconds, 0);
}

}  // namespace
}  // namespace ferry::migration
