#include "migration/retriever_migration.h"

#include <map>
#include <optional>
#include <set>

#include "migration/planner.h"
#include "migration/reference_rewrite.h"
#include "service/document_builder.h"

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

// ---- document references of history and feedback ----
//
// A copied collection's documents keep their ids by the copy rule (ctx.TargetId). A
// rebuilt collection's documents are new: DocumentIdFor(target collection, mapped source
// key, position). A source document's position is recovered from its id and lineage; when
// the target has no document at that position (the new extractor chunks differently) the
// reference goes to position 0 of the same source item; with neither, it is unresolved.

// Highest chunk position tried when recovering a document's position from its id.
constexpr int kMaxPosition = 1024;
// Longest chain of collections followed to map a chained document's source key.
constexpr int kMaxChainDepth = 16;

using DocRef = std::pair<std::string, std::string>;  // {source collection id, document id}

bool Rebuilt(const RunContext& ctx, const std::string& collection_id) {
  auto a = ctx.plan.actions.find(collection_id);
  return a != ctx.plan.actions.end() && a->second.kind == CollectionAction::Kind::kRebuild &&
         ctx.target_collections.count(collection_id) > 0;
}

// The item DocumentBuilder made `lineage`'s document from: its object, or its document of
// the source collection.
std::string SourceKey(const model::Lineage& l) {
  if (l.source_type == model::SourceType::kCollection) return l.source_document_id.value_or("");
  return l.source_object_id.value_or(l.root_object_id);
}

// The position DocumentBuilder named `doc` with; nullopt when its id is not one of
// DocumentBuilder's (e.g. it came from an earlier migration's copy rule).
std::optional<int> PositionOf(const model::Document& doc, const std::string& source_key) {
  for (int p = 0; p < kMaxPosition; ++p) {
    if (service::DocumentIdFor(doc.collection_id, source_key, p) == doc.document_id) return p;
  }
  return std::nullopt;
}

// The target ids of one page's document references, resolved together: one read of the
// source and one of the target per collection (and per level of a chain), never one per id.
class DocumentIdMap {
 public:
  explicit DocumentIdMap(const RunContext& ctx) : ctx_(ctx) {}

  // Reads and resolves the references into rebuilt collections (others need no read).
  Status Resolve(const std::set<DocRef>& refs, int depth = 0) {
    std::map<std::string, std::vector<std::string>> by_collection;
    for (const auto& ref : refs) {
      if (Rebuilt(ctx_, ref.first) && target_.count(ref) == 0) {
        by_collection[ref.first].push_back(ref.second);
      }
    }
    for (const auto& [collection, ids] : by_collection) {
      FERRY_ASSIGN_OR_RETURN(auto docs, ctx_.source->GetDocuments(collection, ids));
      FERRY_RETURN_IF_ERROR(Add(docs, depth));
    }
    return Status::Ok();
  }

  // The collection among `collections` holding each of `ids` (absent: in none of them),
  // the documents of rebuilt ones resolved on the way. Rebuilt collections are read first,
  // the others only for the ids still unplaced.
  Result<std::map<std::string, std::string>> Locate(const std::vector<std::string>& collections,
                                                    std::set<std::string> ids) {
    std::vector<std::string> order;
    for (const auto& c : collections) {
      if (Rebuilt(ctx_, c)) order.push_back(c);
    }
    for (const auto& c : collections) {
      if (!Rebuilt(ctx_, c)) order.push_back(c);
    }
    std::map<std::string, std::string> where;  // document id → its source collection
    for (const auto& c : order) {
      if (ids.empty()) break;
      FERRY_ASSIGN_OR_RETURN(auto docs, ctx_.source->GetDocuments(c, {ids.begin(), ids.end()}));
      for (const auto& d : docs) {
        where[d.document_id] = c;
        ids.erase(d.document_id);
      }
      if (Rebuilt(ctx_, c)) FERRY_RETURN_IF_ERROR(Add(docs, 0));
    }
    return where;
  }

  // The target id of a reference; *resolved is false when it points into a rebuilt
  // collection and has no counterpart there (the copy rule's id is returned then).
  std::string Target(const std::string& collection_id, const std::string& document_id,
                     bool* resolved) const {
    *resolved = true;
    if (!Rebuilt(ctx_, collection_id)) return ctx_.TargetId(document_id);
    auto it = target_.find({collection_id, document_id});
    if (it != target_.end()) return it->second;
    *resolved = false;
    return ctx_.TargetId(document_id);
  }

 private:
  struct Candidate {
    DocRef ref;
    std::string at_position, at_zero;
  };

  // Resolves these documents of rebuilt collections, read from the source.
  Status Add(const std::vector<model::Document>& docs, int depth) {
    if (depth > kMaxChainDepth) return Status::Ok();  // left unresolved
    std::set<DocRef> upstream;
    for (const auto& d : docs) {
      const auto& l = d.lineage;
      if (l.source_type == model::SourceType::kCollection && l.source_collection_id) {
        upstream.insert({*l.source_collection_id, SourceKey(l)});
      }
    }
    FERRY_RETURN_IF_ERROR(Resolve(upstream, depth + 1));
    for (const auto& [tc, candidates] : CandidatesOf(docs)) {
      FERRY_RETURN_IF_ERROR(KeepExisting(tc, candidates));
    }
    return Status::Ok();
  }

  // Each document's possible target ids, by target collection id. Needs the documents'
  // upstream references resolved first.
  std::map<std::string, std::vector<Candidate>> CandidatesOf(
      const std::vector<model::Document>& docs) const {
    std::map<std::string, std::vector<Candidate>> by_target;
    for (const auto& d : docs) {
      if (!Rebuilt(ctx_, d.collection_id)) continue;
      const std::string key = SourceKey(d.lineage);
      bool known = true;
      std::string mapped = ctx_.TargetId(key);
      if (d.lineage.source_type == model::SourceType::kCollection) {
        if (!d.lineage.source_collection_id) continue;
        mapped = Target(*d.lineage.source_collection_id, key, &known);
      }
      if (!known) continue;  // its source item has no counterpart: nor has it
      const std::string& tc = ctx_.target_collections.at(d.collection_id).collection_id;
      by_target[tc].push_back({{d.collection_id, d.document_id},
                               service::DocumentIdFor(tc, mapped, PositionOf(d, key).value_or(0)),
                               service::DocumentIdFor(tc, mapped, 0)});
    }
    return by_target;
  }

  // Resolves each candidate to its first target id that the target collection has.
  Status KeepExisting(const std::string& target_collection,
                      const std::vector<Candidate>& candidates) {
    std::set<std::string> ids;
    for (const auto& c : candidates) ids.insert({c.at_position, c.at_zero});
    FERRY_ASSIGN_OR_RETURN(auto found,
                           ctx_.target->GetDocuments(target_collection, {ids.begin(), ids.end()}));
    std::set<std::string> exists;
    for (const auto& f : found) exists.insert(f.document_id);
    for (const auto& c : candidates) {
      if (exists.count(c.at_position) > 0) {
        target_[c.ref] = c.at_position;
      } else if (exists.count(c.at_zero) > 0) {
        target_[c.ref] = c.at_zero;
      }
    }
    return Status::Ok();
  }

  const RunContext& ctx_;
  std::map<DocRef, std::string> target_;  // resolved references into rebuilt collections
};

Status Upsert(const RunContext& ctx, const model::Retriever& r) {
  Status st = ctx.target->InsertRetriever(r);
  if (st.code() == StatusCode::kAlreadyExists) st = ctx.target->UpdateRetriever(r);
  return st;
}

// `*unresolved` counts the document references that have no counterpart in the target.
Result<int64_t> CopyExecutions(const RunContext& ctx, const RetrieverPair& p, int64_t* unresolved) {
  int64_t copied = 0;
  for (int64_t offset = 0;; offset += kPage) {
    FERRY_ASSIGN_OR_RETURN(auto page, ctx.source->ListExecutions(p.source.retriever_id,
                                                                 std::nullopt, {offset, kPage}));
    DocumentIdMap ids(ctx);
    std::set<DocRef> refs;
    for (const auto& e : page) {
      for (const auto& r : e.results) refs.insert({r.collection_id, r.document_id});
    }
    FERRY_RETURN_IF_ERROR(ids.Resolve(refs));
    for (auto& e : page) {
      e.execution_id = ctx.TargetIdOf(model::ResourceType::kRetriever, e.execution_id);
      e.retriever_id = p.target.retriever_id;
      for (auto& r : e.results) {
        bool resolved = true;
        r.document_id = ids.Target(r.collection_id, r.document_id, &resolved);
        r.collection_id = ctx.TargetId(r.collection_id);
        if (!resolved) ++*unresolved;
      }
      Status st = ctx.target->InsertExecution(e);
      if (!st.ok() && st.code() != StatusCode::kAlreadyExists) return st;
      ++copied;
    }
    if (static_cast<int64_t>(page.size()) < kPage) return copied;
  }
}

// The target document of each interaction's feature_id, found among the retriever's
// collections: the copy rule unless one of them is rebuilt.
Result<std::map<std::string, std::string>> FeatureTargets(
    const RunContext& ctx, const RetrieverPair& p, const std::vector<model::Interaction>& page,
    int64_t* unresolved) {
  std::map<std::string, std::string> out;
  bool any_rebuilt = false;
  for (const auto& c : p.source.collection_ids) any_rebuilt |= Rebuilt(ctx, c);
  std::set<std::string> features;
  for (const auto& i : page) features.insert(i.feature_id);
  DocumentIdMap ids(ctx);
  std::map<std::string, std::string> where;
  if (any_rebuilt) {
    FERRY_ASSIGN_OR_RETURN(where, ids.Locate(p.source.collection_ids, features));
  }
  for (const auto& i : page) {
    auto w = where.find(i.feature_id);
    bool resolved = !any_rebuilt;
    out[i.feature_id] = w == where.end() ? ctx.TargetId(i.feature_id)
                                         : ids.Target(w->second, i.feature_id, &resolved);
    if (!resolved) ++*unresolved;
  }
  return out;
}

Result<int64_t> CopyInteractions(const RunContext& ctx, const RetrieverPair& p,
                                 int64_t* unresolved) {
  model::InteractionQuery q;
  q.retriever_id = p.source.retriever_id;
  int64_t copied = 0;
  for (int64_t offset = 0;; offset += kPage) {
    FERRY_ASSIGN_OR_RETURN(auto page, ctx.source->ListInteractions(q, {offset, kPage}));
    FERRY_ASSIGN_OR_RETURN(auto features, FeatureTargets(ctx, p, page, unresolved));
    for (auto& i : page) {
      i.interaction_id = ctx.TargetIdOf(model::ResourceType::kRetriever, i.interaction_id);
      i.retriever_id = p.target.retriever_id;
      i.feature_id = features.at(i.feature_id);
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
    int64_t executions = 0, interactions = 0, unresolved = 0;
    if (options.migrate_execution_history) {
      FERRY_ASSIGN_OR_RETURN(executions, CopyExecutions(ctx, pair, &unresolved));
    }
    if (options.migrate_interactions) {
      FERRY_ASSIGN_OR_RETURN(interactions, CopyInteractions(ctx, pair, &unresolved));
    }
    if (unresolved > 0) {
      problems.push_back(std::to_string(unresolved) + " document references of retriever '" +
                         pair.source.retriever_name +
                         "' history and interactions have no document in the rebuilt target;"
                         " they were kept by the copy rule");
      ctx.deps.logger.Warn("retriever history references without a target document",
                           {{"migration_id", ctx.migration_id},
                            {"retriever_id", pair.source.retriever_id},
                            {"unresolved", std::to_string(unresolved)}});
    }
    ValueObject row;
    row.Set("source_retriever_id", pair.source.retriever_id);
    row.Set("target_retriever_id", pair.target.retriever_id);
    row.Set("executions_migrated", executions);
    row.Set("interactions_migrated", interactions);
    row.Set("unresolved_document_references", unresolved);
    model::ValueArray warnings;
    for (auto& p : problems) warnings.emplace_back(std::move(p));
    row.Set("warnings", Value(std::move(warnings)));
    rows.emplace_back(std::move(row));
  }
  return Value(std::move(rows));
}

}  // namespace ferry::migration
