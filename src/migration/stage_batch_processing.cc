// batch_processing: runs the plan's batches tier by tier on up to max_workers workers.
// A tier starts when the one before it is done (a collection fed by another collection
// waits for it). Batches are streamed from the durable plan with a bounded number in
// flight; completed batches are skipped, so a resumed run continues where it stopped.

#include <chrono>
#include <condition_variable>
#include <thread>

#include "common/backoff.h"
#include "common/ids.h"
#include "common/thread_pool.h"
#include "migration/batch_executor.h"
#include "migration/batch_lease_keeper.h"
#include "migration/catalog_writes.h"
#include "migration/failed_items.h"
#include "migration/rebuild_executor.h"
#include "migration/stages.h"

namespace ferry::migration {

namespace {

using model::MigrationStage;
using model::MigrationStatus;

// Upper bound on workers of one migration, whatever max_workers says.
constexpr int64_t kMaxWorkersPerMigration = 16;
constexpr int kMaxAttempts = 3;
// Between attempts of a failed batch: 100 ms, 200 ms, … (no jitter).
constexpr BackoffPolicy kBatchRetryBackoff{std::chrono::milliseconds(100), std::chrono::seconds(10),
                                           Jitter::kNone};
// How long a batch lease lasts without renewal: after a crash, the batches the dead
// process held are claimed again this long after its last renewal.
constexpr int64_t kLeaseTtlMs = 10'000;

class BatchScheduler {
 public:
  // `done` holds the items each resource finished in earlier attempts of this run.
  BatchScheduler(RunContext& ctx, size_t workers, std::map<std::string, int64_t> done)
      : ctx_(ctx),
        leases_(ctx.deps.storage.catalog(), ctx.deps.clock, ctx.deps.logger, NewId("wrk"),
                kLeaseTtlMs),
        pool_(workers),
        max_in_flight_(2 * workers),
        done_(std::move(done)) {
    const model::Value* per =
        ctx.progress.Snapshot().additional_data.GetPath("plan.items_per_resource");
    if (per != nullptr && per->is_object()) {
      for (const auto& [id, n] : per->as_object()) totals_[id] = n.as_int();
    }
  }

  // Queues a batch, blocking while too many are in flight.
  void Submit(model::MigrationBatch batch) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return in_flight_ < max_in_flight_; });
      ++in_flight_;
    }
    pool_.Submit([this, batch = std::move(batch)]() mutable {
      Status st = RunWithRetry(batch);
      std::lock_guard<std::mutex> lock(mu_);
      if (!st.ok() && error_.ok()) error_ = st;
      --in_flight_;
      cv_.notify_all();
    });
  }

  // Waits for every submitted batch; the first error, if any.
  Status Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return in_flight_ == 0; });
    return error_;
  }

  bool failed() {
    std::lock_guard<std::mutex> lock(mu_);
    return !error_.ok();
  }

 private:
  // Runs a batch under a lease: claimed first (waiting while another worker holds it),
  // target writes fenced with its token, completion recorded with it. A lease lost to
  // another worker (this one stalled past its expiry) is claimed again.
  Status RunWithRetry(model::MigrationBatch& batch) {
    auto lease = leases_.Claim(ctx_.migration_id, batch.batch_no, ctx_.cancelled);
    if (!lease.ok() && lease.status().code() == StatusCode::kAlreadyCompleted) {
      return Status::Ok();  // completed by another worker meanwhile
    }
    if (!lease.ok()) return lease.status();
    Status st = RunLeased(batch, *lease);
    leases_.Forget(batch.batch_no);
    // Stopped (cancel, shutdown): give the batch up so a restart claims it at once. When
    // that cannot be written the lease simply expires (kLeaseTtlMs): nothing is lost.
    if (st.code() == StatusCode::kCancelled) {
      Status released =
          RetryCatalogWrite([&] { return ctx_.deps.storage.catalog().ReleaseBatchLease(*lease); });
      if (!released.ok()) Warn("cannot release a batch lease; it expires", batch, released);
    }
    return st;
  }

  Status RunLeased(model::MigrationBatch& batch, model::BatchLease& lease) {
    bool retry = ctx_.config.effective_batch_options().retry_failed;
    Status last;
    for (int attempt = 1; attempt <= (retry ? kMaxAttempts : 1); ++attempt) {
      if (ctx_.cancelled) return Status::Cancelled("cancelled");
      batch.attempts += 1;
      storage::WriteFence fence{ctx_.migration_id + "/" + std::to_string(batch.batch_no),
                                lease.token};
      auto result = ExecuteBatch(ctx_, batch, &fence);
      if (result.ok()) {
        last = Finish(batch, *result, lease);
        if (last.ok()) return last;
      } else {
        last = result.status();
      }
      if (last.code() == StatusCode::kCancelled) return last;
      if (last.code() == StatusCode::kLeaseLost) {
        // Not a failure of the batch: claimed again, it does not use up an attempt.
        auto again = leases_.Claim(ctx_.migration_id, batch.batch_no, ctx_.cancelled);
        if (!again.ok() && again.status().code() == StatusCode::kAlreadyCompleted) {
          return Status::Ok();  // the worker that took it over completed it
        }
        if (!again.ok()) return again.status();
        lease = *again;
        --attempt;
        continue;
      }
      if (!IsRetryable(last.code())) break;  // retrying cannot help (STYLE: by code only)
      ctx_.deps.logger.Warn("migration batch failed", {{"migration_id", ctx_.migration_id},
                                                       {"batch_no", std::to_string(batch.batch_no)},
                                                       {"attempt", std::to_string(attempt)},
                                                       {"error", last.ToString()}});
      if (attempt < (retry ? kMaxAttempts : 1)) {
        std::this_thread::sleep_for(BackoffDelay(kBatchRetryBackoff, attempt - 1, 0.0));
      }
    }
    batch.status = "failed";
    batch.error = last.message();
    // Recorded (which also releases the lease, so a retry of the migration claims the
    // batch at once); when that cannot be written the batch stays pending in the plan
    // and its lease expires: the migration fails either way.
    Status recorded = RetryCatalogWrite([&] {
      return ctx_.deps.storage.catalog().CompleteMigrationBatch(lease, batch, {},
                                                                ctx_.deps.clock.NowMs());
    });
    if (!recorded.ok()) Warn("cannot record a failed batch", batch, recorded);
    // Kept by the tracker even when this write fails: the final write carries it.
    (void)ctx_.progress.ResourceState(batch.resource_id, MigrationStatus::kFailed, 0,
                                      last.message());
    return Status(last.code(), "batch " + std::to_string(batch.batch_no) + " of " +
                                   batch.resource_id + " failed after " +
                                   std::to_string(batch.attempts) + " attempts: " + last.message());
  }

  void Warn(const char* message, const model::MigrationBatch& batch, const Status& st) {
    ctx_.deps.logger.Warn(message, {{"migration_id", ctx_.migration_id},
                                    {"batch_no", std::to_string(batch.batch_no)},
                                    {"error", st.ToString()}});
  }

  Status Finish(model::MigrationBatch& batch, const BatchResult& r,
                const model::BatchLease& lease) {
    batch.status = "completed";
    batch.items_failed = r.failed;
    TimestampMs now = ctx_.deps.clock.NowMs();
    std::vector<model::MigrationFailedItem> failed;
    for (const auto& f : r.failures) {
      model::MigrationFailedItem item;
      item.migration_id = ctx_.migration_id;
      item.item_id = f.item_id;
      item.resource_id = batch.resource_id;
      item.resource_type = batch.resource_type;
      item.batch_no = batch.batch_no;
      item.error = f.error;
      item.created_at = item.updated_at = now;
      failed.push_back(std::move(item));
    }
    FERRY_RETURN_IF_ERROR(
        ctx_.deps.storage.catalog().CompleteMigrationBatch(lease, batch, failed, now));
    double percent = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      int64_t done = (done_[batch.resource_id] += r.completed + r.failed);
      int64_t total = totals_[batch.resource_id];
      percent = total > 0 ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 100;
    }
    return ctx_.progress.BatchDone(MigrationStage::kBatchProcessing, batch.resource_id, r.completed,
                                   r.failed, percent);
  }

  RunContext& ctx_;
  BatchLeaseKeeper leases_;
  ThreadPool pool_;
  const size_t max_in_flight_;
  std::mutex mu_;
  std::condition_variable cv_;
  size_t in_flight_ = 0;
  Status error_;
  std::map<std::string, int64_t> totals_;
  std::map<std::string, int64_t> done_;
};

// What completed batches of earlier attempts of this run (before a restart) did.
struct Resumed {
  int64_t completed = 0;
  int64_t failed = 0;
  std::map<std::string, int64_t> per_resource;  // items completed or failed
};

// Reads the whole durable plan once, page by page, so a resumed stage reports what is
// already done from its start: its counters never go backwards across a restart.
Result<Resumed> CountResumed(RunContext& ctx) {
  Resumed r;
  int64_t after = 0;
  for (;;) {
    FERRY_ASSIGN_OR_RETURN(
        auto page, ctx.deps.storage.catalog().ListMigrationBatches(ctx.migration_id, after, 512));
    if (page.empty()) return r;
    for (const auto& b : page) {
      after = b.batch_no;
      if (b.status != "completed") continue;
      r.failed += b.items_failed;
      r.completed += static_cast<int64_t>(b.item_ids.size()) - b.items_failed;
      r.per_resource[b.resource_id] += static_cast<int64_t>(b.item_ids.size());
    }
  }
}

// Whether every batch of `tier` is a copy inside the storage engine (buckets, and
// collections copied without added vectors) or a rebuild from bucket objects: such a
// tier reads the target by primary key only (a rebuild reads its root objects by id), so
// the target can load it with its secondary indexes suspended
// (NamespaceStore::BeginBulkLoad). A rebuild fed by a collection reads documents by root
// object (a secondary index) and is no bulk-load tier.
bool IsBulkLoadTier(const RunContext& ctx, int tier) {
  for (const auto& node : ctx.plan.graph.nodes) {
    if (node.tier != tier) continue;
    if (node.resource_type == model::ResourceType::kBucket) continue;
    if (node.resource_type != model::ResourceType::kCollection) continue;  // no batches
    auto action = ctx.plan.actions.find(node.resource_id);
    if (action == ctx.plan.actions.end()) continue;
    if (action->second.kind == CollectionAction::Kind::kCopy) continue;
    auto target = ctx.target_collections.find(node.resource_id);
    bool from_bucket = target != ctx.target_collections.end() &&
                       target->second.source.type == model::SourceType::kBucket;
    if (action->second.kind != CollectionAction::Kind::kRebuild || !from_bucket) return false;
  }
  return true;
}

// Keeps the target in bulk-load mode for the bulk-copy tier being run, and restores its
// indexes when the tier ends (and on every way out of the stage, so a failed or
// cancelled run leaves them whole; a crash is repaired when the target is opened).
class TierLoad {
 public:
  explicit TierLoad(RunContext& ctx) : ctx_(ctx) {}
  ~TierLoad() { (void)End(); }
  Status Begin(int tier) {
    const bool bulk = IsBulkLoadTier(ctx_, tier);
    if (loading_ && bulk) return Status::Ok();  // one load across consecutive tiers
    FERRY_RETURN_IF_ERROR(End());
    if (!bulk) return Status::Ok();
    FERRY_RETURN_IF_ERROR(ctx_.target->BeginBulkLoad());
    loading_ = true;
    return Status::Ok();
  }
  Status End() {
    if (!loading_) return Status::Ok();
    loading_ = false;
    return ctx_.target->EndBulkLoad();
  }

 private:
  RunContext& ctx_;
  bool loading_ = false;
};

}  // namespace

Status RunBatchProcessing(RunContext& ctx) {
  const model::Value* total = ctx.progress.Snapshot().additional_data.GetPath("plan.items");
  int64_t items_total = total != nullptr && total->is_int() ? total->as_int() : 0;
  // A dry run processes nothing; what it would process is in additional_data.plan.
  if (ctx.dry_run()) return ctx.progress.StageStarted(MigrationStage::kBatchProcessing, 0);
  FERRY_ASSIGN_OR_RETURN(Resumed resumed, CountResumed(ctx));
  FERRY_RETURN_IF_ERROR(ctx.progress.StageStarted(MigrationStage::kBatchProcessing, items_total,
                                                  resumed.completed, resumed.failed));
  size_t workers = static_cast<size_t>(
      std::min(ctx.config.effective_batch_options().max_workers, kMaxWorkersPerMigration));
  // Extraction runs on every core whatever max_workers is: workers claim, read and
  // complete batches; the pipeline extracts and writes for all of them (re_extract,
  // rebuild_executor.h).
  RebuildPipeline pipeline(ctx.target, std::max(1u, std::thread::hardware_concurrency()),
                           ctx.deps.item_timeout);
  ctx.rebuild = &pipeline;
  struct ClearPipeline {
    RunContext& ctx;
    ~ClearPipeline() { ctx.rebuild = nullptr; }
  } clear_pipeline{ctx};
  TierLoad tier_load(ctx);  // declared before the scheduler: ends after its batches
  BatchScheduler scheduler(ctx, workers, std::move(resumed.per_resource));
  int64_t after = 0;
  int current_tier = -1;
  for (;;) {
    // Read the plan only as far ahead as the scheduler can have in flight, so memory does
    // not grow with the size of the migration.
    FERRY_ASSIGN_OR_RETURN(auto page,
                           ctx.deps.storage.catalog().ListMigrationBatches(
                               ctx.migration_id, after, static_cast<int64_t>(2 * workers)));
    if (page.empty()) break;
    for (auto& b : page) {
      after = b.batch_no;
      if (b.status == "completed") continue;  // counted by CountResumed
      if (b.tier != current_tier) {
        FERRY_RETURN_IF_ERROR(scheduler.Wait());  // the previous tier is done
        current_tier = b.tier;
        FERRY_RETURN_IF_ERROR(tier_load.Begin(current_tier));
      }
      if (ctx.cancelled || scheduler.failed()) break;
      scheduler.Submit(std::move(b));
    }
    if (ctx.cancelled || scheduler.failed()) break;
  }
  Status st = scheduler.Wait();
  if (ctx.cancelled) return Status::Cancelled("cancelled");
  FERRY_RETURN_IF_ERROR(st);
  FERRY_RETURN_IF_ERROR(tier_load.End());
  return SettleFailedItems(ctx, items_total);
}

}  // namespace ferry::migration
