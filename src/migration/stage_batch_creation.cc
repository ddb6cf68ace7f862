// batch_creation: enumerates what moves — objects per bucket; documents per copied
// collection; root objects per rebuilt collection — streaming ids page by page into a
// durable plan of batches of batch_size (never the whole namespace in memory).

#include "migration/stages.h"

namespace ferry::migration {

namespace {

using model::MigrationStage;

// Accumulates batches and writes them to the catalog in groups.
class PlanWriter {
 public:
  PlanWriter(RunContext& ctx) : ctx_(ctx) {}

  Status Add(const model::DependencyNode& node, std::vector<std::string> ids) {
    model::MigrationBatch b;
    b.migration_id = ctx_.migration_id;
    b.batch_no = ++batch_no_;
    b.resource_id = node.resource_id;
    b.resource_type = node.resource_type;
    b.tier = node.tier;
    b.item_ids = std::move(ids);
    items_[node.resource_id] += static_cast<int64_t>(b.item_ids.size());
    pending_.push_back(std::move(b));
    return pending_.size() >= kFlushEvery ? Flush() : Status::Ok();
  }

  Status Flush() {
    if (pending_.empty() || ctx_.dry_run()) {
      pending_.clear();
      return Status::Ok();
    }
    FERRY_RETURN_IF_ERROR(ctx_.deps.storage.catalog().InsertMigrationBatches(pending_));
    pending_.clear();
    return Status::Ok();
  }

  const std::map<std::string, int64_t>& items() const { return items_; }
  int64_t batches() const { return batch_no_; }

 private:
  static constexpr size_t kFlushEvery = 64;
  RunContext& ctx_;
  int64_t batch_no_ = 0;
  std::vector<model::MigrationBatch> pending_;
  std::map<std::string, int64_t> items_;
};

// Streams the ids of `list` (a keyset listing) into batches for `node`.
template <typename ListIds>
Status Enumerate(RunContext& ctx, PlanWriter& writer, const model::DependencyNode& node,
                 ListIds list) {
  const auto filter = ctx.config.effective_filters();
  storage::IdQuery q;
  q.limit = ctx.config.effective_batch_options().batch_size;
  q.created_after = filter.after;
  q.created_before = filter.before;
  for (;;) {
    if (ctx.cancelled) return Status::Cancelled("cancelled");
    FERRY_ASSIGN_OR_RETURN(std::vector<std::string> ids, list(q));
    if (ids.empty()) return Status::Ok();
    q.after_id = ids.back();
    bool last = static_cast<int64_t>(ids.size()) < q.limit;
    FERRY_RETURN_IF_ERROR(writer.Add(node, std::move(ids)));
    if (last) return Status::Ok();
  }
}

Status EnumerateNode(RunContext& ctx, PlanWriter& writer, const model::DependencyNode& node) {
  auto& src = *ctx.source;
  if (node.resource_type == model::ResourceType::kBucket) {
    return Enumerate(ctx, writer, node, [&](const storage::IdQuery& q) {
      return src.ListObjectIds(node.resource_id, q);
    });
  }
  if (node.resource_type != model::ResourceType::kCollection) return Status::Ok();
  const CollectionAction& a = ctx.plan.actions.at(node.resource_id);
  if (a.kind != CollectionAction::Kind::kRebuild) {
    return Enumerate(ctx, writer, node, [&](const storage::IdQuery& q) {
      return src.ListDocumentIds(node.resource_id, q);
    });
  }
  // Rebuilt collections read their root objects (a chained collection finds its
  // source documents through them, after the source is rebuilt).
  for (const auto& c : ctx.plan.snapshot.collections) {
    if (c.collection_id != node.resource_id) continue;
    for (const auto& bucket : c.root_bucket_ids) {
      FERRY_RETURN_IF_ERROR(Enumerate(ctx, writer, node, [&](const storage::IdQuery& q) {
        return src.ListObjectIds(bucket, q);
      }));
    }
  }
  return Status::Ok();
}

}  // namespace

Status RunBatchCreation(RunContext& ctx) {
  const auto& order = ctx.plan.graph.execution_order;
  FERRY_RETURN_IF_ERROR(ctx.progress.StageStarted(MigrationStage::kBatchCreation,
                                                  static_cast<int64_t>(order.size())));
  if (ctx.progress.Snapshot().additional_data.GetPath("plan") != nullptr) {
    // The plan of an earlier attempt of this run is complete and durable: keep it.
    return ctx.progress.StageItems(MigrationStage::kBatchCreation,
                                   static_cast<int64_t>(order.size()), 0);
  }
  // Batches written by an attempt that stopped before recording the plan are only part
  // of it (they are flushed in groups): drop them and plan again from the start.
  if (!ctx.dry_run()) {
    FERRY_RETURN_IF_ERROR(ctx.deps.storage.catalog().DeleteMigrationBatches(ctx.migration_id));
  }
  // The source's change log position before any of its items is read: a later sync of
  // this migration applies the source's writes from here on (issue 13), so a write made
  // while the plan is enumerated or its batches copied is caught up, however it raced.
  int64_t source_seq = 0;
  if (!ctx.dry_run()) {
    FERRY_ASSIGN_OR_RETURN(source_seq, ctx.source->LatestChangeSeq());
  }
  PlanWriter writer(ctx);
  for (const auto& id : order) {
    FERRY_RETURN_IF_ERROR(EnumerateNode(ctx, writer, *ctx.plan.graph.Find(id)));
    FERRY_RETURN_IF_ERROR(ctx.progress.StageItems(MigrationStage::kBatchCreation, 1, 0));
  }
  FERRY_RETURN_IF_ERROR(writer.Flush());
  int64_t total = 0;
  model::ValueObject per_resource;
  for (const auto& [id, n] : writer.items()) {
    per_resource.Set(id, n);
    total += n;
  }
  return ctx.progress.Update([&](model::Migration& m) {
    model::ValueObject data =
        m.additional_data.is_object() ? m.additional_data.as_object() : model::ValueObject{};
    model::ValueObject plan;
    plan.Set("batches", writer.batches());
    plan.Set("items", total);
    plan.Set("items_per_resource", model::Value(per_resource));
    data.Set("plan", model::Value(std::move(plan)));
    model::ValueObject live;
    if (const model::Value* had = m.additional_data.Get("live"); had && had->is_object()) {
      live = had->as_object();
    }
    live.Set("source_seq_at_start", source_seq);
    data.Set("live", model::Value(std::move(live)));
    m.additional_data = model::Value(std::move(data));
  });
}

}  // namespace ferry::migration
