// Cluster executions: k-means recovers well separated groups, metrics, artifacts,
// enrichment, bad configurations, and the background execution through a task.
#include "service/cluster_service.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <random>
#include <set>

#include "extract/extractor.h"
#include "service/cluster_engine.h"
#include "storage/sqlite/sqlite_storage_engine.h"

namespace ferry::service {
namespace {

using model::Value;

constexpr char kUri[] = "mixpeek://text_extractor@v1/embedding";
constexpr size_t kDim = 8;

// Three tight groups around far-apart centres; group of point i is i % 3.
std::vector<float> GroupPoint(int i, std::mt19937& rng) {
  std::normal_distribution<float> noise(0.0f, 0.05f);
  std::vector<float> v(kDim);
  for (size_t d = 0; d < kDim; ++d) v[d] = noise(rng);
  v[static_cast<size_t>(i % 3)] += 10.0f;
  return v;
}

std::string DocId(int i) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "doc_%04d", i);
  return buf;
}

class ClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ferry_cluster_test_XXXXXX";
    dir_ = mkdtemp(tmpl);
    storage_ = std::move(storage::sqlite::SqliteStorageEngine::Open(dir_)).value();
    extractors_ = extract::ExtractorRegistry::CreateBuiltin();
    deps_ = std::make_unique<ServiceDeps>(ServiceDeps{*storage_, *extractors_, clock_, logger_});
    model::Organization org{"org_1", "one", 1};
    ASSERT_TRUE(storage_->catalog().InsertOrganization(org).ok());
    ASSERT_TRUE(storage_->CreateNamespaceData("ns_test").ok());
    h_.ns.namespace_id = "ns_test";
    h_.ns.org_id = "org_1";
    h_.store = std::move(storage_->OpenNamespace("ns_test")).value();
    for (const char* id : {"col_a", "col_b"}) {
      model::Collection c;
      c.collection_id = id;
      c.collection_name = id;
      c.extractor = {"text_extractor", "v1", {}, {}, {}, false};
      ASSERT_TRUE(h_.store->InsertCollection(c).ok());
    }
  }
  void TearDown() override {
    h_.store.reset();
    storage_->Close();
    std::filesystem::remove_all(dir_);
  }

  // Documents [0, n): even ones in col_a, odd ones in col_b; remembers each one's group.
  void AddGroupedDocs(int n) {
    std::mt19937 rng(7);
    std::vector<model::Document> docs;
    for (int i = 0; i < n; ++i) {
      model::Document d;
      d.document_id = DocId(i);
      d.collection_id = i % 2 == 0 ? "col_a" : "col_b";
      d.fields = Value(model::ValueObject{});
      d.fields.mutable_object().Set("title", "t" + std::to_string(i));
      d.created_at = d.updated_at = i;
      d.vectors.push_back({kUri, GroupPoint(i, rng)});
      group_[d.document_id] = i % 3;
      title_[d.document_id] = "t" + std::to_string(i);
      docs.push_back(std::move(d));
    }
    ASSERT_TRUE(h_.store->UpsertDocuments(docs).ok());
  }

  model::Cluster NewCluster(int64_t k) {
    model::Cluster c;
    c.cluster_id = "clust_1";
    c.cluster_name = "groups";
    c.collection_ids = {"col_a", "col_b"};
    c.feature_uris = {kUri};
    c.normalize_features = false;
    model::ValueObject params;
    params.Set("n_clusters", k);
    c.algorithm_params = Value(std::move(params));
    c.enrich_source_collection = true;
    c.metadata = Value(model::ValueObject{});
    return c;
  }

  // True when the members' clusters are exactly the true groups (same partition).
  void ExpectRecoversGroups(const std::vector<ClusterMember>& members) {
    std::map<uint32_t, std::set<int>> groups_of_cluster;
    std::map<int, std::set<uint32_t>> clusters_of_group;
    for (const auto& m : members) {
      groups_of_cluster[m.centroid].insert(group_.at(m.document_id));
      clusters_of_group[group_.at(m.document_id)].insert(m.centroid);
    }
    EXPECT_EQ(groups_of_cluster.size(), 3u);
    for (const auto& [c, groups] : groups_of_cluster) EXPECT_EQ(groups.size(), 1u) << c;
    for (const auto& [g, clusters] : clusters_of_group) EXPECT_EQ(clusters.size(), 1u) << g;
  }

  std::string dir_;
  std::unique_ptr<storage::StorageEngine> storage_;
  std::unique_ptr<extract::ExtractorRegistry> extractors_;
  SystemClock clock_;
  Logger logger_{LogLevel::kError};
  std::unique_ptr<ServiceDeps> deps_;
  NamespaceHandle h_;
  std::map<std::string, int> group_;
  std::map<std::string, std::string> title_;
};

TEST_F(ClusterTest, KMeansRecoversWellSeparatedGroupsWithGoodMetrics) {
  AddGroupedDocs(60);
  auto points = GatherClusterPoints(*h_.store, NewCluster(3));
  ASSERT_TRUE(points.ok()) << points.status().message();
  EXPECT_EQ(points->members.size(), 60u);
  EXPECT_EQ(points->dimension, kDim);
  KMeansConfig config;
  config.n_clusters = 3;
  auto out = ComputeClusters(*points, config);
  ASSERT_TRUE(out.ok()) << out.status().message();
  ExpectRecoversGroups(out->members);
  const auto& e = out->execution;
  EXPECT_EQ(e.num_clusters, 3);
  EXPECT_EQ(e.num_points, 60);
  ASSERT_EQ(e.centroids.size(), 3u);
  int64_t total = 0;
  for (size_t c = 0; c < 3; ++c) {
    EXPECT_EQ(e.centroids[c].cluster_id, "cl_" + std::to_string(c));
    EXPECT_EQ(e.centroids[c].label, "Cluster " + std::to_string(c));
    EXPECT_EQ(e.centroids[c].vector.size(), kDim);
    total += e.centroids[c].num_members;
  }
  EXPECT_EQ(total, 60);
  // Numbered by first member: the first gathered document is in cl_0.
  EXPECT_EQ(out->members.front().centroid, 0u);
  ASSERT_TRUE(e.silhouette_score.has_value());
  EXPECT_GT(*e.silhouette_score, 0.9);
  ASSERT_TRUE(e.davies_bouldin_index.has_value());
  EXPECT_LT(*e.davies_bouldin_index, 0.1);
  ASSERT_TRUE(e.calinski_harabasz_score.has_value());
  EXPECT_GT(*e.calinski_harabasz_score, 1000.0);
}

TEST_F(ClusterTest, SameInputAndSeedGiveTheSameClustering) {
  AddGroupedDocs(30);
  KMeansConfig config;
  config.n_clusters = 3;
  auto points = GatherClusterPoints(*h_.store, NewCluster(3));
  ASSERT_TRUE(points.ok());
  auto a = ComputeClusters(*points, config);
  auto b = ComputeClusters(*points, config);
  ASSERT_TRUE(a.ok() && b.ok());
  for (size_t i = 0; i < a->members.size(); ++i) {
    EXPECT_EQ(a->members[i].centroid, b->members[i].centroid);
  }
  EXPECT_EQ(a->execution.centroids[0].vector, b->execution.centroids[0].vector);
}

TEST_F(ClusterTest, RunClusteringWritesArtifactsAndEnrichesDocuments) {
  AddGroupedDocs(30);
  auto out = RunClustering(*h_.store, storage_->blobs(), NewCluster(3), 5000);
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_EQ(out->execution.artifacts.size(), 2u);
  const auto& members = out->execution.artifacts[0];
  EXPECT_EQ(members.name, "members");
  auto bytes = storage_->blobs().Get(members.blob_hash);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(static_cast<int64_t>(bytes->size()), members.size_bytes);
  EXPECT_EQ(std::count(bytes->begin(), bytes->end(), '\n'), 31);
  EXPECT_NE(bytes->find("doc_0000\tcol_a\tcl_0\tCluster 0\t"), std::string::npos);
  auto centroids = storage_->blobs().Get(out->execution.artifacts[1].blob_hash);
  ASSERT_TRUE(centroids.ok());
  EXPECT_EQ(std::count(centroids->begin(), centroids->end(), '\n'), 4);

  std::map<std::string, std::string> label_of;
  for (const auto& m : out->members) {
    auto doc = h_.store->GetDocument(m.collection_id, m.document_id, false);
    ASSERT_TRUE(doc.ok());
    const Value* id = doc->fields.Get("cluster_id");
    const Value* label = doc->fields.Get("cluster_label");
    const Value* dist = doc->fields.Get("distance_to_centroid");
    ASSERT_TRUE(id && label && dist);
    EXPECT_EQ(id->as_string(), out->execution.centroids[m.centroid].cluster_id);
    EXPECT_EQ(label->as_string(), out->execution.centroids[m.centroid].label);
    EXPECT_NEAR(dist->as_double(), m.distance, 1e-9);
    EXPECT_EQ(doc->fields.Get("title")->as_string(), title_.at(m.document_id));
    EXPECT_EQ(doc->updated_at, 5000);
  }
}

TEST_F(ClusterTest, ClearClusterAssignmentsRemovesOnlyTheClusterFields) {
  AddGroupedDocs(12);
  model::Cluster c = NewCluster(3);
  ASSERT_TRUE(RunClustering(*h_.store, storage_->blobs(), c, 1).ok());
  int64_t cleared = 0;
  ASSERT_TRUE(ClearClusterAssignments(*h_.store, c, 2, &cleared).ok());
  EXPECT_EQ(cleared, 12);
  for (int i = 0; i < 12; ++i) {
    auto doc = h_.store->GetDocument(i % 2 == 0 ? "col_a" : "col_b", DocId(i), true);
    ASSERT_TRUE(doc.ok());
    EXPECT_EQ(doc->fields.Get("cluster_id"), nullptr);
    EXPECT_EQ(doc->fields.Get("cluster_label"), nullptr);
    EXPECT_EQ(doc->fields.Get("distance_to_centroid"), nullptr);
    EXPECT_EQ(doc->fields.Get("title")->as_string(), title_.at(DocId(i)));
    EXPECT_EQ(doc->vectors.size(), 1u);
  }
  ASSERT_TRUE(ClearClusterAssignments(*h_.store, c, 3, &cleared).ok());
  EXPECT_EQ(cleared, 0);
}

TEST_F(ClusterTest, EnrichmentFollowsFieldMappings) {
  AddGroupedDocs(9);
  model::Cluster c = NewCluster(3);
  model::ValueObject mapping;
  mapping.Set("source_field", "cluster_label");
  mapping.Set("target_field", "topic");
  model::ValueObject config;
  config.Set("field_mappings", Value(model::ValueArray{Value(std::move(mapping))}));
  c.source_enrichment_config = Value(std::move(config));
  ASSERT_TRUE(RunClustering(*h_.store, storage_->blobs(), c, 1).ok());
  auto doc = h_.store->GetDocument("col_a", DocId(0), false);
  ASSERT_TRUE(doc.ok());
  ASSERT_NE(doc->fields.Get("topic"), nullptr);
  EXPECT_EQ(doc->fields.Get("topic")->as_string(), "Cluster 0");
  EXPECT_EQ(doc->fields.Get("cluster_id"), nullptr);
}

TEST_F(ClusterTest, BadConfigurationsFailClearly) {
  AddGroupedDocs(4);
  auto too_many = RunClustering(*h_.store, storage_->blobs(), NewCluster(5), 1);
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(too_many.status().message().find("greater than the number of vectors (4)"),
            std::string::npos);

  model::Cluster missing = NewCluster(2);
  missing.feature_uris = {"mixpeek://image_extractor@v1/embedding"};
  auto none = RunClustering(*h_.store, storage_->blobs(), missing, 1);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(none.status().message().find("image_extractor@v1"), std::string::npos);

  model::Cluster gone = NewCluster(2);
  gone.collection_ids = {"col_gone"};
  EXPECT_EQ(RunClustering(*h_.store, storage_->blobs(), gone, 1).status().code(),
            StatusCode::kFailedPrecondition);

  model::ValidationIssues issues;
  model::ValueObject params;
  params.Set("n_clusters", 1);
  params.Set("tol", 0);
  ParseKMeansParams(Value(std::move(params)), {Value("p")}, &issues);
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].loc, (model::ValueArray{Value("p"), Value("n_clusters")}));
  EXPECT_EQ(issues[0].type, "greater_than_equal");
  EXPECT_EQ(issues[1].loc, (model::ValueArray{Value("p"), Value("tol")}));
}

TEST_F(ClusterTest, ExecuteRunsInTheBackgroundAndReportsThroughTheTask) {
  AddGroupedDocs(30);
  ClusterService service(*deps_);
  model::ValidationIssues issues;
  model::Cluster req = NewCluster(3);
  req.cluster_name.clear();
  req.collection_ids = {"col_a", "col_b"};
  auto created = service.Create(h_, req, &issues);
  ASSERT_TRUE(created.ok()) << created.status().message();
  EXPECT_EQ(created->cluster_name, created->cluster_id);
  auto task = service.Execute({"org_1"}, h_, created->cluster_id);
  ASSERT_TRUE(task.ok()) << task.status().message();
  EXPECT_EQ(task->task_type, "engine_cluster_build");
  service.WaitIdle();
  auto done = storage_->catalog().GetTask("org_1", task->task_id);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->status, model::TaskStatus::kCompleted) << done->error.value_or("");
  auto run = service.GetExecution(h_, created->cluster_id, std::nullopt);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->status, "completed");
  EXPECT_EQ(run->num_points, 30);
  EXPECT_EQ(run->task_id, task->task_id);
  auto cluster = service.Get(h_, created->cluster_id);
  ASSERT_TRUE(cluster.ok());
  EXPECT_EQ(cluster->status, model::TaskStatus::kCompleted);
  EXPECT_EQ(cluster->last_run_id, run->run_id);
  EXPECT_EQ(cluster->num_clusters, 3);

  // A run that cannot succeed (its collection was deleted since) fails its task.
  model::Cluster small = NewCluster(2);
  small.cluster_name = "small";
  small.feature_uris = {"mixpeek://text_extractor@v1/embedding"};
  small.collection_ids = {"col_a"};
  auto s = service.Create(h_, small, &issues);
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(h_.store->DeleteCollection("col_a").ok());
  auto failing = service.Execute({"org_1"}, h_, "small");
  ASSERT_TRUE(failing.ok());
  service.WaitIdle();
  auto failed = storage_->catalog().GetTask("org_1", failing->task_id);
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->status, model::TaskStatus::kFailed);
  EXPECT_NE(failed->error.value_or("").find("col_a"), std::string::npos);
  auto failed_run = service.GetExecution(h_, "small", std::nullopt);
  ASSERT_TRUE(failed_run.ok());
  EXPECT_EQ(failed_run->status, "failed");
  EXPECT_TRUE(failed_run->error_message.has_value());
}

TEST_F(ClusterTest, RecoverRunsExecutionsLeftUnfinishedByARestart) {
  AddGroupedDocs(12);
  model::ValidationIssues issues;
  std::string task_id;
  std::string cluster_id;
  {
    // A service that shuts down before its queued execution runs: its pool is stopped
    // first, so Execute records the task and the pending run but cannot queue it.
    ClusterService before(*deps_);
    auto c = before.Create(h_, NewCluster(3), &issues);
    ASSERT_TRUE(c.ok());
    cluster_id = c->cluster_id;
    before.Shutdown();
    auto task = before.Execute({"org_1"}, h_, cluster_id);
    ASSERT_EQ(task.status().code(), StatusCode::kUnavailable);
    auto cluster = h_.store->GetCluster(cluster_id);
    ASSERT_TRUE(cluster.ok());
    ASSERT_TRUE(cluster->last_task_id.has_value());
    task_id = *cluster->last_task_id;
  }
  auto pending = storage_->catalog().GetTask("org_1", task_id);
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->status, model::TaskStatus::kPending);
  ClusterService after(*deps_);
  ASSERT_TRUE(after.Recover().ok());
  after.WaitIdle();
  auto done = storage_->catalog().GetTask("org_1", task_id);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->status, model::TaskStatus::kCompleted) << done->error.value_or("");
  auto run = after.GetExecution(h_, cluster_id, std::nullopt);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->status, "completed");
  EXPECT_EQ(run->task_id, task_id);
}

TEST_F(ClusterTest, CreateRejectsUnknownCollectionsAndForeignFeatures) {
  ClusterService service(*deps_);
  model::ValidationIssues issues;
  model::Cluster req = NewCluster(3);
  req.collection_ids = {"col_a", "col_nope"};
  req.feature_uris = {"mixpeek://image_extractor@v1/embedding", "not a uri"};
  auto r = service.Create(h_, req, &issues);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  ASSERT_EQ(issues.size(), 3u);
  EXPECT_EQ(issues[0].loc,
            (model::ValueArray{Value("body"), Value("collection_ids"), Value(int64_t{1})}));
  EXPECT_EQ(issues[1].loc, (model::ValueArray{Value("body"), Value("vector_config"),
                                              Value("feature_uris"), Value(int64_t{0})}));
  EXPECT_EQ(issues[2].loc, (model::ValueArray{Value("body"), Value("vector_config"),
                                              Value("feature_uris"), Value(int64_t{1})}));
}

}  // namespace
}  // namespace ferry::service
