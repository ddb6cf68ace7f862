#pragma once
// The fixture of the tests of pg_retrievers, pg_clusters and pg_taxonomies: a migrated
// schema of its own in the throwaway cluster, sample resources, and In(ns, fn, args...),
// which runs one of those functions in its own transaction as PgNamespaceStore will.

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/postgres/pg_clusters.h"
#include "storage/postgres/pg_db.h"
#include "storage/postgres/pg_records.h"
#include "storage/postgres/pg_retrievers.h"
#include "storage/postgres/pg_schema.h"
#include "storage/postgres/pg_taxonomies.h"
#include "storage/postgres/pg_test_support.h"

namespace ferry::storage::postgres::resources_test {

#define ASSERT_OK(expr)                                     \
  do {                                                      \
    const ::ferry::Status _s = (expr);                      \
    ASSERT_TRUE(_s.ok()) << #expr << ": " << _s.ToString(); \
  } while (0)

inline StatusCode CodeOf(const Status& s) { return s.code(); }
template <typename T>
inline StatusCode CodeOf(const Result<T>& r) {
  return r.ok() ? StatusCode::kOk : r.status().code();
}

template <typename T>
T Must(Result<T> r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : T{};
}

inline const std::string kA = "ns_a";
inline const std::string kB = "ns_b";

inline model::Value SampleValue() {
  model::ValueObject o;
  o.Set("count", 42);
  o.Set("bytes", std::string("nul\0inside", 10));
  o.Set("tags", model::ValueArray{"a", model::Value()});
  return o;
}

inline model::Retriever SampleRetriever(const std::string& id, const std::string& name,
                                        int64_t at) {
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

inline model::RetrieverExecution SampleExecution(const std::string& retriever_id,
                                                 const std::string& id, const std::string& status,
                                                 int64_t at) {
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

inline model::Interaction SampleInteraction(const std::string& id, const std::string& retriever_id,
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

inline model::Cluster SampleCluster(const std::string& id, const std::string& name, int64_t at) {
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

inline model::ClusterExecution SampleRun(const std::string& cluster_id, const std::string& run_id,
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

inline model::Taxonomy SampleTaxonomy(const std::string& id, const std::string& name, int64_t at) {
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
inline std::string Record(const model::Retriever& r) { return EncodeRetrieverRecord(r); }
inline std::string Record(const model::RetrieverExecution& e) {
  return EncodeRetrieverExecutionRecord(e);
}
inline std::string Record(const model::Interaction& i) { return EncodeInteractionRecord(i); }
inline std::string Record(const model::Cluster& c) { return EncodeClusterRecord(c); }
inline std::string Record(const model::ClusterExecution& e) {
  return EncodeClusterExecutionRecord(e);
}
inline std::string Record(const model::Taxonomy& t) { return EncodeTaxonomyRecord(t); }

template <typename T, typename IdOf>
std::vector<std::string> Ids(const std::vector<T>& items, IdOf id_of) {
  std::vector<std::string> out;
  for (const auto& item : items) out.push_back(id_of(item));
  return out;
}
inline std::vector<std::string> Ids(const std::vector<model::Retriever>& v) {
  return Ids(v, [](const auto& r) { return r.retriever_id; });
}
inline std::vector<std::string> Ids(const std::vector<model::RetrieverExecution>& v) {
  return Ids(v, [](const auto& e) { return e.execution_id; });
}
inline std::vector<std::string> Ids(const std::vector<model::Interaction>& v) {
  return Ids(v, [](const auto& i) { return i.interaction_id; });
}
inline std::vector<std::string> Ids(const std::vector<model::Cluster>& v) {
  return Ids(v, [](const auto& c) { return c.cluster_id; });
}
inline std::vector<std::string> Ids(const std::vector<model::ClusterExecution>& v) {
  return Ids(v, [](const auto& e) { return e.run_id; });
}
inline std::vector<std::string> Ids(const std::vector<model::Taxonomy>& v) {
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

}  // namespace ferry::storage::postgres::resources_test
