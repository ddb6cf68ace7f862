// Conformance: retrievers, their executions and interactions, and the collection
// fingerprint vector indexes rely on.

#include <string>
#include <vector>

#include "storage/conformance/storage_conformance.h"

namespace ferry::storage::testing {
namespace {

model::Retriever SampleRetriever(const std::string& id, const std::string& name,
                                 TimestampMs created_at) {
  model::Retriever r;
  r.retriever_id = id;
  r.retriever_name = name;
  r.description = "finds things";
  r.collection_ids = {"col_a", "col_b"};
  model::RetrieverStage s;
  s.stage_name = "search";
  s.stage_type = "filter";
  s.stage_id = "feature_search";
  s.parameters = SampleValue();
  s.description = "the search";
  r.stages = {s};
  r.input_schema = SampleValue();
  r.budget_limits = SampleValue();
  r.display_config = SampleValue();
  r.tags = {"x", "y"};
  r.version = 3;
  r.created_at = created_at;
  r.updated_at = created_at + 5;
  return r;
}

void ExpectSameRetriever(const model::Retriever& want, const model::Retriever& got) {
  EXPECT_EQ(want.retriever_id, got.retriever_id);
  EXPECT_EQ(want.retriever_name, got.retriever_name);
  EXPECT_EQ(want.description, got.description);
  EXPECT_EQ(want.collection_ids, got.collection_ids);
  ASSERT_EQ(want.stages.size(), got.stages.size());
  for (size_t i = 0; i < want.stages.size(); ++i) {
    EXPECT_EQ(want.stages[i].stage_name, got.stages[i].stage_name);
    EXPECT_EQ(want.stages[i].stage_type, got.stages[i].stage_type);
    EXPECT_EQ(want.stages[i].stage_id, got.stages[i].stage_id);
    ExpectSameValue(want.stages[i].parameters, got.stages[i].parameters);
    EXPECT_EQ(want.stages[i].description, got.stages[i].description);
  }
  ExpectSameValue(want.input_schema, got.input_schema);
  ExpectSameValue(want.budget_limits, got.budget_limits);
  ExpectSameValue(want.display_config, got.display_config);
  EXPECT_EQ(want.tags, got.tags);
  EXPECT_EQ(want.version, got.version);
  EXPECT_EQ(want.created_at, got.created_at);
  EXPECT_EQ(want.updated_at, got.updated_at);
}

model::RetrieverExecution SampleExecution(const std::string& retriever_id, const std::string& id,
                                          const std::string& status, TimestampMs created_at) {
  model::RetrieverExecution e;
  e.execution_id = id;
  e.retriever_id = retriever_id;
  e.status = status;
  e.inputs = SampleValue();
  e.results = {{"doc_1", "col_a", 0.75}, {"doc_2", "col_b", 0.5}};
  e.stages = {{"search", 10, 2, 1.5}};
  e.total_processed = 10;
  e.latency_ms = 2.25;
  e.error = status == "failed" ? std::optional<std::string>("boom") : std::nullopt;
  e.created_at = created_at;
  e.completed_at = created_at + 2;
  return e;
}

model::Interaction SampleInteraction(const std::string& id, const std::string& retriever_id,
                                     std::vector<std::string> types, TimestampMs created_at) {
  model::Interaction i;
  i.interaction_id = id;
  i.feature_id = "doc_1";
  i.interaction_type = std::move(types);
  i.position = 2;
  i.metadata = SampleValue();
  i.user_id = "u1";
  i.session_id = "s1";
  i.execution_id = "exec_1";
  i.retriever_id = retriever_id;
  i.query_snapshot = SampleValue();
  i.document_score = 0.5;
  i.result_set_size = 10;
  i.created_at = created_at;
  return i;
}

TEST_P(NamespaceConformanceTest, RetrieverRoundTripsAndNamesAreUnique) {
  model::Retriever r = SampleRetriever("ret_1", "one", 100);
  ASSERT_OK(store().InsertRetriever(r));
  ASSERT_OK_AND_ASSIGN(auto got, store().GetRetriever("ret_1"));
  ExpectSameRetriever(r, got);
  ASSERT_OK_AND_ASSIGN(auto by_name, store().GetRetrieverByName("one"));
  ExpectSameRetriever(r, by_name);
  EXPECT_EQ(STATUS_CODE(store().InsertRetriever(SampleRetriever("ret_2", "one", 1))),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(STATUS_CODE(store().InsertRetriever(SampleRetriever("ret_1", "other", 1))),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(STATUS_CODE(store().GetRetriever("ret_none")), StatusCode::kNotFound);
  EXPECT_EQ(STATUS_CODE(store().GetRetrieverByName("none")), StatusCode::kNotFound);
}

TEST_P(NamespaceConformanceTest, RetrieversListInCreationOrderAndUpdate) {
  ASSERT_OK(store().InsertRetriever(SampleRetriever("ret_b", "b", 200)));
  ASSERT_OK(store().InsertRetriever(SampleRetriever("ret_a", "a", 300)));
  ASSERT_OK(store().InsertRetriever(SampleRetriever("ret_c", "c", 100)));
  ASSERT_OK_AND_ASSIGN(auto all, store().ListRetrievers({0, 10}));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].retriever_id, "ret_c");
  EXPECT_EQ(all[1].retriever_id, "ret_b");
  EXPECT_EQ(all[2].retriever_id, "ret_a");
  ASSERT_OK_AND_ASSIGN(auto page, store().ListRetrievers({1, 1}));
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].retriever_id, "ret_b");
  ASSERT_OK_AND_ASSIGN(int64_t n, store().CountRetrievers());
  EXPECT_EQ(n, 3);

  model::Retriever changed = SampleRetriever("ret_b", "b2", 200);
  changed.version = 4;
  ASSERT_OK(store().UpdateRetriever(changed));
  ASSERT_OK_AND_ASSIGN(auto got, store().GetRetriever("ret_b"));
  ExpectSameRetriever(changed, got);
  EXPECT_EQ(STATUS_CODE(store().UpdateRetriever(SampleRetriever("ret_b", "a", 1))),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(STATUS_CODE(store().UpdateRetriever(SampleRetriever("ret_x", "x", 1))),
            StatusCode::kNotFound);
}

TEST_P(NamespaceConformanceTest, ExecutionsBelongToTheirRetrieverAndGoWithIt) {
  ASSERT_OK(store().InsertRetriever(SampleRetriever("ret_1", "one", 1)));
  EXPECT_EQ(
      STATUS_CODE(store().InsertExecution(SampleExecution("ret_x", "exec_0", "completed", 1))),
      StatusCode::kNotFound);
  auto first = SampleExecution("ret_1", "exec_1", "completed", 10);
  ASSERT_OK(store().InsertExecution(first));
  ASSERT_OK(store().InsertExecution(SampleExecution("ret_1", "exec_2", "failed", 20)));
  ASSERT_OK(store().InsertExecution(SampleExecution("ret_1", "exec_3", "completed", 30)));

  ASSERT_OK_AND_ASSIGN(auto got, store().GetExecution("ret_1", "exec_1"));
  EXPECT_EQ(got.status, "completed");
  ExpectSameValue(first.inputs, got.inputs);
  ASSERT_EQ(got.results.size(), 2u);
  EXPECT_EQ(got.results[1].document_id, "doc_2");
  EXPECT_EQ(got.results[1].collection_id, "col_b");
  EXPECT_DOUBLE_EQ(got.results[0].score, 0.75);
  ASSERT_EQ(got.stages.size(), 1u);
  EXPECT_EQ(got.stages[0].output_count, 2);
  EXPECT_DOUBLE_EQ(got.latency_ms, 2.25);
  EXPECT_EQ(got.completed_at, 12);
  EXPECT_EQ(STATUS_CODE(store().GetExecution("ret_other", "exec_1")), StatusCode::kNotFound);

  ASSERT_OK_AND_ASSIGN(auto newest_first, store().ListExecutions("ret_1", std::nullopt, {0, 10}));
  ASSERT_EQ(newest_first.size(), 3u);
  EXPECT_EQ(newest_first[0].execution_id, "exec_3");
  EXPECT_EQ(newest_first[2].execution_id, "exec_1");
  ASSERT_OK_AND_ASSIGN(auto failed, store().ListExecutions("ret_1", "failed", {0, 10}));
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].error, "boom");
  ASSERT_OK_AND_ASSIGN(int64_t completed, store().CountExecutions("ret_1", "completed"));
  EXPECT_EQ(completed, 2);

  ASSERT_OK(store().DeleteRetriever("ret_1"));
  EXPECT_EQ(STATUS_CODE(store().GetExecution("ret_1", "exec_1")), StatusCode::kNotFound);
  EXPECT_EQ(STATUS_CODE(store().DeleteRetriever("ret_1")), StatusCode::kNotFound);
}

TEST_P(NamespaceConformanceTest, InteractionsFilterByEveryField) {
  ASSERT_OK(store().InsertInteraction(SampleInteraction("int_1", "ret_1", {"click"}, 10)));
  ASSERT_OK(
      store().InsertInteraction(SampleInteraction("int_2", "ret_1", {"view", "long_view"}, 20)));
  ASSERT_OK(store().InsertInteraction(SampleInteraction("int_3", "ret_2", {"view"}, 30)));
  EXPECT_EQ(STATUS_CODE(store().InsertInteraction(SampleInteraction("int_1", "r", {"view"}, 1))),
            StatusCode::kAlreadyExists);

  ASSERT_OK_AND_ASSIGN(auto got, store().GetInteraction("int_2"));
  EXPECT_EQ(got.interaction_type, (std::vector<std::string>{"view", "long_view"}));
  EXPECT_EQ(got.position, 2);
  EXPECT_EQ(got.retriever_id, "ret_1");
  EXPECT_EQ(got.document_score, 0.5);
  EXPECT_EQ(got.result_set_size, 10);
  ExpectSameValue(SampleValue(), got.query_snapshot);

  ASSERT_OK_AND_ASSIGN(auto all, store().ListInteractions({}, {0, 10}));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].interaction_id, "int_3");
  model::InteractionQuery by_retriever;
  by_retriever.retriever_id = "ret_1";
  ASSERT_OK_AND_ASSIGN(int64_t n, store().CountInteractions(by_retriever));
  EXPECT_EQ(n, 2);
  model::InteractionQuery by_type;
  by_type.interaction_type = "view";  // not matched by "long_view"
  ASSERT_OK_AND_ASSIGN(auto views, store().ListInteractions(by_type, {0, 10}));
  ASSERT_EQ(views.size(), 2u);
  EXPECT_EQ(views[0].interaction_id, "int_3");
  EXPECT_EQ(views[1].interaction_id, "int_2");
  by_type.user_id = "nobody";
  ASSERT_OK_AND_ASSIGN(int64_t none, store().CountInteractions(by_type));
  EXPECT_EQ(none, 0);

  ASSERT_OK(store().DeleteInteraction("int_1"));
  EXPECT_EQ(STATUS_CODE(store().GetInteraction("int_1")), StatusCode::kNotFound);
  EXPECT_EQ(STATUS_CODE(store().DeleteInteraction("int_1")), StatusCode::kNotFound);
}

TEST_P(NamespaceConformanceTest, CollectionVersionChangesWithEveryDocumentWrite) {
  ASSERT_OK(store().InsertCollection(SampleCollection("col_1", "one")));
  ASSERT_OK_AND_ASSIGN(auto empty, store().GetCollectionVersion("col_1"));
  EXPECT_EQ(empty.document_count, 0);
  model::Document d = SampleDocument("col_1", "doc_1", "obj_1");
  ASSERT_OK(store().UpsertDocuments({d}));
  ASSERT_OK_AND_ASSIGN(auto one, store().GetCollectionVersion("col_1"));
  EXPECT_EQ(one.document_count, 1);
  EXPECT_FALSE(one == empty);
  // Rewriting the same document (same updated_at) still moves the fingerprint.
  ASSERT_OK(store().UpsertDocuments({d}));
  ASSERT_OK_AND_ASSIGN(auto rewritten, store().GetCollectionVersion("col_1"));
  EXPECT_FALSE(rewritten == one);
  ASSERT_OK_AND_ASSIGN(auto again, store().GetCollectionVersion("col_1"));
  EXPECT_TRUE(again == rewritten);
  // A fenced write, and a document moved to another collection: both collections move.
  ASSERT_OK(store().InsertCollection(SampleCollection("col_2", "two")));
  ASSERT_OK_AND_ASSIGN(auto two_before, store().GetCollectionVersion("col_2"));
  ASSERT_OK(store().UpsertDocumentsFenced({"mig_1/1", 1}, {d}));
  ASSERT_OK_AND_ASSIGN(auto fenced, store().GetCollectionVersion("col_1"));
  EXPECT_FALSE(fenced == again);
  model::Document moved = d;
  moved.collection_id = "col_2";
  ASSERT_OK(store().UpsertDocuments({moved}));
  ASSERT_OK_AND_ASSIGN(auto left, store().GetCollectionVersion("col_1"));
  ASSERT_OK_AND_ASSIGN(auto arrived, store().GetCollectionVersion("col_2"));
  EXPECT_EQ(left.document_count, 0);
  EXPECT_FALSE(left == fenced);
  EXPECT_EQ(arrived.document_count, 1);
  EXPECT_GT(arrived.write_mark, two_before.write_mark);
}

}  // namespace
}  // namespace ferry::storage::testing
