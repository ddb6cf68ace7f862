// Retrievers in migrations: rewritten to the target, retriever_options one at a time,
// selection by retriever_ids, and benchmark_evaluation on copy and re_extract.
#include "migration/migration_test_fixture.h"
#include "service/retriever_service.h"
#include "service/vector_search.h"

namespace ferry::migration {
namespace {

using namespace testing_support;  // NOLINT(build/namespaces): the fixture's helpers
using model::MigrationStage;
using model::MigrationStatus;
using model::MigrationType;
using model::Value;
using model::ValueArray;
using model::ValueObject;

Value Obj(std::initializer_list<std::pair<const char*, Value>> kv) {
  ValueObject o;
  for (const auto& [k, v] : kv) o.Set(k, v);
  return Value(std::move(o));
}

const char* kQueries[] = {"ferries crossing river 14", "dawn at river 70", "object 3 talks"};

class RetrieverMigrationTest : public MigrationRunnerTest {
 protected:
  // A retriever over `sentences` (or `chained`) with three recorded queries and feedback
  // on two.
  void MakeRetriever(bool over_chained = false) {
    MakeSource();
    retrievers_ = std::make_unique<service::RetrieverService>(*deps_, vectors_);
    model::RetrieverCreate create;
    create.retriever_name = "finder";
    create.collections = {over_chained ? chained_.collection_id : sentences_.collection_id};
    Value search = Obj({{"feature_uri", kV1Uri},
                        {"query", Obj({{"input_mode", "text"}, {"text", "{{inputs.query}}"}})},
                        {"top_k", int64_t{50}}});
    create.stages = {{"search", std::nullopt, "feature_search",
                      Obj({{"searches", Value(ValueArray{search})}, {"final_top_k", int64_t{30}}}),
                      std::nullopt}};
    model::ValidationIssues issues;
    auto r = retrievers_->Create(source_, create, &issues);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    retriever_ = *r;
    for (const char* q : kQueries) {
      model::RetrieverExecute exec;
      exec.inputs = Obj({{"query", q}});
      auto out = retrievers_->Execute(source_, retriever_.retriever_id, exec);
      ASSERT_TRUE(out.ok()) << out.status().ToString();
      ASSERT_GE(out->execution.results.size(), 3u);
      executions_.push_back(out->execution);
    }
    // Feedback: the 1st result of query 0 was clicked, the 3rd of query 1 liked.
    Feedback(0, 0, "click");
    Feedback(1, 2, "positive_feedback");
  }

  void Feedback(size_t query, size_t position, const char* type) {
    model::Interaction i;
    i.feature_id = executions_[query].results[position].document_id;
    i.interaction_type = {type};
    i.position = static_cast<int64_t>(position);
    i.execution_id = executions_[query].execution_id;
    i.retriever_id = retriever_.retriever_id;
    ASSERT_TRUE(retrievers_->CreateInteraction(source_, i).ok());
  }

  static const Value& BenchmarkRow(const model::Migration& m) {
    static const Value kNull;
    const Value* b = m.additional_data.Get("benchmark");
    if (b == nullptr || b->Get("retrievers") == nullptr ||
        b->Get("retrievers")->as_array().size() != 1) {
      ADD_FAILURE() << "no benchmark row for the retriever";
      return kNull;
    }
    return b->Get("retrievers")->as_array()[0];
  }

  service::VectorSearchService vectors_{service::VectorSearchOptions{}};
  std::unique_ptr<service::RetrieverService> retrievers_;
  model::Retriever retriever_;
  std::vector<model::RetrieverExecution> executions_;
};

TEST_F(RetrieverMigrationTest, CopyRewiresTheRetrieverAndBenchmarksIdenticalQuality) {
  MakeRetriever();
  model::Migration m = Run(Config(MigrationType::kCopy));
  ExpectCompletedProgress(m);
  auto target = Target(m);
  ASSERT_NE(target, nullptr);
  const std::string mig = m.migration_id;
  // Default options: a new id, no history, no interactions.
  auto t = target->GetRetriever(MapId(mig, retriever_.retriever_id, false));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->retriever_name, "finder");
  EXPECT_EQ(t->collection_ids,
            std::vector<std::string>{MapId(mig, sentences_.collection_id, false)});
  EXPECT_EQ(t->stages[0]
                .parameters.GetPath("searches")
                ->as_array()[0]
                .GetPath("feature_uri")
                ->as_string(),
            kV1Uri);
  EXPECT_EQ(target->CountExecutions(t->retriever_id, std::nullopt).value(), 0);
  EXPECT_EQ(target->CountInteractions({}).value(), 0);

  const Value& row = BenchmarkRow(m);
  EXPECT_EQ(row.Get("queries")->as_int(), 3);
  EXPECT_EQ(row.Get("judged_queries")->as_int(), 2);
  // Same vectors, same scores. These texts give many equal scores; the benchmark breaks
  // ties alike on both sides (the retriever breaks them by id, which the copy remaps).
  EXPECT_DOUBLE_EQ(row.Get("overlap_at_10")->as_double(), 1.0);
  // Query 0's relevant document is ranked 1st, query 1's 3rd: MRR = (1 + 1/3) / 2.
  EXPECT_DOUBLE_EQ(row.GetPath("source.mrr")->as_double(), (1.0 + 1.0 / 3.0) / 2.0);
  EXPECT_DOUBLE_EQ(row.GetPath("target.mrr")->as_double(), row.GetPath("source.mrr")->as_double());
  EXPECT_DOUBLE_EQ(row.GetPath("target.ndcg_at_10")->as_double(),
                   row.GetPath("source.ndcg_at_10")->as_double());
  EXPECT_GE(row.GetPath("source.p50_latency_ms")->as_double(), 0.0);
  const auto& bench = m.progress.stages[static_cast<int>(MigrationStage::kBenchmarkEvaluation)];
  EXPECT_EQ(bench.items_total, 3);
  EXPECT_EQ(bench.items_completed, 3);
}

TEST_F(RetrieverMigrationTest, ReExtractRewritesFeatureUrisAndReportsBothSides) {
  MakeRetriever();
  model::Migration m = Run(Config(MigrationType::kReExtract));
  ExpectCompletedProgress(m);
  auto target = Target(m);
  ASSERT_NE(target, nullptr);
  auto t = target->GetRetriever(MapId(m.migration_id, retriever_.retriever_id, false));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->stages[0]
                .parameters.GetPath("searches")
                ->as_array()[0]
                .GetPath("feature_uri")
                ->as_string(),
            kV2Uri);
  const Value& row = BenchmarkRow(m);
  EXPECT_EQ(row.Get("queries")->as_int(), 3);
  for (const char* side : {"source", "target"}) {
    SCOPED_TRACE(side);
    const Value* s = row.Get(side);
    ASSERT_NE(s, nullptr);
    EXPECT_TRUE(s->Get("ndcg_at_10")->is_number());
    EXPECT_TRUE(s->Get("mrr")->is_number());
    EXPECT_EQ(s->Get("failed_queries")->as_int(), 0);
  }
  const double overlap = row.Get("overlap_at_10")->as_double();
  EXPECT_GT(overlap, 0.0);  // same texts, a different model: related but not identical
  EXPECT_LE(overlap, 1.0);
  // The rewritten retriever really runs on the target.
  auto target_ns = storage_->catalog().GetNamespace(caller_.org_id, TargetId(m)).value();
  auto ev = retrievers_->Evaluate({target_ns, target}, *t, Obj({{"query", kQueries[0]}}));
  ASSERT_TRUE(ev.ok());
  EXPECT_TRUE(ev->failure.ok()) << ev->failure.ToString();
  EXPECT_FALSE(ev->results.empty());
}

TEST_F(RetrieverMigrationTest, PreserveRetrieverIds) {
  MakeRetriever();
  model::MigrationConfig c = Config(MigrationType::kCopy);
  model::RetrieverOptions o;
  o.preserve_retriever_ids = true;
  c.retriever_options = o;
  model::Migration m = Run(c);
  ExpectCompletedProgress(m);
  EXPECT_TRUE(Target(m)->GetRetriever(retriever_.retriever_id).ok());
  EXPECT_EQ(Target(m)->CountRetrievers().value(), 1);
}

TEST_F(RetrieverMigrationTest, MigrateExecutionHistory) {
  MakeRetriever();
  model::MigrationConfig c = Config(MigrationType::kCopy);
  model::RetrieverOptions o;
  o.migrate_execution_history = true;
  c.retriever_options = o;
  model::Migration m = Run(c);
  ExpectCompletedProgress(m);
  auto target = Target(m);
  const std::string tid = MapId(m.migration_id, retriever_.retriever_id, false);
  auto history = target->ListExecutions(tid, std::nullopt, kAll).value();
  ASSERT_EQ(history.size(), 3u);
  for (const auto& e : history) {
    EXPECT_EQ(e.retriever_id, tid);
    for (const auto& r : e.results) {
      EXPECT_TRUE(target->GetDocument(r.collection_id, r.document_id, false).ok()) << r.document_id;
    }
  }
  EXPECT_EQ(target->CountInteractions({}).value(), 0);
}

TEST_F(RetrieverMigrationTest, MigrateInteractions) {
  MakeRetriever();
  model::MigrationConfig c = Config(MigrationType::kCopy);
  model::RetrieverOptions o;
  o.migrate_interactions = true;
  c.retriever_options = o;
  model::Migration m = Run(c);
  ExpectCompletedProgress(m);
  auto target = Target(m);
  const std::string tid = MapId(m.migration_id, retriever_.retriever_id, false);
  auto list = target->ListInteractions({}, kAll).value();
  ASSERT_EQ(list.size(), 2u);
  const std::string target_col = MapId(m.migration_id, sentences_.collection_id, false);
  for (const auto& i : list) {
    EXPECT_EQ(i.retriever_id, tid);
    EXPECT_TRUE(target->GetDocument(target_col, i.feature_id, false).ok()) << i.feature_id;
  }
  EXPECT_EQ(target->CountExecutions(tid, std::nullopt).value(), 0);
}

TEST_F(RetrieverMigrationTest, RetrieverIdsSelectExactlyItsDependencies) {
  MakeRetriever();
  model::MigrationConfig c = Config(MigrationType::kCopy);
  model::ResourceFilter f;
  f.retriever_ids = std::vector<std::string>{retriever_.retriever_id};
  c.filters = f;
  std::string message;
  auto draft = migrations_->Create(caller_, c, false, &message);
  ASSERT_TRUE(draft.ok());
  ASSERT_TRUE(draft->validation_result->valid);
  std::set<std::string> nodes;
  for (const auto& n : draft->dependency_graph->nodes) nodes.insert(n.resource_id);
  EXPECT_EQ(nodes, (std::set<std::string>{bucket_.bucket_id, sentences_.collection_id,
                                          retriever_.retriever_id}));

  f.auto_include_dependencies = false;
  c.filters = f;
  auto strict = migrations_->Create(caller_, c, false, &message);
  ASSERT_TRUE(strict.ok());
  EXPECT_FALSE(strict->validation_result->valid);
  ASSERT_FALSE(strict->validation_result->errors.empty());
  EXPECT_EQ(strict->validation_result->errors[0].type, "missing_dependency");
}

TEST_F(RetrieverMigrationTest, ValidateReferencesFalseMigratesWithWarnings) {
  MakeRetriever();
  model::MigrationConfig c = Config(MigrationType::kCopy);
  model::ResourceFilter f;
  f.retriever_ids = std::vector<std::string>{retriever_.retriever_id};
  f.auto_include_dependencies = false;
  c.filters = f;
  model::RetrieverOptions o;
  o.validate_references = false;
  c.retriever_options = o;
  std::string message;
  auto draft = migrations_->Create(caller_, c, false, &message);
  ASSERT_TRUE(draft.ok());
  EXPECT_TRUE(draft->validation_result->valid);
  ASSERT_FALSE(draft->validation_result->warnings.empty());
  EXPECT_EQ(draft->validation_result->warnings[0].type, "missing_dependency");

  model::Migration m = Run(c);
  ExpectCompletedProgress(m);
  const Value* rows = m.additional_data.Get("retrievers");
  ASSERT_NE(rows, nullptr);
  ASSERT_EQ(rows->as_array().size(), 1u);
  const auto& warnings = rows->as_array()[0].Get("warnings")->as_array();
  ASSERT_FALSE(warnings.empty());
  EXPECT_NE(warnings[0].as_string().find("not in the target"), std::string::npos);
  EXPECT_EQ(Target(m)->CountRetrievers().value(), 1);
}

model::MigrationConfig WithHistory(model::MigrationConfig c) {
  model::RetrieverOptions o;
  o.migrate_execution_history = true;
  o.migrate_interactions = true;
  c.retriever_options = o;
  return c;
}

// The migration's report row of its one retriever.
const Value& RetrieverRow(const model::Migration& m) {
  static const Value kNull;
  const Value* rows = m.additional_data.Get("retrievers");
  if (rows == nullptr || rows->as_array().size() != 1) {
    ADD_FAILURE() << "no report row for the retriever";
    return kNull;
  }
  return rows->as_array()[0];
}

// The row's count of unresolved document references; -1 when it has none.
int64_t Unresolved(const model::Migration& m) {
  const Value* n = RetrieverRow(m).Get("unresolved_document_references");
  return n != nullptr && n->is_int() ? n->as_int() : -1;
}

// Checks that every reference of the migrated history and interactions is a document of
// the target derived from the same root object as the source document it replaces, and
// (same_text) from the same chunk; returns how many were checked.
class HistoryCheck {
 public:
  HistoryCheck(const model::Migration& m, storage::NamespaceStore& source,
               storage::NamespaceStore& target)
      : mig_(m.migration_id), source_(source), target_(target) {}

  void Expect(const std::string& source_col, const std::string& source_doc,
              const std::string& target_doc, bool same_text) {
    SCOPED_TRACE(source_doc + " -> " + target_doc);
    ++checked;
    auto s = source_.GetDocument(source_col, source_doc, false);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    auto t = target_.GetDocument(MapId(mig_, source_col, false), target_doc, false);
    ASSERT_TRUE(t.ok()) << "not in the target: " << t.status().ToString();
    EXPECT_EQ(t->lineage.root_object_id, MapId(mig_, s->lineage.root_object_id, false));
    if (same_text) {
      ASSERT_NE(t->fields.Get("text"), nullptr);
      EXPECT_EQ(t->fields.Get("text")->as_string(), s->fields.Get("text")->as_string());
    }
  }

  int checked = 0;

 private:
  std::string mig_;
  storage::NamespaceStore& source_;
  storage::NamespaceStore& target_;
};

class ReExtractHistoryTest : public RetrieverMigrationTest {
 protected:
  // Runs `config` with history and interactions, and checks each migrated reference.
  model::Migration RunAndCheck(const model::MigrationConfig& config, bool same_text) {
    model::Migration m = Run(WithHistory(config));
    ExpectCompletedProgress(m);
    auto target = Target(m);
    EXPECT_NE(target, nullptr);
    if (target == nullptr) return m;
    const std::string tid = MapId(m.migration_id, retriever_.retriever_id, false);
    const std::string col = retriever_.collection_ids[0];
    HistoryCheck check(m, *source_.store, *target);
    auto history = target->ListExecutions(tid, std::nullopt, kAll).value();
    EXPECT_EQ(history.size(), executions_.size());
    for (const auto& source : executions_) {
      auto e = target->GetExecution(tid, MapId(m.migration_id, source.execution_id, false));
      EXPECT_TRUE(e.ok()) << e.status().ToString();
      if (!e.ok()) continue;
      EXPECT_EQ(e->results.size(), source.results.size());
      for (size_t k = 0; k < e->results.size() && k < source.results.size(); ++k) {
        EXPECT_EQ(e->results[k].collection_id, MapId(m.migration_id, col, false));
        check.Expect(col, source.results[k].document_id, e->results[k].document_id, same_text);
      }
    }
    auto source_feedback = source_.store->ListInteractions({}, kAll).value();
    for (const auto& s : source_feedback) {
      auto t = target->ListInteractions({}, kAll).value();
      auto it = std::find_if(t.begin(), t.end(), [&](const model::Interaction& i) {
        return i.interaction_id == MapId(m.migration_id, s.interaction_id, false);
      });
      EXPECT_NE(it, t.end());
      if (it != t.end()) check.Expect(col, s.feature_id, it->feature_id, same_text);
    }
    EXPECT_GT(check.checked, 2 * 3);
    EXPECT_EQ(Unresolved(m), 0);
    return m;
  }
};

TEST_F(ReExtractHistoryTest, HistoryAndInteractionsPointAtTheRebuiltDocuments) {
  MakeRetriever();
  RunAndCheck(Config(MigrationType::kReExtract), /*same_text=*/true);
}

TEST_F(ReExtractHistoryTest, ChainedCollectionsMapThroughTheirRebuiltSource) {
  MakeRetriever(/*over_chained=*/true);
  RunAndCheck(Config(MigrationType::kReExtract), /*same_text=*/true);
}

TEST_F(ReExtractHistoryTest, ChunkingChangedFallsBackToTheFirstChunkOfTheSameObject) {
  MakeRetriever();
  model::MigrationConfig c = Config(MigrationType::kReExtract);
  (*c.feature_extractors)[0].parameters = Obj({{"split_by", "none"}});
  // One document per object now: a reference to a second sentence goes to the object's.
  RunAndCheck(c, /*same_text=*/false);
  bool second_sentence = false;
  for (const auto& e : executions_) {
    for (const auto& r : e.results) {
      auto d = source_.store->GetDocument(r.collection_id, r.document_id, false).value();
      second_sentence |=
          r.document_id != service::DocumentIdFor(r.collection_id, d.lineage.root_object_id, 0);
    }
  }
  EXPECT_TRUE(second_sentence) << "the history should reference a second sentence";
}

TEST_F(ReExtractHistoryTest, ReferencesWithoutATargetDocumentAreKeptAndCounted) {
  MakeRetriever();
  model::RetrieverExecution gone = executions_[0];
  gone.execution_id = "exe_gone";
  gone.results.resize(1);
  gone.results[0].document_id = "doc_000000000000000000000000";  // in no collection
  ASSERT_TRUE(source_.store->InsertExecution(gone).ok());
  model::Migration m = Run(WithHistory(Config(MigrationType::kReExtract)));
  ExpectCompletedProgress(m);
  const Value& row = RetrieverRow(m);
  EXPECT_EQ(Unresolved(m), 1);
  EXPECT_EQ(row.Get("executions_migrated")->as_int(), 4);
  ASSERT_FALSE(row.Get("warnings")->as_array().empty());
  EXPECT_NE(row.Get("warnings")->as_array().back().as_string().find("1 document reference"),
            std::string::npos);
  const std::string tid = MapId(m.migration_id, retriever_.retriever_id, false);
  auto kept = Target(m)->GetExecution(tid, MapId(m.migration_id, "exe_gone", false));
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  EXPECT_EQ(kept->results[0].document_id,
            MapId(m.migration_id, "doc_000000000000000000000000", false));
}

TEST_F(ReExtractHistoryTest, CopyKeepsTheCopyRule) {
  MakeRetriever();
  model::Migration m = Run(WithHistory(Config(MigrationType::kCopy)));
  ExpectCompletedProgress(m);
  const std::string tid = MapId(m.migration_id, retriever_.retriever_id, false);
  auto e = Target(m)->GetExecution(tid, MapId(m.migration_id, executions_[0].execution_id, false));
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->results[0].document_id,
            MapId(m.migration_id, executions_[0].results[0].document_id, false));
  EXPECT_EQ(Unresolved(m), 0);
}

}  // namespace
}  // namespace ferry::migration
