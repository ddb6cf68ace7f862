// End-to-end migration runs on the real embedded storage (wrapped in the fault-injecting
// engine) and the built-in extractors: a source namespace with one bucket of text
// objects, a chunking text_extractor@v1 collection over it and a collection chained to
// that one, documents made by the real BatchRunner.
#include "migration/migration_runner.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <set>
#include <thread>

#include "migration/migration_service.h"
#include "migration/run_context.h"
#include "service/batch_runner.h"
#include "service/batch_service.h"
#include "service/bucket_service.h"
#include "service/collection_service.h"
#include "service/document_builder.h"
#include "service/namespace_service.h"
#include "storage/sqlite/sqlite_storage_engine.h"
#include "storage/testing/fault_injecting_storage.h"

namespace ferry::migration {
namespace {

using model::MigrationStage;
using model::MigrationStatus;
using model::MigrationType;
using model::Value;

constexpr int kObjects = 25;
constexpr const char* kV1Uri = "mixpeek://text_extractor@v1/embedding";
constexpr const char* kV2Uri = "mixpeek://text_extractor@v2/embedding";
const model::Page kAll{0, 1'000'000};

std::string VectorBytes(const std::vector<float>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
}

// The value of a listing (by value, so it can feed a range-for safely).
template <typename T>
T Take(Result<T> r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : T{};
}

const model::FeatureVector* FindVector(const model::Document& d, const std::string& uri) {
  for (const auto& v : d.vectors) {
    if (v.feature_uri == uri) return &v;
  }
  return nullptr;
}

class MigrationRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ferry_migration_runner_test_XXXXXX";
    dir_ = mkdtemp(tmpl);
    sqlite_ = std::move(storage::sqlite::SqliteStorageEngine::Open(dir_)).value();
    storage_ = std::make_unique<storage::testing::FaultInjectingStorageEngine>(*sqlite_);
    extractors_ = extract::ExtractorRegistry::CreateBuiltin();
    deps_ = std::make_unique<service::ServiceDeps>(
        service::ServiceDeps{*storage_, *extractors_, clock_, logger_});
    validator_ = std::make_unique<MigrationValidator>(*deps_, speeds_);
    runner_ = std::make_unique<MigrationRunner>(*deps_, *validator_);
    migrations_ = std::make_unique<MigrationService>(*deps_, *validator_, *runner_);
  }

  void TearDown() override {
    runner_->Shutdown();
    migrations_.reset();
    runner_.reset();
    storage_->Close();
    std::filesystem::remove_all(dir_);
  }

  // Builds the source namespace; `created_at(i)`, when given, is written as object i's
  // created_at (and that of every document derived from it) through the store.
  void MakeSource(const std::function<TimestampMs(int)>& created_at = nullptr) {
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
    cc.collection_name = "sentences";
    cc.source.bucket_ids = {bucket_.bucket_id};
    cc.extractor.name = "text_extractor";
    cc.extractor.version = "v1";
    model::ValueObject params;
    params.Set("split_by", "sentences");
    params.Set("chunk_size", 1);
    cc.extractor.parameters = Value(std::move(params));
    auto col = collections.Create(source_, cc, &issues);
    ASSERT_TRUE(col.ok()) << col.status().ToString();
    sentences_ = *col;
    model::CollectionCreate chained;
    chained.collection_name = "chained";
    chained.source.type = model::SourceType::kCollection;
    chained.source.collection_id = sentences_.collection_id;
    chained.extractor.name = "text_extractor";
    chained.extractor.version = "v1";
    model::ValueObject mapping;
    mapping.Set("text", "text");
    chained.extractor.input_mappings = Value(std::move(mapping));
    auto ch = collections.Create(source_, chained, &issues);
    ASSERT_TRUE(ch.ok()) << ch.status().ToString();
    chained_ = *ch;

    for (int i = 0; i < kObjects; ++i) {
      model::ObjectCreate oc;
      model::BlobCreate blob;
      blob.property = "content";
      blob.type = model::FieldType::kText;
      blob.data = Value("Object " + std::to_string(i) + " talks about ferries. It crosses river " +
                        std::to_string(i * 7) + " at dawn.");
      oc.blobs.push_back(blob);
      auto o = buckets.CreateObject(source_, bucket_.bucket_id, oc, &issues);
      ASSERT_TRUE(o.ok()) << o.status().ToString();
      object_ids_.push_back(o->object_id);
    }
    std::map<std::string, TimestampMs> object_time;
    if (created_at) {
      auto objects = std::move(source_.store->ListObjects(bucket_.bucket_id, kAll)).value();
      for (auto& o : objects) {
        size_t i =
            std::find(object_ids_.begin(), object_ids_.end(), o.object_id) - object_ids_.begin();
        o.created_at = o.updated_at = created_at(static_cast<int>(i));
        object_time[o.object_id] = o.created_at;
      }
      ASSERT_TRUE(source_.store->UpsertObjects(objects).ok());
    }

    service::BatchRunner batch_runner(*deps_, 2);
    service::BatchService batches(*deps_, batch_runner);
    model::BatchCreate bcr;
    bcr.object_ids = object_ids_;
    auto batch = batches.Create(source_, bucket_, bcr, &issues);
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    ASSERT_TRUE(batches.Submit(caller_, source_, bucket_, batch->batch_id).ok());
    batch_runner.WaitIdle();
    ASSERT_EQ(Count(sentences_.collection_id), 2 * kObjects);  // two sentences each
    ASSERT_EQ(Count(chained_.collection_id), 2 * kObjects);
    if (created_at) {
      for (const auto* c : {&sentences_, &chained_}) {
        auto docs = std::move(source_.store->ListDocuments(c->collection_id, kAll, true)).value();
        for (auto& d : docs) d.created_at = object_time.at(d.lineage.root_object_id);
        ASSERT_TRUE(source_.store->UpsertDocuments(docs).ok());
      }
    }
  }

  int64_t Count(const std::string& collection_id) {
    return source_.store->CountDocuments(collection_id).value();
  }

  model::MigrationConfig Config(MigrationType type) {
    model::MigrationConfig c;
    c.migration_type = type;
    c.source_namespace_id = source_.ns.namespace_id;
    if (type != MigrationType::kCopy) {
      c.feature_extractors = std::vector<model::MigrationExtractor>{{"text_extractor", "v2", {}}};
    }
    model::BatchOptions batch;
    batch.batch_size = 5;
    batch.max_workers = 2;
    c.batch_options = batch;
    return c;
  }

  // Creates a draft (no errors expected) and returns its id.
  std::string CreateDraft(const model::MigrationConfig& config) {
    std::string message;
    auto m = migrations_->Create(caller_, config, false, &message);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    EXPECT_TRUE(m->validation_result->valid)
        << (m->validation_result->errors.empty() ? "" : m->validation_result->errors[0].msg);
    return m->migration_id;
  }

  // Creates, starts (with force) and waits for a migration; returns its final state.
  model::Migration Run(const model::MigrationConfig& config) {
    std::string id = CreateDraft(config);
    auto started = migrations_->Start(caller_, id, /*force=*/true);
    EXPECT_TRUE(started.ok()) << started.status().ToString();
    runner_->WaitIdle();
    return std::move(migrations_->Get(caller_, id)).value();
  }

  std::shared_ptr<storage::NamespaceStore> Target(const model::Migration& m) {
    auto store = storage_->OpenNamespace(TargetId(m));
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? *store : nullptr;
  }

  static std::string TargetId(const model::Migration& m) {
    const Value* v = m.additional_data.Get("target_namespace_id");
    return v != nullptr && v->is_string() ? v->as_string() : "";
  }

  // Everything observable in the source namespace, as one comparable string.
  std::string DumpSource() {
    std::string out;
    auto ns = storage_->catalog().GetNamespace(caller_.org_id, source_.ns.namespace_id).value();
    out += ns.namespace_name + "|" + std::to_string(ns.updated_at) + "\n";
    for (const auto& e : ns.feature_extractors) out += e.name + "@" + e.version + "\n";
    auto& s = *source_.store;
    for (const auto& b : Take(s.ListBuckets(kAll))) {
      out += "bucket " + b.bucket_id + " " + b.bucket_name + "\n";
      for (const auto& o : Take(s.ListObjects(b.bucket_id, kAll))) {
        out += "object " + o.object_id + " " + std::to_string(o.created_at) + " " +
               std::to_string(o.updated_at);
        for (const auto& bl : o.blobs) {
          out += " " + bl.property + "=" + model::EncodeValue(bl.data) + "#" +
                 bl.content_hash.value_or("");
        }
        out += "\n";
      }
    }
    for (const auto& c : Take(s.ListCollections(kAll))) {
      out += "collection " + c.collection_id + " " + c.extractor.id() + " " +
             model::EncodeValue(c.extractor.parameters) + "\n";
      for (const auto& d : Take(s.ListDocuments(c.collection_id, kAll, true))) {
        const auto& l = d.lineage;
        out += "doc " + d.document_id + " " + model::EncodeValue(d.fields) + " " + l.path + " " +
               l.root_object_id + " " + l.source_document_id.value_or("-") + " " +
               d.ingestion_status + " " + std::to_string(d.created_at);
        for (const auto& v : d.vectors) out += " " + v.feature_uri + ":" + VectorBytes(v.values);
        out += "\n";
      }
    }
    return out;
  }

  // Final state of every successful run.
  static void ExpectCompletedProgress(const model::Migration& m) {
    EXPECT_EQ(m.status, MigrationStatus::kCompleted) << m.error_message.value_or("");
    EXPECT_DOUBLE_EQ(m.progress.overall_progress_percent, 100);
    ASSERT_EQ(m.progress.stages.size(), 7u);
    for (const auto& s : m.progress.stages) {
      SCOPED_TRACE(model::MigrationStageName(s.stage));
      EXPECT_EQ(s.status, MigrationStatus::kCompleted);
      EXPECT_EQ(s.items_completed + s.items_failed, s.items_total);
    }
  }

  service::Caller caller_{"org_test"};
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
  model::Collection sentences_;
  model::Collection chained_;
  std::vector<std::string> object_ids_;
};

TEST_F(MigrationRunnerTest, CopyCopiesEverythingWithMappedIds) {
  MakeSource();
  std::string before = DumpSource();
  model::Migration m = Run(Config(MigrationType::kCopy));
  ExpectCompletedProgress(m);
  const std::string& mig = m.migration_id;
  EXPECT_EQ(TargetId(m), MapId(mig, source_.ns.namespace_id, false));
  auto target = Target(m);
  ASSERT_NE(target, nullptr);

  // Objects: same blobs, mapped ids.
  const std::string target_bucket = MapId(mig, bucket_.bucket_id, false);
  ASSERT_EQ(target->CountObjects(target_bucket).value(), kObjects);
  for (const auto& id : object_ids_) {
    auto src = source_.store->GetObject(bucket_.bucket_id, id).value();
    auto dst = target->GetObject(target_bucket, MapId(mig, id, false));
    ASSERT_TRUE(dst.ok()) << id;
    ASSERT_EQ(dst->blobs.size(), src.blobs.size());
    EXPECT_EQ(dst->blobs[0].data, src.blobs[0].data);
  }
  // Documents: same vectors byte for byte and feature URIs; lineage in target ids.
  for (const auto* c : {&sentences_, &chained_}) {
    const std::string target_col = MapId(mig, c->collection_id, false);
    auto docs = source_.store->ListDocuments(c->collection_id, kAll, true).value();
    EXPECT_EQ(target->CountDocuments(target_col).value(), static_cast<int64_t>(docs.size()));
    for (const auto& d : docs) {
      auto t = target->GetDocument(target_col, MapId(mig, d.document_id, false), true);
      ASSERT_TRUE(t.ok()) << d.document_id;
      ASSERT_EQ(t->vectors.size(), d.vectors.size());
      for (size_t i = 0; i < d.vectors.size(); ++i) {
        EXPECT_EQ(t->vectors[i].feature_uri, d.vectors[i].feature_uri);
        EXPECT_EQ(VectorBytes(t->vectors[i].values), VectorBytes(d.vectors[i].values));
      }
      EXPECT_EQ(t->fields, d.fields);
      const auto& sl = d.lineage;
      const auto& tl = t->lineage;
      EXPECT_EQ(tl.root_object_id, MapId(mig, sl.root_object_id, false));
      EXPECT_EQ(tl.root_bucket_id, target_bucket);
      if (c == &sentences_) {
        EXPECT_EQ(tl.source_object_id, MapId(mig, *sl.source_object_id, false));
        EXPECT_EQ(tl.path, target_bucket + "/" + target_col);
      } else {
        const std::string target_src_col = MapId(mig, sentences_.collection_id, false);
        EXPECT_EQ(tl.source_document_id, MapId(mig, *sl.source_document_id, false));
        EXPECT_EQ(tl.source_collection_id, target_src_col);
        EXPECT_EQ(tl.path, target_bucket + "/" + target_src_col + "/" + target_col);
        EXPECT_TRUE(target->GetDocument(target_src_col, *tl.source_document_id, false).ok());
      }
    }
  }
  const Value* mapping = m.additional_data.Get("id_mapping");
  ASSERT_NE(mapping, nullptr);
  for (const std::string& id :
       {bucket_.bucket_id, sentences_.collection_id, chained_.collection_id}) {
    ASSERT_NE(mapping->Get(id), nullptr) << id;
    EXPECT_EQ(mapping->Get(id)->as_string(), MapId(mig, id, false));
  }
  const auto& processing = m.progress.stages[static_cast<int>(MigrationStage::kBatchProcessing)];
  EXPECT_EQ(processing.items_total, kObjects + 4 * kObjects);
  EXPECT_EQ(DumpSource(), before);
}

TEST_F(MigrationRunnerTest, ReExtractRebuildsCollectionsWithTheNewVersion) {
  MakeSource();
  std::string before = DumpSource();
  model::Migration m = Run(Config(MigrationType::kReExtract));
  ExpectCompletedProgress(m);
  auto target = Target(m);
  ASSERT_NE(target, nullptr);
  const std::string target_src_col = MapId(m.migration_id, sentences_.collection_id, false);
  const std::string target_chained = MapId(m.migration_id, chained_.collection_id, false);
  auto ns = storage_->catalog().GetNamespace(caller_.org_id, TargetId(m));
  ASSERT_TRUE(ns.ok());
  ASSERT_EQ(ns->feature_extractors.size(), 1u);
  EXPECT_EQ(ns->feature_extractors[0].version, "v2");

  const auto* v2 = extractors_->Find("text_extractor", "v2");
  for (const auto& col : {target_src_col, target_chained}) {
    auto c = target->GetCollection(col);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->extractor.version, "v2");
    auto docs = target->ListDocuments(col, kAll, true).value();
    EXPECT_EQ(static_cast<int64_t>(docs.size()), 2 * kObjects) << col;
    for (const auto& d : docs) {
      ASSERT_EQ(d.vectors.size(), 1u);
      EXPECT_EQ(d.vectors[0].feature_uri, kV2Uri);
      EXPECT_EQ(d.vectors[0].values.size(), 384u);
      extract::ExtractorInput in;
      in.text = d.fields.Get("text")->as_string();
      auto expected = v2->Extract(in, v2->info().default_parameters);
      ASSERT_TRUE(expected.ok());
      EXPECT_EQ(VectorBytes(d.vectors[0].values), VectorBytes((*expected)[0].embedding));
    }
  }
  // The chained collection was rebuilt from the rebuilt source, not copied.
  for (const auto& d : Take(target->ListDocuments(target_chained, kAll, false))) {
    ASSERT_TRUE(d.lineage.source_document_id.has_value());
    EXPECT_EQ(d.lineage.source_collection_id, target_src_col);
    EXPECT_TRUE(target->GetDocument(target_src_col, *d.lineage.source_document_id, false).ok())
        << *d.lineage.source_document_id;
    EXPECT_EQ(d.document_id,
              service::DocumentIdFor(target_chained, *d.lineage.source_document_id, 0));
  }
  EXPECT_EQ(DumpSource(), before);
}

TEST_F(MigrationRunnerTest, ExtendAddsNewVectorsBesideTheOldOnes) {
  MakeSource();
  std::string before = DumpSource();
  model::Migration m = Run(Config(MigrationType::kExtend));
  ExpectCompletedProgress(m);
  auto target = Target(m);
  ASSERT_NE(target, nullptr);
  for (const auto* c : {&sentences_, &chained_}) {
    const std::string col = MapId(m.migration_id, c->collection_id, false);
    auto docs = source_.store->ListDocuments(c->collection_id, kAll, true).value();
    EXPECT_EQ(target->CountDocuments(col).value(), static_cast<int64_t>(docs.size()));
    for (const auto& d : docs) {
      auto t = target->GetDocument(col, MapId(m.migration_id, d.document_id, false), true);
      ASSERT_TRUE(t.ok());
      const auto* v1 = FindVector(*t, kV1Uri);
      const auto* v2 = FindVector(*t, kV2Uri);
      ASSERT_NE(v1, nullptr);
      ASSERT_NE(v2, nullptr);
      EXPECT_EQ(VectorBytes(v1->values), VectorBytes(FindVector(d, kV1Uri)->values));
      EXPECT_EQ(v2->values.size(), 384u);
    }
  }
  EXPECT_EQ(DumpSource(), before);
}

TEST_F(MigrationRunnerTest, PreserveResourceIdsKeepsSourceIds) {
  MakeSource();
  std::string before = DumpSource();
  auto config = Config(MigrationType::kCopy);
  config.preserve_resource_ids = true;
  model::Migration m = Run(config);
  ExpectCompletedProgress(m);
  auto target = Target(m);
  ASSERT_NE(target, nullptr);
  EXPECT_NE(TargetId(m), source_.ns.namespace_id);
  EXPECT_TRUE(target->GetBucket(bucket_.bucket_id).ok());
  for (const auto& id : object_ids_) EXPECT_TRUE(target->GetObject(bucket_.bucket_id, id).ok());
  for (const auto* c : {&sentences_, &chained_}) {
    EXPECT_TRUE(target->GetCollection(c->collection_id).ok());
    for (const auto& d : Take(source_.store->ListDocuments(c->collection_id, kAll, false))) {
      auto t = target->GetDocument(c->collection_id, d.document_id, false);
      ASSERT_TRUE(t.ok()) << d.document_id;
      EXPECT_EQ(t->lineage.root_object_id, d.lineage.root_object_id);
      EXPECT_EQ(t->lineage.path, d.lineage.path);
    }
  }
  EXPECT_EQ(m.additional_data.GetPath("id_mapping")->Get(bucket_.bucket_id)->as_string(),
            bucket_.bucket_id);
  EXPECT_EQ(DumpSource(), before);
}

TEST_F(MigrationRunnerTest, DryRunWritesNothing) {
  MakeSource();
  std::string before = DumpSource();
  int64_t namespaces = storage_->catalog().CountNamespaces(caller_.org_id).value();
  auto config = Config(MigrationType::kReExtract);
  config.dry_run = true;
  model::Migration m = Run(config);
  EXPECT_EQ(m.status, MigrationStatus::kCompleted) << m.error_message.value_or("");
  const Value* dry = m.additional_data.Get("dry_run");
  ASSERT_NE(dry, nullptr);
  EXPECT_TRUE(dry->as_bool());
  ASSERT_FALSE(TargetId(m).empty());
  EXPECT_EQ(storage_->catalog().GetNamespace(caller_.org_id, TargetId(m)).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(storage_->OpenNamespace(TargetId(m)).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(storage_->catalog().CountNamespaces(caller_.org_id).value(), namespaces);
  EXPECT_TRUE(storage_->catalog().ListMigrationBatches(m.migration_id, 0, 10).value().empty());
  EXPECT_EQ(DumpSource(), before);
}

TEST_F(MigrationRunnerTest, CancelDuringBatchProcessingStopsPromptly) {
  MakeSource();
  auto config = Config(MigrationType::kCopy);
  std::string id = CreateDraft(config);
  auto& faults = storage_->Faults(MapId(id, source_.ns.namespace_id, false));
  faults.CloseGate();
  ASSERT_TRUE(migrations_->Start(caller_, id, false).ok());
  faults.WaitUntilBlocked(1);  // a worker is inside UpsertDocuments of the target
  auto cancelled = migrations_->Cancel(caller_, id, std::string("test"));
  faults.OpenGate();
  runner_->WaitIdle();
  ASSERT_TRUE(cancelled.ok()) << cancelled.status().ToString();
  EXPECT_EQ(cancelled->status, MigrationStatus::kCancelled);

  model::Migration m = std::move(migrations_->Get(caller_, id)).value();
  EXPECT_EQ(m.status, MigrationStatus::kCancelled);
  const auto& stages = m.progress.stages;
  EXPECT_EQ(stages[static_cast<int>(MigrationStage::kBatchProcessing)].status,
            MigrationStatus::kCancelled);
  for (int s = static_cast<int>(MigrationStage::kClusterExecution); s < 7; ++s) {
    EXPECT_NE(stages[s].status, MigrationStatus::kCompleted) << s;
  }
  // Only the calls already running (one per worker) went through; 20 document batches
  // were planned.
  EXPECT_LE(faults.document_upserts(), config.batch_options->max_workers);
  auto task = storage_->catalog().GetTask(caller_.org_id, *m.task_id);
  ASSERT_TRUE(task.ok());
  EXPECT_EQ(task->status, model::TaskStatus::kCanceled);
}

TEST_F(MigrationRunnerTest, BatchThatFailsOnceSucceedsOnRetry) {
  MakeSource();
  auto config = Config(MigrationType::kCopy);
  std::string id = CreateDraft(config);
  const std::string target_id = MapId(id, source_.ns.namespace_id, false);
  storage_->Faults(target_id).FailNextObjectUpserts(1, Status::Unavailable("injected"));
  storage_->Faults(target_id).FailNextDocumentUpserts(1, Status::Unavailable("injected"));
  ASSERT_TRUE(migrations_->Start(caller_, id, false).ok());
  runner_->WaitIdle();
  model::Migration m = std::move(migrations_->Get(caller_, id)).value();
  ExpectCompletedProgress(m);
  auto plan = storage_->catalog().ListMigrationBatches(id, 0, 1000).value();
  int retried = 0;
  for (const auto& b : plan) {
    EXPECT_EQ(b.status, "completed") << b.batch_no;
    EXPECT_TRUE(b.attempts == 1 || b.attempts == 2) << b.attempts;
    retried += b.attempts == 2 ? 1 : 0;
  }
  EXPECT_EQ(retried, 2);  // one object batch, one document batch
  auto target = Target(m);
  ASSERT_NE(target, nullptr);
  EXPECT_EQ(target->CountObjects(MapId(id, bucket_.bucket_id, false)).value(), kObjects);
  EXPECT_EQ(target->CountDocuments(MapId(id, chained_.collection_id, false)).value(), 2 * kObjects);
}

// STYLE.md: whether a step is retried depends only on its code (IsRetryable). A batch
// that fails with a non-retryable code (DataLoss) must not be run again.
TEST_F(MigrationRunnerTest, NonRetryableBatchErrorIsNotRetried) {
  MakeSource();
  auto config = Config(MigrationType::kCopy);
  std::string id = CreateDraft(config);
  storage_->Faults(MapId(id, source_.ns.namespace_id, false))
      .FailNextObjectUpserts(1, Status::DataLoss("injected corruption"));
  ASSERT_TRUE(migrations_->Start(caller_, id, false).ok());
  runner_->WaitIdle();
  model::Migration m = std::move(migrations_->Get(caller_, id)).value();
  EXPECT_EQ(m.status, MigrationStatus::kFailed);
  EXPECT_NE(m.error_message.value_or("").find("injected corruption"), std::string::npos)
      << m.error_message.value_or("");
  for (const auto& b : Take(storage_->catalog().ListMigrationBatches(id, 0, 1000))) {
    EXPECT_LE(b.attempts, 1) << "batch " << b.batch_no << " was retried after a DataLoss";
  }
}

TEST_F(MigrationRunnerTest, BatchFailureWithoutRetryFailsTheMigration) {
  MakeSource();
  auto config = Config(MigrationType::kCopy);
  config.batch_options->retry_failed = false;
  std::string id = CreateDraft(config);
  storage_->Faults(MapId(id, source_.ns.namespace_id, false))
      .FailNextDocumentUpserts(1, Status::Unavailable("injected"));
  ASSERT_TRUE(migrations_->Start(caller_, id, false).ok());
  runner_->WaitIdle();
  model::Migration m = std::move(migrations_->Get(caller_, id)).value();
  EXPECT_EQ(m.status, MigrationStatus::kFailed);
  ASSERT_TRUE(m.error_message.has_value());
  auto plan = storage_->catalog().ListMigrationBatches(id, 0, 1000).value();
  std::vector<model::MigrationBatch> failed;
  for (const auto& b : plan) {
    if (b.status == "failed") failed.push_back(b);
  }
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].attempts, 1);
  EXPECT_EQ(failed[0].error, "injected");
  EXPECT_NE(m.error_message->find("batch " + std::to_string(failed[0].batch_no) + " of " +
                                  failed[0].resource_id),
            std::string::npos)
      << *m.error_message;
  EXPECT_NE(m.error_message->find("injected"), std::string::npos) << *m.error_message;
  EXPECT_EQ(m.progress.stages[static_cast<int>(MigrationStage::kBatchProcessing)].status,
            MigrationStatus::kFailed);
  EXPECT_NE(m.progress.stages[static_cast<int>(MigrationStage::kFinalization)].status,
            MigrationStatus::kCompleted);
}

TEST_F(MigrationRunnerTest, DiskFullFailsTheMigrationWithoutTouchingTheSource) {
  MakeSource();
  std::string before = DumpSource();
  auto config = Config(MigrationType::kCopy);
  config.batch_options->retry_failed = false;
  std::string id = CreateDraft(config);
  storage_->Faults(MapId(id, source_.ns.namespace_id, false)).SetDiskFull(true);
  ASSERT_TRUE(migrations_->Start(caller_, id, false).ok());
  runner_->WaitIdle();
  model::Migration m = std::move(migrations_->Get(caller_, id)).value();
  EXPECT_EQ(m.status, MigrationStatus::kFailed);
  EXPECT_NE(m.error_message.value_or("").find("disk full"), std::string::npos)
      << m.error_message.value_or("");
  EXPECT_EQ(DumpSource(), before);
}

TEST_F(MigrationRunnerTest, DateRangeMovesOnlyItemsCreatedInRange) {
  constexpr TimestampMs kBase = 1'700'000'000'000;
  MakeSource([](int i) { return kBase + i * 1000; });
  std::string before = DumpSource();
  auto config = Config(MigrationType::kCopy);
  model::ResourceFilter filter;
  filter.after = kBase + 5 * 1000;    // inclusive: objects 5…14
  filter.before = kBase + 15 * 1000;  // exclusive
  config.filters = filter;
  model::Migration m = Run(config);
  ExpectCompletedProgress(m);
  auto target = Target(m);
  ASSERT_NE(target, nullptr);
  const std::string& mig = m.migration_id;
  const std::string target_bucket = MapId(mig, bucket_.bucket_id, false);
  std::set<std::string> expected_objects;
  for (int i = 5; i < 15; ++i) expected_objects.insert(MapId(mig, object_ids_[i], false));
  std::set<std::string> moved;
  for (const auto& o : Take(target->ListObjects(target_bucket, kAll))) moved.insert(o.object_id);
  EXPECT_EQ(moved, expected_objects);
  for (const auto* c : {&sentences_, &chained_}) {
    auto docs = target->ListDocuments(MapId(mig, c->collection_id, false), kAll, false).value();
    EXPECT_EQ(docs.size(), 2u * 10u);
    for (const auto& d : docs) {
      EXPECT_EQ(expected_objects.count(d.lineage.root_object_id), 1u) << d.document_id;
      EXPECT_GE(d.created_at, *filter.after);
      EXPECT_LT(d.created_at, *filter.before);
    }
  }
  EXPECT_EQ(DumpSource(), before);
}

// Regression (SIGKILL crash test): batch_creation writes the plan in groups, and a run
// killed between two groups left part of a plan, which the resumed run kept — the items
// of the missing batches were never moved and verification failed.
TEST_F(MigrationRunnerTest, ResumeAfterACrashInBatchCreationPlansAgain) {
  MakeSource();
  std::string id = CreateDraft(Config(MigrationType::kCopy));
  runner_->Shutdown();  // the start is recorded, but the process "dies" before running it
  EXPECT_EQ(migrations_->Start(caller_, id, false).status().code(), StatusCode::kUnavailable);
  model::MigrationBatch first;  // what the first flush of the plan wrote
  first.migration_id = id;
  first.batch_no = 1;
  first.resource_id = bucket_.bucket_id;
  first.item_ids.assign(object_ids_.begin(), object_ids_.begin() + 5);
  ASSERT_TRUE(storage_->catalog().InsertMigrationBatches({first}).ok());

  MigrationRunner restarted(*deps_, *validator_);
  ASSERT_TRUE(restarted.Recover().ok());
  restarted.WaitIdle();
  model::Migration m = std::move(migrations_->Get(caller_, id)).value();
  ExpectCompletedProgress(m);
  EXPECT_EQ(m.progress.stages[static_cast<int>(MigrationStage::kBatchProcessing)].items_total,
            kObjects + 4 * kObjects);  // objects, and two sentences per object twice
  auto target = Target(m);
  ASSERT_NE(target, nullptr);
  EXPECT_EQ(target->CountObjects(MapId(id, bucket_.bucket_id, false)).value(), kObjects);
  EXPECT_EQ(target->CountDocuments(MapId(id, chained_.collection_id, false)).value(), 2 * kObjects);
}

// Regression (SIGKILL crash test): a resumed batch_processing stage started again from
// items_completed = 0 and added the batches finished before the restart only at its end,
// so GET showed the count (and the stage's percent) going backwards for the whole stage.
TEST_F(MigrationRunnerTest, ResumedBatchProcessingCountsFinishedBatchesFromItsStart) {
  MakeSource();
  std::string id = CreateDraft(Config(MigrationType::kCopy));
  auto& faults = storage_->Faults(MapId(id, source_.ns.namespace_id, false));
  faults.CloseGate();
  ASSERT_TRUE(migrations_->Start(caller_, id, false).ok());
  faults.WaitUntilBlocked(1);                      // objects are copied; documents wait at the gate
  std::thread stop([&] { runner_->Shutdown(); });  // pauses the run at an item boundary
  faults.OpenGate();
  stop.join();
  int64_t done = 0;
  for (const auto& b : Take(storage_->catalog().ListMigrationBatches(id, 0, 1000))) {
    if (b.status == "completed") done += static_cast<int64_t>(b.item_ids.size());
  }
  ASSERT_GE(done, kObjects);

  faults.CloseGate();
  MigrationRunner restarted(*deps_, *validator_);
  ASSERT_TRUE(restarted.Recover().ok());
  faults.WaitUntilBlocked(1);  // the resumed stage is running; nothing new has finished
  model::Migration during = std::move(migrations_->Get(caller_, id)).value();
  const auto& stage = during.progress.stages[static_cast<int>(MigrationStage::kBatchProcessing)];
  EXPECT_EQ(stage.status, MigrationStatus::kInProgress);
  EXPECT_EQ(stage.items_completed, done);
  faults.OpenGate();
  restarted.WaitIdle();
  ExpectCompletedProgress(std::move(migrations_->Get(caller_, id)).value());
}

// Regression (SIGKILL crash test): a process killed inside Start left the migration in
// validating, which Recover skipped: it could then neither run nor be started again.
TEST_F(MigrationRunnerTest, StartInterruptedWhileValidatingBecomesADraftAgain) {
  MakeSource();
  std::string id = CreateDraft(Config(MigrationType::kCopy));
  model::Migration m = std::move(migrations_->Get(caller_, id)).value();
  m.status = MigrationStatus::kValidating;  // what Start persists before validating
  ASSERT_TRUE(storage_->catalog().UpdateMigration(m).ok());

  MigrationRunner restarted(*deps_, *validator_);
  ASSERT_TRUE(restarted.Recover().ok());
  EXPECT_EQ(std::move(migrations_->Get(caller_, id)).value().status, MigrationStatus::kDraft);
  ASSERT_TRUE(migrations_->Start(caller_, id, false).ok());
  runner_->WaitIdle();
  ExpectCompletedProgress(std::move(migrations_->Get(caller_, id)).value());
}

}  // namespace
}  // namespace ferry::migration
