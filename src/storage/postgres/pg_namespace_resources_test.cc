// Retrievers, clusters and taxonomies on PostgreSQL (pg_retrievers, pg_clusters,
// pg_taxonomies) against the throwaway cluster: the checks of the storage conformance
// suite, plus what shared tables add (two namespaces with the same ids never meet) and the
// explicit cascades and locks that replace SQLite's foreign keys.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "storage/postgres/pg_clusters.h"
#include "storage/postgres/pg_db.h"
#include "storage/postgres/pg_records.h"
#include "storage/postgres/pg_retrievers.h"
#include "storage/postgres/pg_schema.h"
#include "storage/postgres/pg_taxonomies.h"
#include "storage/postgres/pg_test_support.h"

namespace ferry::storage::postgres {
namespace {

#define ASSERT_OK(expr)                                     \
  do {                                                      \
    const ::ferry::Status _s = (expr);                      \
    ASSERT_TRUE(_s.ok()) << #expr << ": " << _s.ToString(); \
  } while (0)

StatusCode CodeOf(const Status& s) { return s.code(); }
template <typename T>
StatusCode CodeOf(const Result<T>& r) {
  return r.ok() ? StatusCode::kOk : r.status().code();
}

template <typename T>
T Must(Result<T> r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : T{};
}

const std::string kA = "ns_a";
const std::string kB = "ns_b";

model::Value SampleValue() {
  model::ValueObject o;
  o.Set("count", 42);
  o.Set("bytes", std::string("nul\0inside", 10));
  o.Set("tags", model::ValueArray{"a", model::Value()});
  return o;
}

model::Retriever SampleRetriever(const std::string& id, const std::string& name, int64_t at) {
  model::Retriever r;
  r.retriever_id = id;
  r.retriever_name = name;
  r.description = "finds things";
  r.collection_ids = {"col_a", "col_b"};
  r.stages = {{"search", "filter", "feature_search", SampleValue(), "the search"}};
  r.input_schema = SampleValue();
  r.tags = {"x"};
  r.version = 3;
  r.created_at = at;
  r.updated_at = at + 5;
  return r;
}

model::RetrieverExecution SampleExecution(const std::string& retriever_id, const std::string& id,
                                          const std::string& status, int64_t at) {
  model::RetrieverExecution e;
  e.execution_id = id;
  e.retriever_id = retriever_id;
  e.status = status;
  e.inputs = SampleValue();
  e.results = {{"doc_1", "col_a", 0.75}};
  e.stages = {{"search", 10, 2, 1.5}};
  e.latency_ms = 2.25;
  if (status == "failed") e.error = "boom";
  e.created_at = at;
  e.completed_at = at + 2;
  return e;
}

model::Interaction SampleInteraction(const std::string& id, const std::string& retriever_id,
                                     std::vector<std::string> types, int64_t at) {
  model::Interaction i;
  i.interaction_id = id;
  i.feature_id = "doc_1";
  i.interaction_type = std::move(types);
  i.position = 2;
  i.user_id = "u1";
  i.session_id = "s1";
  i.execution_id = "exec_1";
  i.retriever_id = retriever_id;
  i.document_score = 0.5;
  i.created_at = at;
  return i;
}

model::Cluster SampleCluster(const std::string& id, const std::string& name, int64_t at) {
  model::Cluster c;
  c.cluster_id = id;
  c.cluster_name = name;
  c.collection_ids = {"col_a"};
  c.algorithm_params = SampleValue();
  c.status = model::TaskStatus::kCompleted;
  c.num_clusters = 3;
  c.execution_time_seconds = 1.5;
  c.created_at = at;
  c.updated_at = at + 5;
  return c;
}

model::ClusterExecution SampleRun(const std::string& cluster_id, const std::string& run_id,
                                  int64_t at) {
  model::ClusterExecution e;
  e.run_id = run_id;
  e.cluster_id = cluster_id;
  e.status = "completed";
  e.silhouette_score = 0.75;
  e.centroids = {{"cl_0", "Cluster 0", 4, {0.5f, -1.25f, 3.0f}}};
  e.artifacts = {{"members", "ab12", 99, "text/tab-separated-values"}};
  e.created_at = at;
  e.completed_at = at + 3;
  return e;
}

model::Taxonomy SampleTaxonomy(const std::string& id, const std::string& name, int64_t at) {
  model::Taxonomy t;
  t.taxonomy_id = id;
  t.taxonomy_name = name;
  t.retriever_id = "ret_1";
  t.source_collection_id = "col_ref";
  t.enrichment_fields = std::vector<model::EnrichmentField>{{"category", std::nullopt, "replace"}};
  t.metadata = SampleValue();
  t.created_at = at;
  t.updated_at = at + 7;
  return t;
}

// Round trips compare the stored records: every field the codec writes.
std::string Record(const model::Retriever& r) { return EncodeRetrieverRecord(r); }
std::string Record(const model::RetrieverExecution& e) { return EncodeRetrieverExecutionRecord(e); }
std::string Record(const model::Interaction& i) { return EncodeInteractionRecord(i); }
std::string Record(const model::Cluster& c) { return EncodeClusterRecord(c); }
std::string Record(const model::ClusterExecution& e) { return EncodeClusterExecutionRecord(e); }
std::string Record(const model::Taxonomy& t) { return EncodeTaxonomyRecord(t); }

template <typename T, typename IdOf>
std::vector<std::string> Ids(const std::vector<T>& items, IdOf id_of) {
  std::vector<std::string> out;
  for (const auto& item : items) out.push_back(id_of(item));
  return out;
}
std::vector<std::string> Ids(const std::vector<model::Retriever>& v) {
  return Ids(v, [](const auto& r) { return r.retriever_id; });
}
std::vector<std::string> Ids(const std::vector<model::RetrieverExecution>& v) {
  return Ids(v, [](const auto& e) { return e.execution_id; });
}
std::vector<std::string> Ids(const std::vector<model::Interaction>& v) {
  return Ids(v, [](const auto& i) { return i.interaction_id; });
}
std::vector<std::string> Ids(const std::vector<model::Cluster>& v) {
  return Ids(v, [](const auto& c) { return c.cluster_id; });
}
std::vector<std::string> Ids(const std::vector<model::ClusterExecution>& v) {
  return Ids(v, [](const auto& e) { return e.run_id; });
}
std::vector<std::string> Ids(const std::vector<model::Taxonomy>& v) {
  return Ids(v, [](const auto& t) { return t.taxonomy_id; });
}
using Strs = std::vector<std::string>;

class PgResourcesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.url = testing::TestClusterUrl();
    options_.schema = testing::UniqueSchema();
    options_.pool_size = 3;
    auto db = PgDb::Open(options_);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    ASSERT_OK(MigrateSchema(*db_));
  }
  void TearDown() override {
    db_.reset();
    testing::DropSchema(options_.url, options_.schema);
  }

  // fn(tx, ns, args...) in its own transaction, as PgNamespaceStore will call it.
  template <typename Fn, typename... Args>
  auto In(const std::string& ns, Fn fn, const Args&... args) {
    return db_->Run("test", [&](pqxx::work& tx) { return fn(tx, ns, args...); });
  }

  // The same ids and names in any namespace: each resource with its child rows.
  void Populate(const std::string& ns) {
    ASSERT_OK(In(ns, pg::InsertRetriever, SampleRetriever("ret_1", "one", 1)));
    ASSERT_OK(In(ns, pg::InsertExecution, SampleExecution("ret_1", "exec_1", "completed", 1)));
    ASSERT_OK(In(ns, pg::InsertInteraction, SampleInteraction("int_1", "ret_1", {"view"}, 1)));
    ASSERT_OK(In(ns, pg::InsertCluster, SampleCluster("clust_1", "one", 1)));
    ASSERT_OK(In(ns, pg::UpsertClusterExecution, SampleRun("clust_1", "run_1", 1)));
    ASSERT_OK(In(ns, pg::InsertTaxonomy, SampleTaxonomy("tax_1", "one", 1)));
  }

  PgOptions options_;
  std::unique_ptr<PgDb> db_;
};

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
}  // namespace ferry::storage::postgres
