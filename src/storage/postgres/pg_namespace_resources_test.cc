// Retrievers, their executions and interactions on PostgreSQL (pg_retrievers) against
// the throwaway cluster: the checks of the storage conformance suite, plus what shared
// tables add (two namespaces with the same ids never meet) and the explicit cascades and
// locks that replace SQLite's foreign keys.

#include "storage/postgres/pg_namespace_resources_fixture.h"

namespace ferry::storage::postgres::resources_test {
namespace {

// ---- retrievers ----

TEST_F(PgResourcesTest, RetrieverRoundTripsAndIdsAndNamesAreUnique) {
  auto r = SampleRetriever("ret_1", "one", 100);
  ASSERT_OK(In(kA, pg::InsertRetriever, r));
  EXPECT_EQ(Record(Must(In(kA, pg::GetRetriever, std::string("ret_1")))), Record(r));
  EXPECT_EQ(Record(Must(In(kA, pg::GetRetrieverByName, std::string("one")))), Record(r));
  EXPECT_EQ(CodeOf(In(kA, pg::InsertRetriever, SampleRetriever("ret_2", "one", 1))),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(CodeOf(In(kA, pg::InsertRetriever, SampleRetriever("ret_1", "other", 1))),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(CodeOf(In(kA, pg::GetRetriever, std::string("ret_none"))), StatusCode::kNotFound);
  EXPECT_EQ(CodeOf(In(kA, pg::GetRetrieverByName, std::string("none"))), StatusCode::kNotFound);
}

TEST_F(PgResourcesTest, RetrieversListInCreationOrderThenIdAndUpdate) {
  ASSERT_OK(In(kA, pg::InsertRetriever, SampleRetriever("ret_b", "b", 200)));
  ASSERT_OK(In(kA, pg::InsertRetriever, SampleRetriever("ret_a", "a", 300)));
  ASSERT_OK(In(kA, pg::InsertRetriever, SampleRetriever("ret_c", "c", 100)));
  ASSERT_OK(In(kA, pg::InsertRetriever, SampleRetriever("ret_0", "z", 300)));
  EXPECT_EQ(Ids(Must(In(kA, pg::ListRetrievers, model::Page{0, 10}))),
            (Strs{"ret_c", "ret_b", "ret_0", "ret_a"}));
  EXPECT_EQ(Ids(Must(In(kA, pg::ListRetrievers, model::Page{1, 2}))), (Strs{"ret_b", "ret_0"}));
  // SQLite's LIMIT -1: no limit.
  EXPECT_EQ(Must(In(kA, pg::ListRetrievers, model::Page{1, -1})).size(), 3u);
  EXPECT_EQ(Must(In(kA, pg::CountRetrievers)), 4);

  auto changed = SampleRetriever("ret_b", "b2", 200);
  changed.version = 4;
  ASSERT_OK(In(kA, pg::UpdateRetriever, changed));
  EXPECT_EQ(Record(Must(In(kA, pg::GetRetrieverByName, std::string("b2")))), Record(changed));
  EXPECT_EQ(CodeOf(In(kA, pg::GetRetrieverByName, std::string("b"))), StatusCode::kNotFound);
  EXPECT_EQ(CodeOf(In(kA, pg::UpdateRetriever, SampleRetriever("ret_b", "a", 1))),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(CodeOf(In(kA, pg::UpdateRetriever, SampleRetriever("ret_x", "x", 1))),
            StatusCode::kNotFound);
}

TEST_F(PgResourcesTest, ExecutionsBelongToTheirRetrieverAndGoWithIt) {
  ASSERT_OK(In(kA, pg::InsertRetriever, SampleRetriever("ret_1", "one", 1)));
  EXPECT_EQ(CodeOf(In(kA, pg::InsertExecution, SampleExecution("ret_x", "exec_0", "ok", 1))),
            StatusCode::kNotFound);
  auto first = SampleExecution("ret_1", "exec_1", "completed", 10);
  ASSERT_OK(In(kA, pg::InsertExecution, first));
  ASSERT_OK(In(kA, pg::InsertExecution, SampleExecution("ret_1", "exec_2", "failed", 20)));
  ASSERT_OK(In(kA, pg::InsertExecution, SampleExecution("ret_1", "exec_4", "completed", 30)));
  ASSERT_OK(In(kA, pg::InsertExecution, SampleExecution("ret_1", "exec_3", "completed", 30)));
  EXPECT_EQ(CodeOf(In(kA, pg::InsertExecution, first)), StatusCode::kAlreadyExists);
  ASSERT_OK(In(kA, pg::InsertInteraction, SampleInteraction("int_1", "ret_1", {"click"}, 1)));

  const std::string ret = "ret_1";
  EXPECT_EQ(Record(Must(In(kA, pg::GetExecution, ret, std::string("exec_1")))), Record(first));
  EXPECT_EQ(CodeOf(In(kA, pg::GetExecution, std::string("ret_other"), std::string("exec_1"))),
            StatusCode::kNotFound);
  const std::optional<std::string> any;
  const std::optional<std::string> completed = "completed";
  // Newest first; equal times by id ascending.
  EXPECT_EQ(Ids(Must(In(kA, pg::ListExecutions, ret, any, model::Page{0, 10}))),
            (Strs{"exec_3", "exec_4", "exec_2", "exec_1"}));
  EXPECT_EQ(Ids(Must(In(kA, pg::ListExecutions, ret, completed, model::Page{1, 1}))),
            (Strs{"exec_4"}));
  EXPECT_EQ(Must(In(kA, pg::CountExecutions, ret, completed)), 3);
  EXPECT_EQ(Must(In(kA, pg::CountExecutions, ret, any)), 4);

  ASSERT_OK(In(kA, pg::DeleteRetriever, ret));
  EXPECT_EQ(Must(In(kA, pg::CountExecutions, ret, any)), 0);
  EXPECT_EQ(CodeOf(In(kA, pg::GetExecution, ret, std::string("exec_1"))), StatusCode::kNotFound);
  EXPECT_EQ(CodeOf(In(kA, pg::DeleteRetriever, ret)), StatusCode::kNotFound);
  // Interactions stay: they are feedback on documents.
  EXPECT_TRUE(In(kA, pg::GetInteraction, std::string("int_1")).ok());
  // The execution's id is free again once its retriever is gone.
  ASSERT_OK(In(kA, pg::InsertRetriever, SampleRetriever("ret_1", "one", 1)));
  ASSERT_OK(In(kA, pg::InsertExecution, first));
}

TEST_F(PgResourcesTest, InteractionsFilterByEveryFieldNewestFirst) {
  ASSERT_OK(In(kA, pg::InsertInteraction, SampleInteraction("int_1", "ret_1", {"click"}, 10)));
  auto second = SampleInteraction("int_2", "ret_1", {"view", "long_view"}, 20);
  second.session_id.reset();
  second.user_id = "u2";
  ASSERT_OK(In(kA, pg::InsertInteraction, second));
  auto third = SampleInteraction("int_3", "ret_2", {"view"}, 30);
  third.execution_id = "exec_9";
  third.feature_id = "doc_9";
  ASSERT_OK(In(kA, pg::InsertInteraction, third));
  ASSERT_OK(In(kA, pg::InsertInteraction, SampleInteraction("int_0", "ret_2", {"click"}, 30)));
  EXPECT_EQ(CodeOf(In(kA, pg::InsertInteraction, SampleInteraction("int_1", "r", {"view"}, 1))),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(Record(Must(In(kA, pg::GetInteraction, std::string("int_2")))), Record(second));

  auto list = [&](const model::InteractionQuery& q) {
    return Ids(Must(In(kA, pg::ListInteractions, q, model::Page{0, 10})));
  };
  model::InteractionQuery q;
  EXPECT_EQ(list(q), (Strs{"int_0", "int_3", "int_2", "int_1"}));
  EXPECT_EQ(Ids(Must(In(kA, pg::ListInteractions, q, model::Page{1, 2}))),
            (Strs{"int_3", "int_2"}));
  q.interaction_type = "view";  // not matched by "long_view"
  EXPECT_EQ(list(q), (Strs{"int_3", "int_2"}));
  q.interaction_type = "long";
  EXPECT_EQ(list(q), Strs{});
  model::InteractionQuery by_retriever;
  by_retriever.retriever_id = "ret_1";
  EXPECT_EQ(Must(In(kA, pg::CountInteractions, by_retriever)), 2);
  model::InteractionQuery by_execution;
  by_execution.execution_id = "exec_9";
  EXPECT_EQ(list(by_execution), (Strs{"int_3"}));
  model::InteractionQuery by_session;
  by_session.session_id = "s1";
  EXPECT_EQ(list(by_session), (Strs{"int_0", "int_3", "int_1"}));
  model::InteractionQuery by_user;
  by_user.user_id = "u2";
  EXPECT_EQ(list(by_user), (Strs{"int_2"}));
  model::InteractionQuery by_feature;
  by_feature.feature_id = "doc_9";
  by_feature.interaction_type = "view";
  EXPECT_EQ(Must(In(kA, pg::CountInteractions, by_feature)), 1);
  by_feature.user_id = "nobody";
  EXPECT_EQ(Must(In(kA, pg::CountInteractions, by_feature)), 0);

  ASSERT_OK(In(kA, pg::DeleteInteraction, std::string("int_1")));
  EXPECT_EQ(CodeOf(In(kA, pg::GetInteraction, std::string("int_1"))), StatusCode::kNotFound);
  EXPECT_EQ(CodeOf(In(kA, pg::DeleteInteraction, std::string("int_1"))), StatusCode::kNotFound);
}

// SQLite's foreign key kept a child from outliving its parent; here the parent row is
// share-locked while the child is written, so a concurrent delete waits for that write.
TEST_F(PgResourcesTest, ChildWritesLockTheirParentAgainstDeletes) {
  ASSERT_OK(In(kA, pg::InsertRetriever, SampleRetriever("ret_1", "one", 1)));
  ASSERT_OK(In(kA, pg::InsertCluster, SampleCluster("clust_1", "one", 1)));
  auto parent_locked = [&](const char* table, const char* key, const std::string& id) {
    Status probe = db_->Run("probe", [&](pqxx::work& tx) -> Status {
      tx.exec_params(std::string("SELECT 1 FROM ") + table + " WHERE namespace_id = $1 AND " + key +
                         " = $2 FOR UPDATE NOWAIT",
                     kA, id);
      return Status::Ok();
    });
    return !probe.ok();
  };
  EXPECT_FALSE(parent_locked("retrievers", "retriever_id", "ret_1"));
  Status held = db_->Run("hold", [&](pqxx::work& tx) -> Status {
    FERRY_RETURN_IF_ERROR(
        pg::InsertExecution(tx, kA, SampleExecution("ret_1", "exec_1", "completed", 1)));
    FERRY_RETURN_IF_ERROR(pg::UpsertClusterExecution(tx, kA, SampleRun("clust_1", "run_1", 1)));
    EXPECT_TRUE(parent_locked("retrievers", "retriever_id", "ret_1"));
    EXPECT_TRUE(parent_locked("clusters", "cluster_id", "clust_1"));
    return Status::Ok();
  });
  ASSERT_OK(held);
}

// ---- shared tables ----

TEST_F(PgResourcesTest, TheSameIdsInTwoNamespacesNeverMeet) {
  Populate(kA);
  Populate(kB);
  // A child needs its parent in its own namespace.
  EXPECT_EQ(CodeOf(In("ns_c", pg::InsertExecution, SampleExecution("ret_1", "e", "ok", 1))),
            StatusCode::kNotFound);
  EXPECT_EQ(CodeOf(In("ns_c", pg::UpsertClusterExecution, SampleRun("clust_1", "r", 1))),
            StatusCode::kNotFound);

  ASSERT_OK(In(kA, pg::UpdateRetriever, SampleRetriever("ret_1", "renamed", 1)));
  ASSERT_OK(In(kA, pg::UpdateCluster, SampleCluster("clust_1", "renamed", 1)));
  ASSERT_OK(In(kA, pg::UpdateTaxonomy, SampleTaxonomy("tax_1", "renamed", 1)));
  EXPECT_EQ(Must(In(kB, pg::GetRetriever, std::string("ret_1"))).retriever_name, "one");
  EXPECT_EQ(Must(In(kB, pg::GetCluster, std::string("clust_1"))).cluster_name, "one");
  EXPECT_EQ(Must(In(kB, pg::GetTaxonomy, std::string("tax_1"))).taxonomy_name, "one");

  ASSERT_OK(In(kA, pg::DeleteRetriever, std::string("ret_1")));
  ASSERT_OK(In(kA, pg::DeleteInteraction, std::string("int_1")));
  ASSERT_OK(In(kA, pg::DeleteCluster, std::string("clust_1")));
  ASSERT_OK(In(kA, pg::DeleteTaxonomy, std::string("tax_1")));
  const std::optional<std::string> any;
  EXPECT_EQ(Must(In(kB, pg::CountRetrievers)), 1);
  EXPECT_EQ(Must(In(kB, pg::CountExecutions, std::string("ret_1"), any)), 1);
  EXPECT_EQ(Must(In(kB, pg::CountInteractions, model::InteractionQuery{})), 1);
  EXPECT_EQ(Must(In(kB, pg::CountClusters)), 1);
  EXPECT_EQ(Must(In(kB, pg::CountClusterExecutions, std::string("clust_1"))), 1);
  EXPECT_EQ(Must(In(kB, pg::CountTaxonomies)), 1);
  EXPECT_EQ(Must(In(kA, pg::CountRetrievers)), 0);
  EXPECT_EQ(Must(In(kA, pg::CountInteractions, model::InteractionQuery{})), 0);
}

TEST_F(PgResourcesTest, DropRemovesOneNamespacesRowsOnly) {
  Populate(kA);
  Populate(kB);
  ASSERT_OK(In(kA, pg::DropRetrievers));
  ASSERT_OK(In(kA, pg::DropClusters));
  ASSERT_OK(In(kA, pg::DropTaxonomies));
  auto rows = [&](const std::string& ns) {
    return db_->Run("count", [&](pqxx::work& tx) -> Result<int64_t> {
      int64_t n = 0;
      for (const char* table : {"retrievers", "retriever_executions", "retriever_interactions",
                                "clusters", "cluster_executions", "taxonomies"}) {
        n += tx.exec_params(
                   std::string("SELECT COUNT(*) FROM ") + table + " WHERE namespace_id = $1",
                   ns)[0][0]
                 .as<int64_t>();
      }
      return n;
    });
  };
  EXPECT_EQ(Must(rows(kA)), 0);
  EXPECT_EQ(Must(rows(kB)), 6);
}

}  // namespace
}  // namespace ferry::storage::postgres::resources_test
