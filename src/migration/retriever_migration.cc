#include "migration/retriever_migration.h"

#include <set>

#include "migration/planner.h"
#include "migration/reference_rewrite.h"

namespace ferry::migration {

namespace {

using model::Value;
using model::ValueObject;

constexpr int64_t kPage = 500;

model::RetrieverOptions Options(const RunContext& ctx) {
  return ctx.config.retriever_options.value_or(model::RetrieverOptions{});
}

// Feature URIs the target collection's documents carry: its extractor's, plus those an
// extend adds.
std::set<std::string> ProducedUris(const RunContext& ctx, const std::string& source_collection,
                                   const model::Collection& target) {
  std::set<std::string> uris{target.extractor.feature_uri()};
  auto a = ctx.plan.actions.find(source_collection);
  if (a != ctx.plan.actions.end()) {
    for (const auto& [fx, params] : a->second.extra) uris.insert(fx->info().feature_uri());
  }
  return uris;
}

Status Upsert(const RunContext& ctx, const model::Retriever& r) {
  Status st = ctx.target->InsertRetriever(r);
  if (st.code() == StatusCode::kAlreadyExists) st = ctx.target->UpdateRetriever(r);
  return st;
}

Result<int64_t> CopyExecutions(const RunContext& ctx, const RetrieverPair& p) {
  int64_t copied = 0;
  for (int64_t offset = 0;; offset += kPage) {
    FERRY_ASSIGN_OR_RETURN(auto page, ctx.source->ListExecutions(p.source.retriever_id,
                                                                 std::nullopt, {offset, kPage}));
    for (auto& e : page) {
      e.execution_id = ctx.TargetIdOf(model::ResourceType::kRetriever, e.execution_id);
      e.retriever_id = p.target.retriever_id;
      for (auto& r : e.results) {
        r.document_id = ctx.TargetId(r.document_id);
        r.collection_id = ctx.TargetId(r.collection_id);
      }
      Status st = ctx.target->InsertExecution(e);
      if (!st.ok() && st.code() != StatusCode::kAlreadyExists) return st;
      ++copied;
    }
    if (static_cast<int64_t>(page.size()) < kPage) return copied;
  }
}

Result<int64_t> CopyInteractions(const RunContext& ctx, const RetrieverPair& p) {
  model::InteractionQuery q;
  q.retriever_id = p.source.retriever_id;
  int64_t copied = 0;
  for (int64_t offset = 0;; offset += kPage) {
    FERRY_ASSIGN_OR_RETURN(auto page, ctx.source->ListInteractions(q, {offset, kPage}));
    for (auto& i : page) {
      i.interaction_id = ctx.TargetIdOf(model::ResourceType::kRetriever, i.interaction_id);
      i.retriever_id = p.target.retriever_id;
      i.feature_id = ctx.TargetId(i.feature_id);
      if (i.execution_id) {
        i.execution_id = ctx.TargetIdOf(model::ResourceType::kRetriever, *i.execution_id);
      }
      Status st = ctx.target->InsertInteraction(i);
      if (!st.ok() && st.code() != StatusCode::kAlreadyExists) return st;
      ++copied;
    }
    if (static_cast<int64_t>(page.size()) < kPage) return copied;
  }
}

}  // namespace

std::vector<RetrieverPair> TargetRetrievers(const RunContext& ctx) {
  ReferenceMap refs(ctx);
  std::vector<RetrieverPair> out;
  for (const auto& id : ctx.plan.graph.execution_order) {
    for (const auto& r : ctx.plan.snapshot.retrievers) {
      if (r.retriever_id != id) continue;
      out.push_back(
          {r, RewriteRetriever(refs, r, ctx.TargetIdOf(model::ResourceType::kRetriever, id))});
    }
  }
  return out;
}

Result<std::vector<std::string>> DanglingReferences(const RunContext& ctx,
                                                    const RetrieverPair& pair) {
  std::vector<std::string> problems;
  const std::string& name = pair.source.retriever_name;
  std::set<std::string> produced;
  for (size_t i = 0; i < pair.target.collection_ids.size(); ++i) {
    const std::string& cid = pair.target.collection_ids[i];
    auto c = ctx.target->GetCollection(cid);
    if (!c.ok()) {
      if (c.status().code() != StatusCode::kNotFound) return c.status();
      problems.push_back("retriever '" + name + "' searches collection '" +
                         pair.source.collection_ids[i] + "', which is not in the target");
      continue;
    }
    auto uris = ProducedUris(ctx, pair.source.collection_ids[i], *c);
    produced.insert(uris.begin(), uris.end());
  }
  std::set<std::string> named;
  for (const auto& s : pair.target.stages) CollectStrings(s.parameters, &named);
  std::set<std::string> migrated;
  for (const auto& n : ctx.plan.graph.nodes) migrated.insert(n.resource_id);
  for (const auto& ref : ResourcesOf(ctx.plan.snapshot)) {
    if (named.count(ref.id) > 0 && migrated.count(ref.id) == 0) {
      problems.push_back("retriever '" + name + "' names " + model::ResourceTypeName(ref.type) +
                         " '" + ref.id + "', which this migration does not move");
    }
  }
  for (const auto& s : named) {
    if (s.rfind("mixpeek://", 0) == 0 && produced.count(s) == 0) {
      problems.push_back("retriever '" + name + "' searches feature '" + s +
                         "', which none of its target collections has");
    }
  }
  return problems;
}

Result<Value> MigrateRetrievers(const RunContext& ctx) {
  const model::RetrieverOptions options = Options(ctx);
  model::ValueArray rows;
  for (const auto& pair : TargetRetrievers(ctx)) {
    FERRY_ASSIGN_OR_RETURN(auto problems, DanglingReferences(ctx, pair));
    if (!problems.empty() && options.validate_references) {
      return Status::FailedPrecondition(problems.front());
    }
    FERRY_RETURN_IF_ERROR(Upsert(ctx, pair.target));
    int64_t executions = 0, interactions = 0;
    if (options.migrate_execution_history) {
      FERRY_ASSIGN_OR_RETURN(executions, CopyExecutions(ctx, pair));
    }
    if (options.migrate_interactions) {
      FERRY_ASSIGN_OR_RETURN(interactions, CopyInteractions(ctx, pair));
    }
    ValueObject row;
    row.Set("source_retriever_id", pair.source.retriever_id);
    row.Set("target_retriever_id", pair.target.retriever_id);
    row.Set("executions_migrated", executions);
    row.Set("interactions_migrated", interactions);
    model::ValueArray warnings;
    for (auto& p : problems) warnings.emplace_back(std::move(p));
    row.Set("warnings", Value(std::move(warnings)));
    rows.emplace_back(std::move(row));
  }
  return Value(std::move(rows));
}

}  // namespace ferry::migration
