// Clusters with their executions (pg_clusters) and taxonomies (pg_taxonomies) on
// PostgreSQL against the throwaway cluster: the checks of the storage conformance suite.

#include "storage/postgres/pg_namespace_resources_fixture.h"

namespace ferry::storage::postgres::resources_test {
namespace {

// ---- clusters ----

TEST_F(PgResourcesTest, ClusterRoundTripsAndIdsAndNamesAreUnique) {
  auto c = SampleCluster("clust_1", "one", 100);
  ASSERT_OK(In(kA, pg::InsertCluster, c));
  EXPECT_EQ(Record(Must(In(kA, pg::GetCluster, std::string("clust_1")))), Record(c));
  EXPECT_EQ(Record(Must(In(kA, pg::GetClusterByName, std::string("one")))), Record(c));
  model::Cluster bare;
  bare.cluster_id = "clust_min";
  bare.cluster_name = "min";
  ASSERT_OK(In(kA, pg::InsertCluster, bare));
  EXPECT_EQ(Record(Must(In(kA, pg::GetCluster, std::string("clust_min")))), Record(bare));
  EXPECT_EQ(CodeOf(In(kA, pg::InsertCluster, SampleCluster("clust_2", "one", 1))),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(CodeOf(In(kA, pg::InsertCluster, SampleCluster("clust_1", "other", 1))),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(CodeOf(In(kA, pg::GetCluster, std::string("clust_none"))), StatusCode::kNotFound);
  EXPECT_EQ(CodeOf(In(kA, pg::GetClusterByName, std::string("none"))), StatusCode::kNotFound);
}

TEST_F(PgResourcesTest, ClustersListInCreationOrderUpdateAndDelete) {
  ASSERT_OK(In(kA, pg::InsertCluster, SampleCluster("clust_b", "b", 200)));
  ASSERT_OK(In(kA, pg::InsertCluster, SampleCluster("clust_a", "a", 300)));
  ASSERT_OK(In(kA, pg::InsertCluster, SampleCluster("clust_c", "c", 100)));
  ASSERT_OK(In(kA, pg::InsertCluster, SampleCluster("clust_0", "z", 300)));
  EXPECT_EQ(Ids(Must(In(kA, pg::ListClusters, model::Page{0, 10}))),
            (Strs{"clust_c", "clust_b", "clust_0", "clust_a"}));
  EXPECT_EQ(Ids(Must(In(kA, pg::ListClusters, model::Page{1, 1}))), (Strs{"clust_b"}));
  EXPECT_EQ(Must(In(kA, pg::CountClusters)), 4);

  auto changed = SampleCluster("clust_b", "b2", 200);
  changed.status = model::TaskStatus::kFailed;
  changed.num_clusters.reset();
  ASSERT_OK(In(kA, pg::UpdateCluster, changed));
  EXPECT_EQ(Record(Must(In(kA, pg::GetCluster, std::string("clust_b")))), Record(changed));
  EXPECT_EQ(CodeOf(In(kA, pg::UpdateCluster, SampleCluster("clust_b", "a", 1))),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(CodeOf(In(kA, pg::UpdateCluster, SampleCluster("clust_x", "x", 1))),
            StatusCode::kNotFound);

  ASSERT_OK(In(kA, pg::DeleteCluster, std::string("clust_b")));
  EXPECT_EQ(CodeOf(In(kA, pg::GetCluster, std::string("clust_b"))), StatusCode::kNotFound);
  EXPECT_EQ(CodeOf(In(kA, pg::DeleteCluster, std::string("clust_b"))), StatusCode::kNotFound);
  EXPECT_EQ(Must(In(kA, pg::CountClusters)), 3);
}

TEST_F(PgResourcesTest, ClusterExecutionsUpsertListNewestFirstAndGoWithCluster) {
  ASSERT_OK(In(kA, pg::InsertCluster, SampleCluster("clust_1", "one", 1)));
  ASSERT_OK(In(kA, pg::InsertCluster, SampleCluster("clust_2", "two", 1)));
  EXPECT_EQ(CodeOf(In(kA, pg::UpsertClusterExecution, SampleRun("clust_x", "run_0", 1))),
            StatusCode::kNotFound);
  auto pending = SampleRun("clust_1", "run_1", 10);
  pending.status = "pending";
  pending.centroids.clear();
  pending.completed_at.reset();
  ASSERT_OK(In(kA, pg::UpsertClusterExecution, pending));
  const std::string c1 = "clust_1";
  EXPECT_EQ(Record(Must(In(kA, pg::GetClusterExecution, c1, std::string("run_1")))),
            Record(pending));
  auto done = SampleRun("clust_1", "run_1", 10);  // the same run, finished: replaced
  ASSERT_OK(In(kA, pg::UpsertClusterExecution, done));
  EXPECT_EQ(Record(Must(In(kA, pg::GetClusterExecution, c1, std::string("run_1")))), Record(done));
  ASSERT_OK(In(kA, pg::UpsertClusterExecution, SampleRun("clust_1", "run_2", 20)));
  ASSERT_OK(In(kA, pg::UpsertClusterExecution, SampleRun("clust_1", "run_3", 20)));
  ASSERT_OK(In(kA, pg::UpsertClusterExecution, SampleRun("clust_2", "run_4", 30)));

  // Newest first; equal times by run id descending.
  EXPECT_EQ(Ids(Must(In(kA, pg::ListClusterExecutions, c1, model::Page{0, 10}))),
            (Strs{"run_3", "run_2", "run_1"}));
  EXPECT_EQ(Ids(Must(In(kA, pg::ListClusterExecutions, c1, model::Page{2, 1}))), (Strs{"run_1"}));
  EXPECT_EQ(Must(In(kA, pg::CountClusterExecutions, c1)), 3);
  EXPECT_EQ(CodeOf(In(kA, pg::GetClusterExecution, std::string("clust_2"), std::string("run_1"))),
            StatusCode::kNotFound);
  // An upsert by run id moves the run to the cluster it names, as on SQLite.
  ASSERT_OK(In(kA, pg::UpsertClusterExecution, SampleRun("clust_2", "run_3", 20)));
  EXPECT_EQ(Must(In(kA, pg::CountClusterExecutions, std::string("clust_2"))), 2);

  ASSERT_OK(In(kA, pg::DeleteCluster, c1));
  EXPECT_EQ(Must(In(kA, pg::CountClusterExecutions, c1)), 0);
  EXPECT_EQ(Must(In(kA, pg::CountClusterExecutions, std::string("clust_2"))), 2);
}

// ---- taxonomies ----

TEST_F(PgResourcesTest, TaxonomiesRoundTripListUpdateAndDelete) {
  auto t = SampleTaxonomy("tax_b", "b", 200);
  ASSERT_OK(In(kA, pg::InsertTaxonomy, t));
  EXPECT_EQ(Record(Must(In(kA, pg::GetTaxonomy, std::string("tax_b")))), Record(t));
  EXPECT_EQ(Record(Must(In(kA, pg::GetTaxonomyByName, std::string("b")))), Record(t));
  EXPECT_EQ(CodeOf(In(kA, pg::InsertTaxonomy, SampleTaxonomy("tax_2", "b", 1))),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(CodeOf(In(kA, pg::InsertTaxonomy, SampleTaxonomy("tax_b", "other", 1))),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(CodeOf(In(kA, pg::GetTaxonomy, std::string("tax_none"))), StatusCode::kNotFound);
  EXPECT_EQ(CodeOf(In(kA, pg::GetTaxonomyByName, std::string("none"))), StatusCode::kNotFound);

  ASSERT_OK(In(kA, pg::InsertTaxonomy, SampleTaxonomy("tax_a", "a", 300)));
  ASSERT_OK(In(kA, pg::InsertTaxonomy, SampleTaxonomy("tax_c", "c", 100)));
  ASSERT_OK(In(kA, pg::InsertTaxonomy, SampleTaxonomy("tax_0", "z", 300)));
  EXPECT_EQ(Ids(Must(In(kA, pg::ListTaxonomies, model::Page{0, 10}))),
            (Strs{"tax_c", "tax_b", "tax_0", "tax_a"}));
  EXPECT_EQ(Ids(Must(In(kA, pg::ListTaxonomies, model::Page{1, 1}))), (Strs{"tax_b"}));
  EXPECT_EQ(Must(In(kA, pg::CountTaxonomies)), 4);

  auto changed = SampleTaxonomy("tax_b", "b2", 200);
  changed.version = 9;
  ASSERT_OK(In(kA, pg::UpdateTaxonomy, changed));
  EXPECT_EQ(Record(Must(In(kA, pg::GetTaxonomyByName, std::string("b2")))), Record(changed));
  EXPECT_EQ(CodeOf(In(kA, pg::UpdateTaxonomy, SampleTaxonomy("tax_b", "a", 1))),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(CodeOf(In(kA, pg::UpdateTaxonomy, SampleTaxonomy("tax_x", "x", 1))),
            StatusCode::kNotFound);
  ASSERT_OK(In(kA, pg::DeleteTaxonomy, std::string("tax_b")));
  EXPECT_EQ(CodeOf(In(kA, pg::GetTaxonomy, std::string("tax_b"))), StatusCode::kNotFound);
  EXPECT_EQ(CodeOf(In(kA, pg::DeleteTaxonomy, std::string("tax_b"))), StatusCode::kNotFound);
  EXPECT_EQ(Must(In(kA, pg::CountTaxonomies)), 3);
}

}  // namespace
}  // namespace ferry::storage::postgres::resources_test
