// finalization: the target retrievers (retriever_migration.h), verification of what was copied
// (counts and content checksums per resource, source vs target, verification.h), the source →
// target id map, every resource marked completed.

#include "migration/change_log_retention.h"
#include "migration/retriever_migration.h"
#include "migration/stages.h"
#include "migration/verification.h"

namespace ferry::migration {

namespace {

using model::MigrationStage;
using model::MigrationStatus;
using model::Value;
using model::ValueObject;

Result<ResourceVerification> CountRebuilt(RunContext& ctx, const model::DependencyNode& node) {
  const auto filter = ctx.config.effective_filters();
  ResourceVerification v;
  v.resource_id = node.resource_id;
  v.target_resource_id = ctx.TargetId(node.resource_id);
  v.resource_type = node.resource_type;
  FERRY_ASSIGN_OR_RETURN(v.source_count, ctx.source->CountDocumentsInRange(
                                             node.resource_id, filter.after, filter.before));
  FERRY_ASSIGN_OR_RETURN(v.target_count, ctx.target->CountDocuments(v.target_resource_id));
  return v;
}

Value Row(const ResourceVerification& v, const char* mode) {
  ValueObject row;
  row.Set("resource_id", v.resource_id);
  row.Set("target_resource_id", v.target_resource_id);
  row.Set("resource_type", model::ResourceTypeName(v.resource_type));
  row.Set("mode", mode);
  row.Set("source_count", v.source_count);
  row.Set("target_count", v.target_count);
  row.Set("source_checksum", v.source_checksum.empty() ? Value() : Value(v.source_checksum));
  row.Set("target_checksum", v.target_checksum.empty() ? Value() : Value(v.target_checksum));
  row.Set("match", v.match);
  row.Set("changed_since_start", v.changed_since_start);
  model::ValueArray diffs;
  for (const auto& d : v.differences) diffs.emplace_back(d);
  row.Set("differences", Value(std::move(diffs)));
  return Value(std::move(row));
}

// Copied buckets and collections: counts and content checksums must match. Rebuilt
// collections are new content: their counts are reported, not compared.
// The source items of `resource_id` clients wrote while the migration ran: the source's
// change log after the sequence batch_creation recorded.
Result<std::set<std::string>> ChangedSinceStart(RunContext& ctx, const std::string& resource_id) {
  std::set<std::string> out;
  const Value* seq = ctx.progress.Snapshot().additional_data.GetPath("live.source_seq_at_start");
  if (seq == nullptr || !seq->is_int()) return out;
  FERRY_RETURN_IF_ERROR(CheckLogKeptAfter(*ctx.source, seq->as_int(), "the source"));
  for (int64_t after = seq->as_int();;) {
    FERRY_ASSIGN_OR_RETURN(auto page, ctx.source->ListChanges(after, 5000));
    if (page.empty()) return out;
    for (const auto& e : page) {
      if (e.resource_id == resource_id) out.insert(e.item_id);
    }
    after = page.back().seq;
  }
}

Result<Value> Verify(RunContext& ctx, std::string* first_mismatch) {
  model::ValueArray rows;
  bool ok = true;
  for (const auto& id : ctx.plan.graph.execution_order) {
    const model::DependencyNode& node = *ctx.plan.graph.Find(id);
    const bool bucket = node.resource_type == model::ResourceType::kBucket;
    if (!bucket && node.resource_type != model::ResourceType::kCollection) continue;
    const bool rebuilt =
        !bucket && ctx.plan.actions.at(id).kind == CollectionAction::Kind::kRebuild;
    ResourceVerification v;
    if (rebuilt) {
      FERRY_ASSIGN_OR_RETURN(v, CountRebuilt(ctx, node));
    } else {
      const ChangedItems changed = [&ctx, &id] { return ChangedSinceStart(ctx, id); };
      FERRY_ASSIGN_OR_RETURN(std::optional<ResourceVerification> summed,
                             VerifyFromSlices(ctx, node, changed));
      if (summed) {
        v = std::move(*summed);
      } else {
        FERRY_ASSIGN_OR_RETURN(v, VerifyCopiedResource(ctx, node, ScopeOf(ctx, node), changed));
      }
    }
    if (!v.match && first_mismatch->empty()) {
      *first_mismatch = std::string(model::ResourceTypeName(node.resource_type)) + " " + id +
                        ": source has " + std::to_string(v.source_count) + ", target has " +
                        std::to_string(v.target_count);
      for (const auto& d : v.differences) *first_mismatch += "; " + d;
    }
    ok &= v.match;
    rows.push_back(Row(v, rebuilt ? "rebuilt" : "copied"));
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
  Value retrievers;
  std::string mismatch;
  if (!ctx.dry_run()) {
    FERRY_ASSIGN_OR_RETURN(retrievers, MigrateRetrievers(ctx));
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
    if (!retrievers.is_null()) data.Set("retrievers", retrievers);
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
