#include "migration/live_sides.h"

#include <unordered_map>

#include "migration/run_context.h"

namespace ferry::migration {

namespace {

const model::Collection* FindCollection(const ValidationOutcome& outcome, const std::string& id) {
  for (const auto& c : outcome.snapshot.collections) {
    if (c.collection_id == id) return &c;
  }
  return nullptr;
}

bool HasBucket(const ValidationOutcome& outcome, const std::string& id) {
  for (const auto& b : outcome.snapshot.buckets) {
    if (b.bucket_id == id) return true;
  }
  return false;
}

// Every id of `page_ids` pages (a bucket's objects, a collection's documents).
template <typename ListPage>
Status ForEachId(ListPage list_page, const std::function<void(const std::string&)>& fn) {
  storage::IdQuery q;
  q.limit = 5000;
  for (;;) {
    FERRY_ASSIGN_OR_RETURN(std::vector<std::string> ids, list_page(q));
    for (const auto& id : ids) fn(id);
    if (static_cast<int64_t>(ids.size()) < q.limit) return Status::Ok();
    q.after_id = ids.back();
  }
}

}  // namespace

Result<ApplyPlan> ForwardPlan(const model::Migration& m, const ValidationOutcome& outcome,
                              storage::NamespaceStore& source, storage::NamespaceStore& target) {
  const std::string mig = m.migration_id;
  const bool preserve = m.config.preserve_resource_ids;
  ApplyPlan plan;
  plan.from = &source;
  plan.to = &target;
  plan.batch_id = mig;
  plan.map_id = [mig, preserve](const std::string& id) { return MapId(mig, id, preserve); };
  for (const auto& id : outcome.graph.execution_order) {
    const std::string mapped = plan.map_id(id);
    if (HasBucket(outcome, id)) {
      if (target.GetBucket(mapped).ok()) plan.buckets[id] = mapped;
      continue;
    }
    const model::Collection* c = FindCollection(outcome, id);
    if (c == nullptr) continue;
    auto to = target.GetCollection(mapped);
    if (!to.ok()) {
      if (to.status().code() == StatusCode::kNotFound) continue;  // not migrated
      return to.status();
    }
    const CollectionAction& action = outcome.actions.at(id);
    ApplyCollection ac;
    ac.from_id = id;
    ac.to = std::move(to).value();
    ac.rebuild = action.kind == CollectionAction::Kind::kRebuild;
    if (c->source.type == model::SourceType::kCollection) {
      ac.upstream_from_id = c->source.collection_id;
    }
    ac.root_buckets = c->root_bucket_ids;
    if (action.kind == CollectionAction::Kind::kCopyAndExtend) ac.extra = action.extra;
    plan.collections.push_back(std::move(ac));
  }
  return plan;
}

Result<ApplyPlan> LiveMigrations::Sides::Reverse() const {
  // The inverse of the id mapping: resources from the plan, items from the source's ids
  // (an item created in the target after the cutover keeps its id).
  auto inverse = std::make_shared<std::unordered_map<std::string, std::string>>();
  const auto& map = forward.map_id;
  ApplyPlan plan;
  plan.from = target.get();
  plan.to = source.get();
  plan.batch_id = forward.batch_id + "-rollback";
  for (const auto& entry : forward.buckets) {
    const std::string& from_bucket = entry.first;  // named: lambdas capture it below
    const std::string& to_bucket = entry.second;
    plan.buckets[to_bucket] = from_bucket;
    (*inverse)[to_bucket] = from_bucket;
    FERRY_RETURN_IF_ERROR(
        ForEachId([&](const storage::IdQuery& q) { return source->ListObjectIds(from_bucket, q); },
                  [&](const std::string& id) { (*inverse)[map(id)] = id; }));
  }
  for (const ApplyCollection& fc : forward.collections) {
    (*inverse)[fc.to.collection_id] = fc.from_id;
    FERRY_ASSIGN_OR_RETURN(model::Collection original, source->GetCollection(fc.from_id));
    ApplyCollection rc;
    rc.from_id = fc.to.collection_id;
    rc.to = std::move(original);
    rc.rebuild = fc.rebuild;
    if (!fc.upstream_from_id.empty()) rc.upstream_from_id = map(fc.upstream_from_id);
    for (const auto& b : fc.root_buckets) rc.root_buckets.push_back(map(b));
    for (const auto& [fx, params] : fc.extra) rc.drop_features.insert(fx->info().feature_uri());
    if (!fc.rebuild) {
      FERRY_RETURN_IF_ERROR(ForEachId(
          [&](const storage::IdQuery& q) { return source->ListDocumentIds(fc.from_id, q); },
          [&](const std::string& id) { (*inverse)[map(id)] = id; }));
    }
    plan.collections.push_back(std::move(rc));
  }
  plan.map_id = [inverse](const std::string& id) {
    auto it = inverse->find(id);
    return it != inverse->end() ? it->second : id;
  };
  return plan;
}

}  // namespace ferry::migration
