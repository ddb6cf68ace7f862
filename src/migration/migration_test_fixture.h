#pragma once
// The fixture of the migration runner tests: end-to-end migration runs on the real
// embedded storage (wrapped in the fault-injecting engine) and the built-in extractors.
// A source namespace with one bucket of text objects, a chunking text_extractor@v1
// collection over it and a collection chained to that one, documents made by the real
// BatchRunner.

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <set>

#include "migration/migration_runner.h"
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

namespace ferry::migration::testing_support {

using model::MigrationStage;
using model::MigrationStatus;
using model::MigrationType;
using model::Value;

inline constexpr int kObjects = 25;
inline constexpr const char* kV1Uri = "mixpeek://text_extractor@v1/embedding";
inline constexpr const char* kV2Uri = "mixpeek://text_extractor@v2/embedding";
inline const model::Page kAll{0, 1'000'000};

inline std::string VectorBytes(const std::vector<float>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
}

// The value of a listing (by value, so it can feed a range-for safely).
template <typename T>
T Take(Result<T> r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : T{};
}

inline const model::FeatureVector* FindVector(const model::Document& d, const std::string& uri) {
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

}  // namespace ferry::migration::testing_support
