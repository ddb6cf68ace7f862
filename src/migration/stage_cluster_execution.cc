// cluster_execution: per cluster_options, the target clusters' run state. Either the
// source's executions are carried over — centroids when preserve_centroids, artifact
// references when migrate_artifacts (blobs are content-addressed and shared, so a
// reference is a copy) — or, with recompute_clusters, k-means runs again on the target's
// vectors (after a re_extract, the new ones) and re-enriches the documents. Assignments
// (cluster_id, cluster_label, distance_to_centroid) came with the documents in
// batch_processing; preserve_assignments=false removes them. One item per cluster.
// Idempotent (upserts, deterministic run ids), so a resumed run can repeat it.

#include "migration/cluster_targets.h"
#include "migration/stages.h"
#include "service/cluster_engine.h"

namespace ferry::migration {

namespace {

using model::MigrationStage;
using model::MigrationStatus;

// Executions of a source cluster kept per run, newest first.
constexpr int64_t kMaxCopiedRuns = 10'000;

// Copies the source's executions to `target` (centroids and artifacts per options) and
// takes over its run state when its last run was copied.
Status CarryOverRuns(RunContext& ctx, const model::Cluster& source, model::Cluster* target,
                     const model::ClusterOptions& opts) {
  if (!opts.preserve_centroids && !opts.migrate_artifacts) return Status::Ok();
  FERRY_ASSIGN_OR_RETURN(auto runs,
                         ctx.source->ListClusterExecutions(source.cluster_id, {0, kMaxCopiedRuns}));
  for (auto run : runs) {
    if (!opts.preserve_centroids) run.centroids.clear();
    if (!opts.migrate_artifacts) run.artifacts.clear();
    for (const auto& a : run.artifacts) {
      if (!ctx.deps.storage.blobs().Contains(a.blob_hash)) {
        return Status::DataLoss("artifact " + a.name + " of " + run.run_id + " (" + a.blob_hash +
                                ") is missing from the blob store");
      }
    }
    run.cluster_id = target->cluster_id;
    FERRY_RETURN_IF_ERROR(ctx.target->UpsertClusterExecution(run));
  }
  if (source.last_run_id) {
    target->status = source.status;
    target->last_task_id = source.last_task_id;
    target->last_run_id = source.last_run_id;
    target->num_clusters = source.num_clusters;
    target->num_documents_clustered = source.num_documents_clustered;
    target->execution_time_seconds = source.execution_time_seconds;
    target->last_executed_at = source.last_executed_at;
    target->completed_at = source.completed_at;
  }
  return Status::Ok();
}

// Runs k-means on the target's vectors and records the run.
Status Recompute(RunContext& ctx, const model::Cluster& source, model::Cluster* target) {
  const TimestampMs now = ctx.deps.clock.NowMs();
  model::ClusterExecution run;
  run.run_id = MapId(ctx.migration_id, "run_recompute|" + source.cluster_id, false);
  run.cluster_id = target->cluster_id;
  run.created_at = now;
  auto outcome = service::RunClustering(*ctx.target, ctx.deps.storage.blobs(), *target, now);
  if (!outcome.ok()) {
    run.status = "failed";
    run.error_message = outcome.status().message();
    target->status = model::TaskStatus::kFailed;
  } else {
    model::ClusterExecution done = std::move(outcome->execution);
    done.run_id = run.run_id;
    done.cluster_id = run.cluster_id;
    done.created_at = now;
    run = std::move(done);
    run.status = "completed";
    target->status = model::TaskStatus::kCompleted;
    target->last_run_id = run.run_id;
    target->num_clusters = run.num_clusters;
    target->num_documents_clustered = run.num_points;
    target->completed_at = ctx.deps.clock.NowMs();
  }
  run.completed_at = ctx.deps.clock.NowMs();
  target->last_executed_at = now;
  FERRY_RETURN_IF_ERROR(ctx.target->UpsertClusterExecution(run));
  return outcome.ok() ? Status::Ok() : outcome.status();
}

// One cluster. A failed recomputation fails the item (recorded on the resource), not
// the migration.
Status MigrateCluster(RunContext& ctx, const model::Cluster& source,
                      const model::ClusterOptions& opts) {
  model::Cluster target = TargetCluster(ctx, source);
  auto stored = ctx.target->GetCluster(target.cluster_id);
  if (!stored.ok()) return stored.status();  // created by namespace_setup
  target.created_at = stored->created_at;
  target.updated_at = ctx.deps.clock.NowMs();
  if (!opts.preserve_assignments) {
    int64_t cleared = 0;
    FERRY_RETURN_IF_ERROR(
        service::ClearClusterAssignments(*ctx.target, target, ctx.deps.clock.NowMs(), &cleared));
  }
  Status item = Status::Ok();
  if (opts.recompute_clusters) {
    item = Recompute(ctx, source, &target);
  } else {
    FERRY_RETURN_IF_ERROR(CarryOverRuns(ctx, source, &target, opts));
  }
  FERRY_RETURN_IF_ERROR(ctx.target->UpdateCluster(target));
  if (!item.ok()) {
    FERRY_RETURN_IF_ERROR(
        ctx.progress.ResourceState(source.cluster_id, MigrationStatus::kFailed, 0, item.message()));
    return ctx.progress.StageItems(MigrationStage::kClusterExecution, 0, 1);
  }
  return ctx.progress.StageItems(MigrationStage::kClusterExecution, 1, 0);
}

}  // namespace

Status RunClusterExecution(RunContext& ctx) {
  const auto clusters = SelectedClusters(ctx);
  FERRY_RETURN_IF_ERROR(ctx.progress.StageStarted(MigrationStage::kClusterExecution,
                                                  static_cast<int64_t>(clusters.size())));
  const model::ClusterOptions opts = EffectiveClusterOptions(ctx);
  for (const model::Cluster* source : clusters) {
    if (ctx.cancelled) return Status::Cancelled("cancelled");
    if (ctx.dry_run()) {
      FERRY_RETURN_IF_ERROR(ctx.progress.StageItems(MigrationStage::kClusterExecution, 1, 0));
      continue;
    }
    FERRY_RETURN_IF_ERROR(MigrateCluster(ctx, *source, opts));
  }
  return Status::Ok();
}

}  // namespace ferry::migration
