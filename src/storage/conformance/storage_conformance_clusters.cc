// Conformance: clusters and their executions.

#include <string>
#include <vector>

#include "storage/conformance/storage_conformance.h"

namespace ferry::storage::testing {
namespace {

model::Cluster SampleCluster(const std::string& id, const std::string& name,
                             TimestampMs created_at) {
  model::Cluster c;
  c.cluster_id = id;
  c.cluster_name = name;
  c.description = "groups things";
  c.cluster_type = "vector";
  c.collection_ids = {"col_a", "col_b"};
  c.feature_uris = {"mixpeek://text_extractor@v1/embedding"};
  c.clustering_method = "kmeans";
  c.algorithm_params = SampleValue();
  c.multi_feature_strategy = "independent";
  c.normalize_features = false;
  c.effective_feature_method = "medoid";
  c.enrich_source_collection = true;
  c.source_enrichment_config = SampleValue();
  c.filters = SampleValue();
  c.llm_labeling = SampleValue();
  c.metadata = SampleValue();
  c.status = model::TaskStatus::kCompleted;
  c.last_task_id = "task_1";
  c.last_run_id = "run_1";
  c.num_clusters = 3;
  c.num_documents_clustered = 42;
  c.execution_time_seconds = 1.5;
  c.last_executed_at = created_at + 1;
  c.completed_at = created_at + 2;
  c.created_at = created_at;
  c.updated_at = created_at + 5;
  return c;
}

void ExpectSameCluster(const model::Cluster& want, const model::Cluster& got) {
  EXPECT_EQ(want.cluster_id, got.cluster_id);
  EXPECT_EQ(want.cluster_name, got.cluster_name);
  EXPECT_EQ(want.description, got.description);
  EXPECT_EQ(want.cluster_type, got.cluster_type);
  EXPECT_EQ(want.collection_ids, got.collection_ids);
  EXPECT_EQ(want.feature_uris, got.feature_uris);
  EXPECT_EQ(want.clustering_method, got.clustering_method);
  ExpectSameValue(want.algorithm_params, got.algorithm_params);
  EXPECT_EQ(want.multi_feature_strategy, got.multi_feature_strategy);
  EXPECT_EQ(want.normalize_features, got.normalize_features);
  EXPECT_EQ(want.effective_feature_method, got.effective_feature_method);
  EXPECT_EQ(want.enrich_source_collection, got.enrich_source_collection);
  ExpectSameValue(want.source_enrichment_config, got.source_enrichment_config);
  ExpectSameValue(want.filters, got.filters);
  ExpectSameValue(want.llm_labeling, got.llm_labeling);
  ExpectSameValue(want.metadata, got.metadata);
  EXPECT_EQ(want.status, got.status);
  EXPECT_EQ(want.last_task_id, got.last_task_id);
  EXPECT_EQ(want.last_run_id, got.last_run_id);
  EXPECT_EQ(want.num_clusters, got.num_clusters);
  EXPECT_EQ(want.num_documents_clustered, got.num_documents_clustered);
  EXPECT_EQ(want.execution_time_seconds, got.execution_time_seconds);
  EXPECT_EQ(want.last_executed_at, got.last_executed_at);
  EXPECT_EQ(want.completed_at, got.completed_at);
  EXPECT_EQ(want.created_at, got.created_at);
  EXPECT_EQ(want.updated_at, got.updated_at);
}

model::ClusterExecution SampleRun(const std::string& cluster_id, const std::string& run_id,
                                  TimestampMs created_at) {
  model::ClusterExecution e;
  e.run_id = run_id;
  e.cluster_id = cluster_id;
  e.status = "completed";
  e.num_clusters = 2;
  e.num_points = 7;
  e.silhouette_score = 0.75;
  e.davies_bouldin_index = 0.25;
  e.calinski_harabasz_score = 120.5;
  e.inertia = 3.5;
  e.iterations = 4;
  e.centroids = {{"cl_0", "Cluster 0", 4, {0.5f, -1.25f, 3.0f}},
                 {"cl_1", "Cluster 1", 3, {1.0f, 0.0f, -0.5f}}};
  e.artifacts = {{"members", "ab12", 99, "text/tab-separated-values"},
                 {"centroids", "cd34", 77, "text/tab-separated-values"}};
  e.task_id = "task_9";
  e.error_message = "none really";
  e.created_at = created_at;
  e.completed_at = created_at + 3;
  return e;
}

void ExpectSameRun(const model::ClusterExecution& want, const model::ClusterExecution& got) {
  EXPECT_EQ(want.run_id, got.run_id);
  EXPECT_EQ(want.cluster_id, got.cluster_id);
  EXPECT_EQ(want.status, got.status);
  EXPECT_EQ(want.num_clusters, got.num_clusters);
  EXPECT_EQ(want.num_points, got.num_points);
  EXPECT_EQ(want.silhouette_score, got.silhouette_score);
  EXPECT_EQ(want.davies_bouldin_index, got.davies_bouldin_index);
  EXPECT_EQ(want.calinski_harabasz_score, got.calinski_harabasz_score);
  EXPECT_EQ(want.inertia, got.inertia);
  EXPECT_EQ(want.iterations, got.iterations);
  ASSERT_EQ(want.centroids.size(), got.centroids.size());
  for (size_t i = 0; i < want.centroids.size(); ++i) {
    EXPECT_EQ(want.centroids[i].cluster_id, got.centroids[i].cluster_id);
    EXPECT_EQ(want.centroids[i].label, got.centroids[i].label);
    EXPECT_EQ(want.centroids[i].num_members, got.centroids[i].num_members);
    EXPECT_EQ(want.centroids[i].vector, got.centroids[i].vector);
  }
  ASSERT_EQ(want.artifacts.size(), got.artifacts.size());
  for (size_t i = 0; i < want.artifacts.size(); ++i) {
    EXPECT_EQ(want.artifacts[i].name, got.artifacts[i].name);
    EXPECT_EQ(want.artifacts[i].blob_hash, got.artifacts[i].blob_hash);
    EXPECT_EQ(want.artifacts[i].size_bytes, got.artifacts[i].size_bytes);
    EXPECT_EQ(want.artifacts[i].format, got.artifacts[i].format);
  }
  EXPECT_EQ(want.task_id, got.task_id);
  EXPECT_EQ(want.error_message, got.error_message);
  EXPECT_EQ(want.created_at, got.created_at);
  EXPECT_EQ(want.completed_at, got.completed_at);
}

TEST_P(NamespaceConformanceTest, ClusterRoundTripsAndNamesAreUnique) {
  model::Cluster c = SampleCluster("clust_1", "one", 100);
  ASSERT_OK(store().InsertCluster(c));
  ASSERT_OK_AND_ASSIGN(auto got, store().GetCluster("clust_1"));
  ExpectSameCluster(c, got);
  ASSERT_OK_AND_ASSIGN(auto by_name, store().GetClusterByName("one"));
  ExpectSameCluster(c, by_name);
  EXPECT_EQ(STATUS_CODE(store().InsertCluster(SampleCluster("clust_2", "one", 1))),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(STATUS_CODE(store().InsertCluster(SampleCluster("clust_1", "other", 1))),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(STATUS_CODE(store().GetCluster("clust_none")), StatusCode::kNotFound);
  EXPECT_EQ(STATUS_CODE(store().GetClusterByName("none")), StatusCode::kNotFound);
}

TEST_P(NamespaceConformanceTest, ClusterWithUnsetOptionalsRoundTrips) {
  model::Cluster c;
  c.cluster_id = "clust_min";
  c.cluster_name = "min";
  c.created_at = c.updated_at = 7;
  ASSERT_OK(store().InsertCluster(c));
  ASSERT_OK_AND_ASSIGN(auto got, store().GetCluster("clust_min"));
  ExpectSameCluster(c, got);
}

TEST_P(NamespaceConformanceTest, ClustersListInCreationOrderUpdateAndDelete) {
  ASSERT_OK(store().InsertCluster(SampleCluster("clust_b", "b", 200)));
  ASSERT_OK(store().InsertCluster(SampleCluster("clust_a", "a", 300)));
  ASSERT_OK(store().InsertCluster(SampleCluster("clust_c", "c", 100)));
  ASSERT_OK_AND_ASSIGN(auto all, store().ListClusters({0, 10}));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].cluster_id, "clust_c");
  EXPECT_EQ(all[1].cluster_id, "clust_b");
  EXPECT_EQ(all[2].cluster_id, "clust_a");
  ASSERT_OK_AND_ASSIGN(auto page, store().ListClusters({1, 1}));
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].cluster_id, "clust_b");
  ASSERT_OK_AND_ASSIGN(int64_t n, store().CountClusters());
  EXPECT_EQ(n, 3);

  model::Cluster changed = SampleCluster("clust_b", "b2", 200);
  changed.status = model::TaskStatus::kFailed;
  changed.num_clusters.reset();
  ASSERT_OK(store().UpdateCluster(changed));
  ASSERT_OK_AND_ASSIGN(auto got, store().GetCluster("clust_b"));
  ExpectSameCluster(changed, got);
  EXPECT_EQ(STATUS_CODE(store().UpdateCluster(SampleCluster("clust_b", "a", 1))),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(STATUS_CODE(store().UpdateCluster(SampleCluster("clust_x", "x", 1))),
            StatusCode::kNotFound);

  ASSERT_OK(store().DeleteCluster("clust_b"));
  EXPECT_EQ(STATUS_CODE(store().GetCluster("clust_b")), StatusCode::kNotFound);
  EXPECT_EQ(STATUS_CODE(store().DeleteCluster("clust_b")), StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(n, store().CountClusters());
  EXPECT_EQ(n, 2);
}

TEST_P(NamespaceConformanceTest, ClusterExecutionsUpsertListNewestFirstAndGoWithCluster) {
  ASSERT_OK(store().InsertCluster(SampleCluster("clust_1", "one", 1)));
  ASSERT_OK(store().InsertCluster(SampleCluster("clust_2", "two", 1)));
  EXPECT_EQ(STATUS_CODE(store().UpsertClusterExecution(SampleRun("clust_x", "run_0", 1))),
            StatusCode::kNotFound);
  model::ClusterExecution pending = SampleRun("clust_1", "run_1", 10);
  pending.status = "pending";
  pending.centroids.clear();
  pending.completed_at.reset();
  ASSERT_OK(store().UpsertClusterExecution(pending));
  ASSERT_OK_AND_ASSIGN(auto got, store().GetClusterExecution("clust_1", "run_1"));
  ExpectSameRun(pending, got);
  // The same run, finished: replaced, not duplicated.
  model::ClusterExecution done = SampleRun("clust_1", "run_1", 10);
  ASSERT_OK(store().UpsertClusterExecution(done));
  ASSERT_OK_AND_ASSIGN(got, store().GetClusterExecution("clust_1", "run_1"));
  ExpectSameRun(done, got);
  ASSERT_OK(store().UpsertClusterExecution(SampleRun("clust_1", "run_2", 20)));
  ASSERT_OK(store().UpsertClusterExecution(SampleRun("clust_2", "run_3", 30)));

  ASSERT_OK_AND_ASSIGN(auto list, store().ListClusterExecutions("clust_1", {0, 10}));
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].run_id, "run_2");
  EXPECT_EQ(list[1].run_id, "run_1");
  ASSERT_OK_AND_ASSIGN(auto page, store().ListClusterExecutions("clust_1", {1, 1}));
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].run_id, "run_1");
  ASSERT_OK_AND_ASSIGN(int64_t n, store().CountClusterExecutions("clust_1"));
  EXPECT_EQ(n, 2);
  EXPECT_EQ(STATUS_CODE(store().GetClusterExecution("clust_2", "run_1")), StatusCode::kNotFound);

  ASSERT_OK(store().DeleteCluster("clust_1"));
  ASSERT_OK_AND_ASSIGN(n, store().CountClusterExecutions("clust_1"));
  EXPECT_EQ(n, 0);
  ASSERT_OK_AND_ASSIGN(n, store().CountClusterExecutions("clust_2"));
  EXPECT_EQ(n, 1);
}

}  // namespace
}  // namespace ferry::storage::testing
