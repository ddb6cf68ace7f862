// finalization: verification of what was copied (counts per resource, source vs
// target), the source → target id map, every resource marked completed.

#include "migration/stages.h"

namespace ferry::migration {

namespace {

using model::MigrationStage;
using model::MigrationStatus;
using model::Value;
using model::ValueObject;

struct Counts {
  int64_t source = 0;
  int64_t target = 0;
};

Result<Counts> CountResource(RunContext& ctx, const model::DependencyNode& node) {
  const auto filter = ctx.config.effective_filters();
  const std::string target_id = ctx.TargetId(node.resource_id);
  Counts c;
  if (node.resource_type == model::ResourceType::kBucket) {
    FERRY_ASSIGN_OR_RETURN(
        c.source, ctx.source->CountObjectsInRange(node.resource_id, filter.after, filter.before));
    FERRY_ASSIGN_OR_RETURN(c.target, ctx.target->CountObjects(target_id));
  } else {
    FERRY_ASSIGN_OR_RETURN(
        c.source, ctx.source->CountDocumentsInRange(node.resource_id, filter.after, filter.before));
    FERRY_ASSIGN_OR_RETURN(c.target, ctx.target->CountDocuments(target_id));
  }
  return c;
}

// Verifies counts of copied resources; rebuilt collections may legitimately differ.
Result<Value> Verify(RunContext& ctx, std::string* first_mismatch) {
  model::ValueArray rows;
  bool ok = true;
  for (const auto& id : ctx.plan.graph.execution_order) {
    const model::DependencyNode& node = *ctx.plan.graph.Find(id);
    if (node.resource_type != model::ResourceType::kBucket &&
        node.resource_type != model::ResourceType::kCollection) {
      continue;
    }
    bool rebuilt = node.resource_type == model::ResourceType::kCollection &&
                   ctx.plan.actions.at(id).kind == CollectionAction::Kind::kRebuild;
    FERRY_ASSIGN_OR_RETURN(Counts c, CountResource(ctx, node));
    bool match = rebuilt || c.source == c.target;
    if (!match && first_mismatch->empty()) {
      *first_mismatch = std::string(model::ResourceTypeName(node.resource_type)) + " " + id +
                        ": source has " + std::to_string(c.source) + ", target has " +
                        std::to_string(c.target);
    }
    ok &= match;
    ValueObject row;
    row.Set("resource_id", id);
    row.Set("target_resource_id", ctx.TargetId(id));
    row.Set("resource_type", model::ResourceTypeName(node.resource_type));
    row.Set("source_count", c.source);
    row.Set("target_count", c.target);
    row.Set("mode", rebuilt ? "rebuilt" : "copied");
    row.Set("match", match);
    rows.emplace_back(std::move(row));
  }
  ValueObject out;
  out.Set("ok", ok);
  out.Set("resources", Value(std::move(rows)));
  return Value(std::move(out));
}

}  // namespace

Status RunFinalization(RunContext& ctx) {
  const auto& order = ctx.plan.graph.execution_order;
  FERRY_RETURN_IF_ERROR(
      ctx.progress.StageStarted(MigrationStage::kFinalization, static_cast<int64_t>(order.size())));
  Value verification;
  std::string mismatch;
  if (!ctx.dry_run()) {
    FERRY_ASSIGN_OR_RETURN(verification, Verify(ctx, &mismatch));
  }
  ValueObject ids;
  for (const auto& id : order) {
    ids.Set(id, ctx.TargetIdOf(ctx.plan.graph.Find(id)->resource_type, id));
  }
  FERRY_RETURN_IF_ERROR(ctx.progress.Update([&](model::Migration& m) {
    ValueObject data =
        m.additional_data.is_object() ? m.additional_data.as_object() : ValueObject{};
    data.Set("target_namespace_id", ctx.target_namespace_id);
    data.Set("target_namespace_name", ctx.target_namespace_name);
    data.Set("id_mapping", Value(ids));
    data.Set("dry_run", ctx.dry_run());
    if (!verification.is_null()) data.Set("verification", verification);
    m.additional_data = Value(std::move(data));
  }));
  if (!mismatch.empty()) return Status::DataLoss("verification failed: " + mismatch);
  for (const auto& id : order) {
    FERRY_RETURN_IF_ERROR(ctx.progress.ResourceState(id, MigrationStatus::kCompleted, 100));
    FERRY_RETURN_IF_ERROR(ctx.progress.StageItems(MigrationStage::kFinalization, 1, 0));
  }
  return Status::Ok();
}

}  // namespace ferry::migration
