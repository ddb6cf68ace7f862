// Migrating clusters (DESIGN.md §2, ClusterOptions): a source namespace with one bucket
// of texts in two well separated groups, a text_extractor@v1 collection over it and a
// second one, and a cluster over the first, executed (enriching its documents) before
// the migration. Each test toggles one option and checks its effect on the target.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "migration/migration_runner.h"
#include "migration/migration_service.h"
#include "migration/run_context.h"
#include "service/batch_runner.h"
#include "service/batch_service.h"
#include "service/bucket_service.h"
#include "service/cluster_service.h"
#include "service/collection_service.h"
#include "service/namespace_service.h"
#include "storage/sqlite/sqlite_storage_engine.h"

namespace ferry::migration {
namespace {

using model::MigrationStage;
using model::MigrationStatus;
using model::MigrationType;
using model::Value;

constexpr const char* kV1Uri = "mixpeek://text_extractor@v1/embedding";
constexpr const char* kV2Uri = "mixpeek://text_extractor@v2/embedding";
const model::Page kAll{0, 1'000'000};
const char* const kTexts[] = {"apple banana cherry",   "banana cherry apple grape",
                              "cherry apple banana",   "apple cherry banana mango",
                              "quartz zinc xylophone", "zinc quartz xylophone jazz",
                              "xylophone zinc quartz", "jazz quartz zinc xylophone"};

class MigrationClustersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ferry_migration_clusters_test_XXXXXX";
    dir_ = mkdtemp(tmpl);
    storage_ = std::move(storage::sqlite::SqliteStorageEngine::Open(dir_)).value();
    extractors_ = extract::ExtractorRegistry::CreateBuiltin();
    deps_ = std::make_unique<service::ServiceDeps>(
        service::ServiceDeps{*storage_, *extractors_, clock_, logger_});
    validator_ = std::make_unique<MigrationValidator>(*deps_, speeds_);
    runner_ = std::make_unique<MigrationRunner>(*deps_, *validator_);
    migrations_ = std::make_unique<MigrationService>(*deps_, *validator_, *runner_);
    MakeSource();
  }

  void TearDown() override {
    runner_->Shutdown();
    migrations_.reset();
    runner_.reset();
    storage_->Close();
    std::filesystem::remove_all(dir_);
  }

  model::Collection MakeCollection(service::CollectionService& collections,
                                   const std::string& name) {
    model::ValidationIssues issues;
    model::CollectionCreate cc;
    cc.collection_name = name;
    cc.source.bucket_ids = {bucket_.bucket_id};
    cc.extractor.name = "text_extractor";
    cc.extractor.version = "v1";
    auto col = collections.Create(source_, cc, &issues);
    EXPECT_TRUE(col.ok()) << col.status().ToString();
    return *col;
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
    texts_ = MakeCollection(collections, "texts");
    other_ = MakeCollection(collections, "other");
    std::vector<std::string> object_ids;
    for (const char* text : kTexts) {
      model::ObjectCreate oc;
      model::BlobCreate blob;
      blob.property = "content";
      blob.type = model::FieldType::kText;
      blob.data = Value(text);
      oc.blobs.push_back(blob);
      auto o = buckets.CreateObject(source_, bucket_.bucket_id, oc, &issues);
      ASSERT_TRUE(o.ok()) << o.status().ToString();
      object_ids.push_back(o->object_id);
    }
    service::BatchRunner batch_runner(*deps_, 2);
    service::BatchService batches(*deps_, batch_runner);
    model::BatchCreate bcr;
    bcr.object_ids = object_ids;
    auto batch = batches.Create(source_, bucket_, bcr, &issues);
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    ASSERT_TRUE(batches.Submit(caller_, source_, bucket_, batch->batch_id).ok());
    batch_runner.WaitIdle();
    ASSERT_EQ(source_.store->CountDocuments(texts_.collection_id).value(), 8);

    service::ClusterService clusters(*deps_);
    model::Cluster req;
    req.cluster_name = "groups";
    req.collection_ids = {texts_.collection_id};
    req.feature_uris = {kV1Uri};
    model::ValueObject params;
    params.Set("n_clusters", 2);
    req.algorithm_params = Value(std::move(params));
    req.enrich_source_collection = true;
    auto made = clusters.Create(source_, req, &issues);
    ASSERT_TRUE(made.ok()) << made.status().ToString();
    auto task = clusters.Execute(caller_, source_, made->cluster_id);
    ASSERT_TRUE(task.ok()) << task.status().ToString();
    clusters.WaitIdle();
    cluster_ = std::move(source_.store->GetCluster(made->cluster_id)).value();
    ASSERT_EQ(cluster_.status, model::TaskStatus::kCompleted);
    ASSERT_TRUE(cluster_.last_run_id.has_value());
    source_run_ =
        std::move(source_.store->GetClusterExecution(cluster_.cluster_id, *cluster_.last_run_id))
            .value();
    ASSERT_EQ(source_run_.artifacts.size(), 2u);
  }

  model::MigrationConfig Config(MigrationType type = MigrationType::kCopy) {
    model::MigrationConfig c;
    c.migration_type = type;
    c.source_namespace_id = source_.ns.namespace_id;
    if (type != MigrationType::kCopy) {
      c.feature_extractors = std::vector<model::MigrationExtractor>{{"text_extractor", "v2", {}}};
    }
    c.cluster_options = model::ClusterOptions{};
    return c;
  }

  model::Migration Run(const model::MigrationConfig& config) {
    std::string message;
    auto m = migrations_->Create(caller_, config, false, &message);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    EXPECT_TRUE(m->validation_result->valid)
        << (m->validation_result->errors.empty() ? "" : m->validation_result->errors[0].msg);
    auto started = migrations_->Start(caller_, m->migration_id, /*force=*/true);
    EXPECT_TRUE(started.ok()) << started.status().ToString();
    runner_->WaitIdle();
    auto done = std::move(migrations_->Get(caller_, m->migration_id)).value();
    EXPECT_EQ(done.status, MigrationStatus::kCompleted) << done.error_message.value_or("");
    return done;
  }

  std::shared_ptr<storage::NamespaceStore> Target(const model::Migration& m) {
    const Value* v = m.additional_data.Get("target_namespace_id");
    EXPECT_NE(v, nullptr);
    auto store = storage_->OpenNamespace(v != nullptr ? v->as_string() : "");
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? *store : nullptr;
  }

  // The target's only cluster.
  model::Cluster TargetCluster(storage::NamespaceStore& target) {
    auto list = std::move(target.ListClusters(kAll)).value();
    EXPECT_EQ(list.size(), 1u);
    return list.empty() ? model::Cluster{} : list.front();
  }

  std::vector<model::Document> TargetDocs(storage::NamespaceStore& target,
                                          const model::Cluster& c) {
    EXPECT_EQ(c.collection_ids.size(), 1u);
    if (c.collection_ids.empty()) return {};
    return std::move(target.ListDocuments(c.collection_ids[0], kAll, true)).value();
  }

  static const model::StageProgress& ClusterStage(const model::Migration& m) {
    return m.progress.stages[static_cast<int>(MigrationStage::kClusterExecution)];
  }

  service::Caller caller_{"org_test"};
  std::string dir_;
  SystemClock clock_;
  Logger logger_{LogLevel::kError};
  std::unique_ptr<storage::StorageEngine> storage_;
  std::unique_ptr<extract::ExtractorRegistry> extractors_;
  std::unique_ptr<service::ServiceDeps> deps_;
  ExtractorSpeedTable speeds_;
  std::unique_ptr<MigrationValidator> validator_;
  std::unique_ptr<MigrationRunner> runner_;
  std::unique_ptr<MigrationService> migrations_;
  service::NamespaceHandle source_;
  model::Bucket bucket_;
  model::Collection texts_;
  model::Collection other_;
  model::Cluster cluster_;
  model::ClusterExecution source_run_;
};

TEST_F(MigrationClustersTest, DefaultsCopyDefinitionRunsCentroidsArtifactsAndAssignments) {
  model::Migration m = Run(Config());
  EXPECT_EQ(ClusterStage(m).items_total, 1);
  EXPECT_EQ(ClusterStage(m).items_completed, 1);
  auto target = Target(m);
  ASSERT_NE(target, nullptr);
  model::Cluster t = TargetCluster(*target);
  EXPECT_EQ(t.cluster_id, cluster_.cluster_id);  // preserve_cluster_ids defaults to true
  const Value* mapping = m.additional_data.Get("id_mapping");
  ASSERT_NE(mapping, nullptr);
  ASSERT_NE(mapping->Get(cluster_.cluster_id), nullptr);
  EXPECT_EQ(mapping->Get(cluster_.cluster_id)->as_string(), cluster_.cluster_id);
  EXPECT_EQ(t.collection_ids,
            std::vector<std::string>({MapId(m.migration_id, texts_.collection_id, false)}));
  EXPECT_EQ(t.feature_uris, std::vector<std::string>({kV1Uri}));
  EXPECT_EQ(t.status, model::TaskStatus::kCompleted);
  EXPECT_EQ(t.last_run_id, cluster_.last_run_id);
  EXPECT_EQ(t.num_clusters, 2);
  auto run = target->GetClusterExecution(t.cluster_id, *t.last_run_id);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  ASSERT_EQ(run->centroids.size(), 2u);
  EXPECT_EQ(run->centroids[0].vector, source_run_.centroids[0].vector);
  ASSERT_EQ(run->artifacts.size(), 2u);
  EXPECT_EQ(run->artifacts[0].blob_hash, source_run_.artifacts[0].blob_hash);
  auto docs = TargetDocs(*target, t);
  ASSERT_EQ(docs.size(), 8u);
  for (const auto& d : docs) {
    ASSERT_NE(d.fields.Get("cluster_id"), nullptr) << d.document_id;
    EXPECT_NE(d.fields.Get("cluster_label"), nullptr);
    EXPECT_NE(d.fields.Get("distance_to_centroid"), nullptr);
  }
}

TEST_F(MigrationClustersTest, PreserveClusterIdsFalseMapsTheId) {
  auto config = Config();
  config.cluster_options->preserve_cluster_ids = false;
  model::Migration m = Run(config);
  model::Cluster t = TargetCluster(*Target(m));
  EXPECT_NE(t.cluster_id, cluster_.cluster_id);
  EXPECT_EQ(t.cluster_id, MapId(m.migration_id, cluster_.cluster_id, false));
  EXPECT_EQ(t.cluster_name, cluster_.cluster_name);
  const Value* mapping = m.additional_data.Get("id_mapping");
  ASSERT_NE(mapping, nullptr);
  ASSERT_NE(mapping->Get(cluster_.cluster_id), nullptr);
  EXPECT_EQ(mapping->Get(cluster_.cluster_id)->as_string(), t.cluster_id);
}

TEST_F(MigrationClustersTest, PreserveCentroidsFalseDropsCentroidsButKeepsArtifacts) {
  auto config = Config();
  config.cluster_options->preserve_centroids = false;
  model::Migration m = Run(config);
  auto target = Target(m);
  model::Cluster t = TargetCluster(*target);
  auto runs = std::move(target->ListClusterExecutions(t.cluster_id, kAll)).value();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_TRUE(runs[0].centroids.empty());
  EXPECT_EQ(runs[0].artifacts.size(), 2u);
}

TEST_F(MigrationClustersTest, MigrateArtifactsFalseDropsArtifactReferences) {
  auto config = Config();
  config.cluster_options->migrate_artifacts = false;
  model::Migration m = Run(config);
  auto target = Target(m);
  model::Cluster t = TargetCluster(*target);
  auto runs = std::move(target->ListClusterExecutions(t.cluster_id, kAll)).value();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_TRUE(runs[0].artifacts.empty());
  EXPECT_EQ(runs[0].centroids.size(), 2u);
}

TEST_F(MigrationClustersTest, NeitherCentroidsNorArtifactsLeavesTheClusterUnrun) {
  auto config = Config();
  config.cluster_options->migrate_artifacts = false;
  config.cluster_options->preserve_centroids = false;
  model::Migration m = Run(config);
  auto target = Target(m);
  model::Cluster t = TargetCluster(*target);
  EXPECT_EQ(target->CountClusterExecutions(t.cluster_id).value(), 0);
  EXPECT_EQ(t.status, model::TaskStatus::kPending);
  EXPECT_FALSE(t.last_run_id.has_value());
}

TEST_F(MigrationClustersTest, PreserveAssignmentsFalseRemovesClusterFieldsFromTargetOnly) {
  auto config = Config();
  config.cluster_options->preserve_assignments = false;
  model::Migration m = Run(config);
  auto target = Target(m);
  model::Cluster t = TargetCluster(*target);
  auto docs = TargetDocs(*target, t);
  ASSERT_EQ(docs.size(), 8u);
  for (const auto& d : docs) {
    EXPECT_EQ(d.fields.Get("cluster_id"), nullptr) << d.document_id;
    EXPECT_EQ(d.fields.Get("cluster_label"), nullptr);
    EXPECT_EQ(d.fields.Get("distance_to_centroid"), nullptr);
  }
  auto source_docs = source_.store->ListDocuments(texts_.collection_id, kAll, false);
  ASSERT_TRUE(source_docs.ok());
  ASSERT_EQ(source_docs->size(), 8u);
  for (const auto& d : *source_docs) EXPECT_NE(d.fields.Get("cluster_id"), nullptr);
}

TEST_F(MigrationClustersTest, RecomputeAfterReExtractClustersTheNewVectors) {
  auto config = Config(MigrationType::kReExtract);
  config.cluster_options->recompute_clusters = true;
  model::Migration m = Run(config);
  EXPECT_EQ(ClusterStage(m).items_completed, 1);
  auto target = Target(m);
  model::Cluster t = TargetCluster(*target);
  EXPECT_EQ(t.feature_uris, std::vector<std::string>({kV2Uri}));
  EXPECT_EQ(t.status, model::TaskStatus::kCompleted);
  ASSERT_TRUE(t.last_run_id.has_value());
  EXPECT_NE(t.last_run_id, cluster_.last_run_id);
  auto run = target->GetClusterExecution(t.cluster_id, *t.last_run_id);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->status, "completed");
  EXPECT_EQ(run->num_points, 8);
  ASSERT_EQ(run->centroids.size(), 2u);
  const auto* v2 = extractors_->Find("text_extractor", "v2");
  ASSERT_NE(v2, nullptr);
  // Centroids live in the new embedding space.
  EXPECT_NE(run->centroids[0].vector.size(), source_run_.centroids[0].vector.size());
  // Documents were rebuilt and re-enriched by the new run; the groups still separate.
  auto docs = TargetDocs(*target, t);
  ASSERT_EQ(docs.size(), 8u);
  std::map<std::string, std::string> cluster_of;
  for (const auto& d : docs) {
    ASSERT_NE(d.fields.Get("cluster_id"), nullptr) << d.document_id;
    const Value* text = d.fields.Get("text");
    cluster_of[text != nullptr && text->is_string() ? text->as_string() : d.document_id] =
        d.fields.Get("cluster_id")->as_string();
  }
  std::set<std::string> a, b;
  for (int i = 0; i < 4; ++i) a.insert(cluster_of[kTexts[i]]);
  for (int i = 4; i < 8; ++i) b.insert(cluster_of[kTexts[i]]);
  EXPECT_EQ(a.size(), 1u);
  EXPECT_EQ(b.size(), 1u);
  EXPECT_NE(*a.begin(), *b.begin());
}

TEST_F(MigrationClustersTest, FailedRecomputationFailsItsItemNotTheMigration) {
  model::Cluster greedy = cluster_;
  model::ValueObject params;
  params.Set("n_clusters", 20);
  greedy.algorithm_params = Value(std::move(params));
  ASSERT_TRUE(source_.store->UpdateCluster(greedy).ok());
  auto config = Config();
  config.cluster_options->recompute_clusters = true;
  model::Migration m = Run(config);
  EXPECT_EQ(ClusterStage(m).items_completed, 0);
  EXPECT_EQ(ClusterStage(m).items_failed, 1);
  auto target = Target(m);
  model::Cluster t = TargetCluster(*target);
  EXPECT_EQ(t.status, model::TaskStatus::kFailed);
  auto runs = std::move(target->ListClusterExecutions(t.cluster_id, kAll)).value();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].status, "failed");
  EXPECT_NE(runs[0].error_message.value_or("").find("number of vectors (8)"), std::string::npos);
}

TEST_F(MigrationClustersTest, ReExtractWithoutRecomputeWarnsAndRewritesFeatureUris) {
  auto has_warning = [&](const model::MigrationConfig& config) {
    std::string message;
    auto draft = migrations_->Create(caller_, config, false, &message);
    EXPECT_TRUE(draft.ok());
    for (const auto& w : draft->validation_result->warnings) {
      if (w.type == "stale_clusters") return true;
    }
    return false;
  };
  auto config = Config(MigrationType::kReExtract);
  EXPECT_TRUE(has_warning(config));
  config.cluster_options->recompute_clusters = true;
  EXPECT_FALSE(has_warning(config));
  EXPECT_FALSE(has_warning(Config()));

  config.cluster_options->recompute_clusters = false;
  model::Migration m = Run(config);
  model::Cluster t = TargetCluster(*Target(m));
  EXPECT_EQ(t.feature_uris, std::vector<std::string>({kV2Uri}));
  EXPECT_EQ(t.last_run_id, cluster_.last_run_id);  // carried over, as warned
}

TEST_F(MigrationClustersTest, DryRunCountsClustersAndWritesNothing) {
  auto config = Config();
  config.dry_run = true;
  model::Migration m = Run(config);
  EXPECT_EQ(ClusterStage(m).items_total, 1);
  const Value* v = m.additional_data.Get("target_namespace_id");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(storage_->OpenNamespace(v->as_string()).status().code(), StatusCode::kNotFound);
}

TEST_F(MigrationClustersTest, ClusterIdsSelectionPullsInItsCollections) {
  auto config = Config();
  model::ResourceFilter filter;
  filter.cluster_ids = std::vector<std::string>{cluster_.cluster_id};
  config.filters = filter;
  model::Migration m = Run(config);
  ASSERT_TRUE(m.dependency_graph.has_value());
  EXPECT_EQ(
      m.dependency_graph->execution_order,
      std::vector<std::string>({bucket_.bucket_id, texts_.collection_id, cluster_.cluster_id}));
  auto target = Target(m);
  EXPECT_EQ(target->CountCollections().value(), 1);
  EXPECT_EQ(TargetCluster(*target).cluster_id, cluster_.cluster_id);

  // Without auto-include, the left-out collection is a validation error.
  config.filters->auto_include_dependencies = false;
  std::string message;
  auto draft = migrations_->Create(caller_, config, false, &message);
  ASSERT_TRUE(draft.ok());
  ASSERT_FALSE(draft->validation_result->valid);
  const auto& e = draft->validation_result->errors.front();
  EXPECT_EQ(e.type, "missing_dependency");
  EXPECT_NE(e.msg.find(texts_.collection_id), std::string::npos);
}

}  // namespace
}  // namespace ferry::migration
