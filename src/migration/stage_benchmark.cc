// benchmark_evaluation (DESIGN.md §2): for each migrated retriever, replay the source's
// recorded queries (inputs of its completed executions, and the query snapshots of
// interactions without an execution) against the source retriever on the source and
// its target definition on the target; report per retriever the mean overlap@10
// between the two result lists and, for both sides, NDCG@10 and MRR over the queries
// whose interactions mark relevant documents, and the median latency. Results are
// compared by a key that survives migration: (target collection, mapped root object,
// text of the document), so that rebuilt documents, whose ids are new, still match; and
// each side's results are re-ranked by (score, key), so that ties break alike.

#include <algorithm>
#include <map>
#include <set>

#include "migration/benchmark_metrics.h"
#include "migration/retriever_migration.h"
#include "migration/stages.h"

namespace ferry::migration {

namespace {

using model::MigrationStage;
using model::Value;
using model::ValueObject;

constexpr size_t kK = 10;
constexpr size_t kMaxQueries = 50;
constexpr int64_t kPage = 200;

bool IsPositive(const std::string& type) {
  static const std::set<std::string> kPositive = {"click",       "positive_feedback", "purchase",
                                                  "add_to_cart", "wishlist",          "long_view",
                                                  "share",       "bookmark"};
  return kPositive.count(type) > 0;
}
bool IsNegative(const std::string& type) {
  return type == "negative_feedback" || type == "skip" || type == "return_to_results";
}

std::string Text(const model::Document& d) {
  const Value* t = d.fields.Get("text");
  return t != nullptr && t->is_string() ? t->as_string() : "";
}

// The key of a target document, and of a source document as it appears in the target.
std::string TargetKey(const model::Document& d) {
  return d.collection_id + "|" + d.lineage.root_object_id + "|" + Text(d);
}
std::string SourceKey(const RunContext& ctx, const model::Document& d) {
  return ctx.TargetId(d.collection_id) + "|" + ctx.TargetId(d.lineage.root_object_id) + "|" +
         Text(d);
}

struct Query {
  Value inputs;
  std::set<std::string> relevant;      // source keys
  std::set<std::string> not_relevant;  // negative feedback wins over positive
};

// Recorded queries by canonical inputs, newest first, at most kMaxQueries.
Result<std::vector<Query>> RecordedQueries(const RunContext& ctx, const model::Retriever& r) {
  std::vector<Query> queries;
  std::map<std::string, size_t> by_inputs;
  std::map<std::string, std::string> exec_inputs;  // execution id → canonical inputs
  auto add = [&](const Value& inputs) -> std::optional<size_t> {
    std::string key = model::EncodeValue(inputs);
    auto it = by_inputs.find(key);
    if (it != by_inputs.end()) return it->second;
    if (queries.size() >= kMaxQueries) return std::nullopt;
    by_inputs[key] = queries.size();
    queries.push_back({inputs, {}, {}});
    return queries.size() - 1;
  };
  for (int64_t offset = 0;; offset += kPage) {
    FERRY_ASSIGN_OR_RETURN(
        auto page,
        ctx.source->ListExecutions(r.retriever_id, std::string("completed"), {offset, kPage}));
    for (const auto& e : page) {
      if (add(e.inputs)) exec_inputs[e.execution_id] = model::EncodeValue(e.inputs);
    }
    if (static_cast<int64_t>(page.size()) < kPage) break;
  }
  model::InteractionQuery iq;
  iq.retriever_id = r.retriever_id;
  for (int64_t offset = 0;; offset += kPage) {
    FERRY_ASSIGN_OR_RETURN(auto page, ctx.source->ListInteractions(iq, {offset, kPage}));
    for (const auto& i : page) {
      std::optional<size_t> q;
      if (i.execution_id && exec_inputs.count(*i.execution_id) > 0) {
        q = by_inputs.at(exec_inputs.at(*i.execution_id));
      } else if (!i.execution_id && i.query_snapshot.is_object()) {
        q = add(i.query_snapshot);
      }
      if (!q) continue;
      std::optional<model::Document> doc;
      for (const auto& cid : r.collection_ids) {
        auto d = ctx.source->GetDocument(cid, i.feature_id, false);
        if (d.ok()) {
          doc = std::move(d).value();
          break;
        }
      }
      if (!doc) continue;  // feedback on a document that no longer exists
      for (const auto& t : i.interaction_type) {
        if (IsPositive(t)) queries[*q].relevant.insert(SourceKey(ctx, *doc));
        if (IsNegative(t)) queries[*q].not_relevant.insert(SourceKey(ctx, *doc));
      }
    }
    if (static_cast<int64_t>(page.size()) < kPage) break;
  }
  for (auto& q : queries) {
    for (const auto& k : q.not_relevant) q.relevant.erase(k);
  }
  return queries;
}

// One side's numbers over the replayed queries.
struct SideStats {
  std::vector<double> latencies;
  double ndcg_sum = 0, rr_sum = 0;
  int64_t judged = 0, failed = 0;

  Value ToValue() const {
    ValueObject o;
    o.Set("ndcg_at_10", judged > 0 ? Value(ndcg_sum / judged) : Value());
    o.Set("mrr", judged > 0 ? Value(rr_sum / judged) : Value());
    o.Set("p50_latency_ms", Median(latencies));
    o.Set("failed_queries", failed);
    return Value(std::move(o));
  }
};

// Runs one side; the ranked keys of its results (empty on failure, counted).
Result<std::vector<std::string>> Replay(const RunContext& ctx, const service::NamespaceHandle& h,
                                        const model::Retriever& r, const Query& q, bool source,
                                        SideStats* stats) {
  FERRY_ASSIGN_OR_RETURN(service::Evaluation ev, ctx.retrievers->Evaluate(h, r, q.inputs));
  stats->latencies.push_back(ev.execution.latency_ms);
  std::vector<std::string> keys;
  if (!ev.failure.ok()) {
    ++stats->failed;
    return keys;
  }
  // Ties in score are broken by key rather than by document id (which a migration
  // remaps), so that identical scores rank identically on both sides.
  std::vector<std::pair<double, std::string>> ranked;
  for (const auto& d : ev.results) {
    ranked.emplace_back(d.score, source ? SourceKey(ctx, d.doc) : TargetKey(d.doc));
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  for (auto& r : ranked) keys.push_back(std::move(r.second));
  if (!q.relevant.empty()) {
    ++stats->judged;
    stats->ndcg_sum += NdcgAtK(keys, q.relevant, kK);
    stats->rr_sum += ReciprocalRank(keys, q.relevant);
  }
  return keys;
}

Result<Value> Evaluate(RunContext& ctx, const RetrieverPair& pair,
                       const std::vector<Query>& queries, const service::NamespaceHandle& src,
                       const service::NamespaceHandle& dst) {
  SideStats source, target;
  double overlap_sum = 0;
  for (const auto& q : queries) {
    if (ctx.cancelled) return Status::Cancelled("cancelled");
    FERRY_ASSIGN_OR_RETURN(auto a, Replay(ctx, src, pair.source, q, true, &source));
    FERRY_ASSIGN_OR_RETURN(auto b, Replay(ctx, dst, pair.target, q, false, &target));
    overlap_sum += OverlapAtK(a, b, kK);
    FERRY_RETURN_IF_ERROR(ctx.progress.StageItems(MigrationStage::kBenchmarkEvaluation, 1, 0));
  }
  ValueObject row;
  row.Set("source_retriever_id", pair.source.retriever_id);
  row.Set("target_retriever_id", pair.target.retriever_id);
  row.Set("queries", static_cast<int64_t>(queries.size()));
  row.Set("judged_queries", source.judged);
  row.Set("overlap_at_10",
          queries.empty() ? Value() : Value(overlap_sum / static_cast<double>(queries.size())));
  row.Set("source", source.ToValue());
  row.Set("target", target.ToValue());
  return Value(std::move(row));
}

}  // namespace

Status RunBenchmarkEvaluation(RunContext& ctx) {
  std::vector<RetrieverPair> pairs;
  if (!ctx.dry_run() && ctx.retrievers != nullptr) pairs = TargetRetrievers(ctx);
  std::vector<std::vector<Query>> queries;
  int64_t total = 0;
  for (const auto& p : pairs) {
    FERRY_ASSIGN_OR_RETURN(auto q, RecordedQueries(ctx, p.source));
    total += static_cast<int64_t>(q.size());
    queries.push_back(std::move(q));
  }
  FERRY_RETURN_IF_ERROR(ctx.progress.StageStarted(MigrationStage::kBenchmarkEvaluation, total));
  if (pairs.empty()) return Status::Ok();
  FERRY_ASSIGN_OR_RETURN(
      auto target_ns, ctx.deps.storage.catalog().GetNamespace(ctx.org_id, ctx.target_namespace_id));
  const service::NamespaceHandle src{*ctx.plan.source, ctx.source};
  const service::NamespaceHandle dst{target_ns, ctx.target};
  model::ValueArray rows;
  Status st;
  for (size_t i = 0; i < pairs.size() && st.ok(); ++i) {
    auto row = Evaluate(ctx, pairs[i], queries[i], src, dst);
    if (row.ok()) {
      rows.push_back(std::move(row).value());
    } else {
      st = row.status();
    }
  }
  ctx.retrievers->ForgetIndexes(src.ns.namespace_id);
  ctx.retrievers->ForgetIndexes(dst.ns.namespace_id);
  FERRY_RETURN_IF_ERROR(st);
  return ctx.progress.Update([&](model::Migration& m) {
    ValueObject data =
        m.additional_data.is_object() ? m.additional_data.as_object() : ValueObject{};
    ValueObject bench;
    bench.Set("k", static_cast<int64_t>(kK));
    bench.Set("retrievers", Value(rows));
    data.Set("benchmark", Value(std::move(bench)));
    m.additional_data = Value(std::move(data));
  });
}

}  // namespace ferry::migration
