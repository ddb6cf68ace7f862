#include "migration/failed_items.h"

#include <algorithm>
#include <map>
#include <set>

namespace ferry::migration {

namespace {

using model::MigrationStage;

// Items are read in pages of this size when planning a retry.
constexpr int64_t kPage = 1000;

std::string FailedMessage(int64_t failed) {
  return std::to_string(failed) + (failed == 1 ? " item" : " items") +
         " failed; see GET /v1/namespaces/migrations/{migration_id}/failed-items";
}

// In a re_extract, a collection fed by a rebuilt collection is rebuilt from its target
// documents, so an item that failed upstream produced nothing downstream: the retry
// rebuilds it there too (after the upstream retry, by tier), under the same root id.
void AddDownstreamItems(const model::Migration& m, std::vector<model::MigrationBatch>* plan,
                        int64_t batch_size, std::map<std::pair<int, std::string>, size_t>* open) {
  if (m.config.migration_type != model::MigrationType::kReExtract || !m.dependency_graph) return;
  const model::DependencyGraph& graph = *m.dependency_graph;
  std::map<std::string, std::set<std::string>> items;  // resource → root ids to rebuild
  for (const auto& b : *plan) {
    if (b.resource_type == model::ResourceType::kCollection) {
      items[b.resource_id].insert(b.item_ids.begin(), b.item_ids.end());
    }
  }
  // Execution order is topological: an upstream collection comes before its dependents.
  for (const auto& id : graph.execution_order) {
    const model::DependencyNode* node = graph.Find(id);
    if (node == nullptr || node->resource_type != model::ResourceType::kCollection) continue;
    std::set<std::string> inherited;
    for (const auto& dep : node->dependencies) {
      auto it = items.find(dep);
      if (it != items.end()) inherited.insert(it->second.begin(), it->second.end());
    }
    auto& own = items[id];
    for (const auto& root : inherited) {
      if (!own.insert(root).second) continue;  // already retried here
      auto key = std::make_pair(node->tier, id);
      auto slot = open->find(key);
      if (slot == open->end() ||
          static_cast<int64_t>((*plan)[slot->second].item_ids.size()) >= batch_size) {
        model::MigrationBatch b;
        b.migration_id = m.migration_id;
        b.resource_id = id;
        b.resource_type = model::ResourceType::kCollection;
        b.tier = node->tier;
        plan->push_back(std::move(b));
        slot = open->insert_or_assign(key, plan->size() - 1).first;
      }
      (*plan)[slot->second].item_ids.push_back(root);
    }
  }
}

}  // namespace

Status SettleFailedItems(RunContext& ctx, int64_t items_total) {
  auto& catalog = ctx.deps.storage.catalog();
  FERRY_ASSIGN_OR_RETURN(int64_t failed,
                         catalog.CountMigrationFailedItems(ctx.migration_id, "failed", {}));
  std::map<std::string, int64_t> per_resource;
  for (const auto& r : ctx.progress.Snapshot().progress.resources) {
    FERRY_ASSIGN_OR_RETURN(
        per_resource[r.resource_id],
        catalog.CountMigrationFailedItems(ctx.migration_id, "failed", r.resource_id));
  }
  FERRY_RETURN_IF_ERROR(ctx.progress.Update([&](model::Migration& m) {
    auto& s = m.progress.stages[static_cast<int>(MigrationStage::kBatchProcessing)];
    s.items_failed = failed;
    s.items_completed = std::max<int64_t>(0, items_total - failed);
    for (auto& r : m.progress.resources) {
      int64_t n = per_resource[r.resource_id];
      r.error_message = n > 0 ? std::optional<std::string>(FailedMessage(n)) : std::nullopt;
    }
  }));
  if (items_total > 0 && failed >= items_total) {
    return Status::FailedPrecondition("every item failed (" + FailedMessage(failed) + ")");
  }
  return Status::Ok();
}

Result<std::vector<model::MigrationBatch>> PlanRetryBatches(storage::CatalogStore& catalog,
                                                            const model::Migration& m) {
  // Tier of each existing batch, and the last batch number.
  std::map<int64_t, int> tier_of;
  int64_t last_no = 0;
  for (;;) {
    FERRY_ASSIGN_OR_RETURN(auto page, catalog.ListMigrationBatches(m.migration_id, last_no,
                                                                   storage::kMigrationBatchPage));
    if (page.empty()) break;
    for (const auto& b : page) tier_of[b.batch_no] = b.tier;
    last_no = page.back().batch_no;
  }
  const int64_t batch_size = m.config.effective_batch_options().batch_size;
  std::vector<model::MigrationBatch> plan;
  std::map<std::pair<int, std::string>, size_t> open;  // (tier, resource) → index in plan
  for (int64_t offset = 0;; offset += kPage) {
    FERRY_ASSIGN_OR_RETURN(auto failed, catalog.ListMigrationFailedItems(
                                            m.migration_id, "failed", model::Page{offset, kPage}));
    for (const auto& f : failed) {
      int tier = tier_of.count(f.batch_no) != 0 ? tier_of[f.batch_no] : 0;
      auto key = std::make_pair(tier, f.resource_id);
      auto it = open.find(key);
      if (it == open.end() ||
          static_cast<int64_t>(plan[it->second].item_ids.size()) >= batch_size) {
        model::MigrationBatch b;
        b.migration_id = m.migration_id;
        b.resource_id = f.resource_id;
        b.resource_type = f.resource_type;
        b.tier = tier;
        plan.push_back(std::move(b));
        it = open.insert_or_assign(key, plan.size() - 1).first;
      }
      plan[it->second].item_ids.push_back(f.item_id);
    }
    if (static_cast<int64_t>(failed.size()) < kPage) break;
  }
  AddDownstreamItems(m, &plan, batch_size, &open);
  // The plan is processed in batch_no order, tier by tier.
  std::stable_sort(plan.begin(), plan.end(),
                   [](const auto& a, const auto& b) { return a.tier < b.tier; });
  for (auto& b : plan) b.batch_no = ++last_no;
  return plan;
}

}  // namespace ferry::migration
