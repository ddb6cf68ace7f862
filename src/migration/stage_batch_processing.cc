// batch_processing: runs the plan's batches tier by tier on up to max_workers workers.
// A tier starts when the one before it is done (a collection fed by another collection
// waits for it). Each worker claims the tier's next free batch from the catalog under a
// lease; completed batches are never claimed, so a resumed run continues where it
// stopped, and batches leased by a process that died are claimed once the lease expires.

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "common/backoff.h"
#include "common/contain.h"
#include "common/ids.h"
#include "common/thread_name.h"
#include "common/thread_pool.h"
#include "metrics/metrics.h"
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

// How often a worker that found nothing free looks again while its tier is still open
// (its open batches leased by other workers, or by a dead process until they expire).
constexpr std::chrono::milliseconds kClaimPoll{250};

// The workers of one run. Work is pulled, not handed out: each worker claims the next
// free batch of the tier from the catalog (CatalogStore::ClaimNextMigrationBatch) and
// runs it, so any worker sharing the catalog, in this process or another, takes what is
// left, and a batch whose holder died is claimed again once its lease expires.
class BatchWorkers {
 public:
  // `done` holds the items each resource finished in earlier attempts of this run.
  BatchWorkers(RunContext& ctx, size_t workers, std::map<std::string, int64_t> done)
      : ctx_(ctx),
        leases_(ctx.deps.storage.catalog(), ctx.deps.clock, ctx.deps.logger,
                ctx.lease_owner.empty() ? NewId("wrk") : ctx.lease_owner, kLeaseTtlMs,
                ctx.stop_cancelled),
        pool_(workers, "ferry-migrate"),
        done_(std::move(done)) {
    const model::Value* per =
        ctx.progress.Snapshot().additional_data.GetPath("plan.items_per_resource");
    if (per != nullptr && per->is_object()) {
      for (const auto& [id, n] : per->as_object()) totals_[id] = n.as_int();
    }
    ctx.deps.logger.Info("migration batch workers", {{"migration_id", ctx.migration_id},
                                                     {"owner", leases_.owner()},
                                                     {"workers", std::to_string(workers)}});
  }

  // Runs tier `tier` on every worker until it has no open batch, the run is cancelled or
  // a batch failed; the first error, if any. REQUIRES: every lower tier is done.
  Status RunTier(int tier) {
    WaitGroup workers;
    workers.Add(pool_.size());
    for (size_t i = 0; i < pool_.size(); ++i) {
      pool_.Submit([this, tier, &workers] {
        Status st = Contain(&ctx_.deps.logger, "migration batch worker",
                            [this, tier] { return WorkLoop(tier); });
        if (!st.ok()) Fail(st);
        workers.Done();
      });
    }
    workers.Wait();
    std::lock_guard<std::mutex> lock(mu_);
    return error_;
  }

 private:
  Status WorkLoop(int tier) {
    auto& catalog = ctx_.deps.storage.catalog();
    while (!ctx_.cancelled && !failed()) {
      FERRY_ASSIGN_OR_RETURN(auto claimed, leases_.ClaimNext(ctx_.migration_id, tier));
      if (claimed && failed()) {
        // The run failed meanwhile (the batch may be the failed one): give it back.
        (void)ctx_.deps.storage.catalog().ReleaseBatchLease(claimed->lease);
        leases_.Forget(claimed->lease.batch_no);
        break;
      }
      if (claimed) {
        if (ctx_.deps.metrics != nullptr) ctx_.deps.metrics->BatchLeaseClaimed();
        FERRY_RETURN_IF_ERROR(RunClaimed(std::move(*claimed)));
        std::lock_guard<std::mutex> lock(mu_);
        ++finished_;
        cv_.notify_all();
        continue;
      }
      // Nothing free: the tier is done, or its open batches are leased.
      const int64_t seen = FinishedCount();
      FERRY_ASSIGN_OR_RETURN(std::optional<int> open,
                             catalog.LowestOpenMigrationTier(ctx_.migration_id));
      if (!open || *open != tier) return Status::Ok();
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, kClaimPoll, [&] { return finished_ != seen || !error_.ok(); });
    }
    return Status::Ok();
  }

  int64_t FinishedCount() {
    std::lock_guard<std::mutex> lock(mu_);
    return finished_;
  }

  void Fail(const Status& st) {
    std::lock_guard<std::mutex> lock(mu_);
    if (error_.ok()) error_ = st;
    cv_.notify_all();
  }

  bool failed() {
    std::lock_guard<std::mutex> lock(mu_);
    return !error_.ok();
  }

  // Runs a claimed batch under its lease (renewed until it is done): target writes
  // fenced with its token, completion recorded with it.
  Status RunClaimed(model::ClaimedBatch claimed) {
    const int64_t batch_no = claimed.batch.batch_no;
    Status st = RunLeased(claimed.batch, claimed.lease);
    leases_.Forget(batch_no);
    // Stopped (cancel, shutdown): give the batch up so a restart claims it at once. When
    // that cannot be written the lease simply expires (kLeaseTtlMs): nothing is lost.
    if (st.code() == StatusCode::kCancelled) {
      Status released = RetryCatalogWrite(
          [&] { return ctx_.deps.storage.catalog().ReleaseBatchLease(claimed.lease); });
      if (!released.ok()) Warn("cannot release a batch lease; it expires", claimed.batch, released);
    }
    return st;
  }

  Status RunLeased(model::MigrationBatch& batch, const model::BatchLease& lease) {
    bool retry = ctx_.config.effective_batch_options().retry_failed;
    Status last;
    for (int attempt = 1; attempt <= (retry ? kMaxAttempts : 1); ++attempt) {
      if (ctx_.cancelled) return Status::Cancelled("cancelled");
      batch.attempts += 1;
      storage::WriteFence fence{ctx_.migration_id + "/" + std::to_string(batch.batch_no),
                                lease.token, ctx_.migration_id, batch.batch_no};
      auto result = ExecuteBatch(ctx_, batch, &fence);
      if (result.ok()) {
        last = Finish(batch, *result, lease);
        if (last.ok()) return last;
      } else {
        last = result.status();
      }
      if (last.code() == StatusCode::kCancelled) return last;
      if (last.code() == StatusCode::kLeaseLost) {
        // This worker stalled past its lease's expiry and another claimed the batch: its
        // writes and completion are refused, and the new owner finishes the batch.
        Warn("migration batch taken over", batch, last);
        if (ctx_.deps.metrics != nullptr) ctx_.deps.metrics->BatchLeaseLost();
        return Status::Ok();
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
    batch.checksums.reset();
    const Status failure(last.code(), "batch " + std::to_string(batch.batch_no) + " of " +
                                          batch.resource_id + " failed after " +
                                          std::to_string(batch.attempts) +
                                          " attempts: " + last.message());
    // The run stops claiming before the batch is recorded: a failed batch is free to
    // claim again (for the next run), so no worker of this one may take it.
    Fail(failure);
    // Recorded (which also releases the lease, so a retry of the migration claims the
    // batch at once); when that cannot be written the batch stays pending in the plan
    // and its lease expires: the migration fails either way.
    leases_.Finishing(batch.batch_no);
    Status recorded = RetryCatalogWrite([&] {
      return ctx_.deps.storage.catalog().CompleteMigrationBatch(lease, batch, {},
                                                                ctx_.deps.clock.NowMs());
    });
    if (!recorded.ok()) Warn("cannot record a failed batch", batch, recorded);
    // Kept by the tracker even when this write fails: the final write carries it.
    (void)ctx_.progress.ResourceState(batch.resource_id, MigrationStatus::kFailed, 0,
                                      last.message());
    return failure;
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
    batch.checksums = r.checksums;
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
    leases_.Finishing(batch.batch_no);
    FERRY_RETURN_IF_ERROR(
        ctx_.deps.storage.catalog().CompleteMigrationBatch(lease, batch, failed, now));
    if (ctx_.deps.metrics != nullptr) {
      ctx_.deps.metrics->MigrationItems(model::MigrationTypeName(ctx_.config.migration_type),
                                        r.completed, r.failed);
    }
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
  std::mutex mu_;
  std::condition_variable cv_;
  int64_t finished_ = 0;  // batches this run's workers finished (wakes waiting workers)
  Status error_;
  std::map<std::string, int64_t> totals_;
  std::map<std::string, int64_t> done_;
};

// What the completed batches of the plan did: those of earlier attempts of this run
// (before a restart), and those other processes ran.
struct Tally {
  int64_t completed = 0;
  int64_t failed = 0;
  std::map<std::string, int64_t> per_resource;  // items completed or failed
  struct Share {
    int64_t batches = 0;
    int64_t items = 0;
  };
  std::map<std::string, Share> per_owner;  // by completed_by (the process that ran it)
};

// Reads the whole durable plan, page by page: a resumed stage reports what is already
// done from its start, so its counters never go backwards across a restart.
Result<Tally> TallyCompleted(RunContext& ctx) {
  Tally r;
  int64_t after = 0;
  for (;;) {
    FERRY_ASSIGN_OR_RETURN(auto page, ctx.deps.storage.catalog().ListMigrationBatches(
                                          ctx.migration_id, after, storage::kMigrationBatchPage));
    if (page.empty()) return r;
    for (const auto& b : page) {
      after = b.batch_no;
      if (b.status != "completed") continue;
      const auto items = static_cast<int64_t>(b.item_ids.size());
      r.failed += b.items_failed;
      r.completed += items - b.items_failed;
      r.per_resource[b.resource_id] += items;
      Tally::Share& share = r.per_owner[b.completed_by.value_or("")];
      share.batches += 1;
      share.items += items;
    }
  }
}

// Ferry's extension: additional_data.batch_processing_workers, the batches and items
// each process (lease owner) completed.
Status ReportShares(RunContext& ctx, const Tally& tally) {
  model::ValueObject shares;
  for (const auto& [owner, share] : tally.per_owner) {
    model::ValueObject one;
    one.Set("batches", share.batches);
    one.Set("items", share.items);
    shares.Set(owner.empty() ? "unknown" : owner, model::Value(std::move(one)));
  }
  return ctx.progress.Update([&](model::Migration& m) {
    model::ValueObject data =
        m.additional_data.is_object() ? m.additional_data.as_object() : model::ValueObject{};
    data.Set("batch_processing_workers", model::Value(std::move(shares)));
    m.additional_data = model::Value(std::move(data));
  });
}

// While batch_processing runs and other processes may take part (RunContext::shared),
// the coordinator recounts the stage's progress from the catalog every interval: the
// batches other processes complete count as they are done, not when the stage ends.
class ProgressSync {
 public:
  explicit ProgressSync(RunContext& ctx) : ctx_(ctx) {
    if (ctx_.shared) {
      thread_ = std::thread([this] {
        NameCurrentThread("ferry-progress");
        Loop();
      });
    }
  }
  ~ProgressSync() { Stop(); }
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  static constexpr std::chrono::milliseconds kInterval{1000};
  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!cv_.wait_for(lock, kInterval, [this] { return stopping_; })) {
      lock.unlock();
      (void)Contain(&ctx_.deps.logger, "migration progress sync", [this] { Sync(); });
      lock.lock();
    }
  }
  void Sync() {
    auto tally = TallyCompleted(ctx_);
    if (!tally.ok()) return;  // the next interval tries again
    (void)ctx_.progress.StageCountersAtLeast(MigrationStage::kBatchProcessing, tally->completed,
                                             tally->failed);
  }

  RunContext& ctx_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

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
  FERRY_ASSIGN_OR_RETURN(Tally resumed, TallyCompleted(ctx));
  FERRY_RETURN_IF_ERROR(ctx.progress.StageStarted(MigrationStage::kBatchProcessing, items_total,
                                                  resumed.completed, resumed.failed));
  size_t workers = static_cast<size_t>(
      std::min(ctx.config.effective_batch_options().max_workers, kMaxWorkersPerMigration));
  // Extraction runs on every core (or the process's extraction_threads) whatever
  // max_workers is: workers claim, read and complete batches; the pipeline extracts and
  // writes for all of them (re_extract, rebuild_executor.h).
  const size_t threads = ctx.extraction_threads > 0
                             ? ctx.extraction_threads
                             : std::max(1u, std::thread::hardware_concurrency());
  RebuildPipeline pipeline(ctx.target, threads, ctx.deps.item_timeout);
  ctx.rebuild = &pipeline;
  struct ClearPipeline {
    RunContext& ctx;
    ~ClearPipeline() { ctx.rebuild = nullptr; }
  } clear_pipeline{ctx};
  // Only the coordinator suspends the target's indexes: a joined run writes into the
  // target as the coordinator left it.
  std::optional<TierLoad> tier_load;
  if (!ctx.joined) tier_load.emplace(ctx);  // ends after the workers' batches
  ProgressSync sync(ctx);
  BatchWorkers batch_workers(ctx, workers, std::move(resumed.per_resource));
  // Tier by tier, the lowest open one first: a tier's batches are claimed only when every
  // lower tier is done. Completed batches are never claimed (counted by TallyCompleted).
  while (!ctx.cancelled) {
    FERRY_ASSIGN_OR_RETURN(std::optional<int> tier,
                           ctx.deps.storage.catalog().LowestOpenMigrationTier(ctx.migration_id));
    if (!tier) break;
    if (tier_load) FERRY_RETURN_IF_ERROR(tier_load->Begin(*tier));
    Status st = batch_workers.RunTier(*tier);
    if (ctx.cancelled) break;
    FERRY_RETURN_IF_ERROR(st);
  }
  if (ctx.cancelled) return Status::Cancelled("cancelled");
  sync.Stop();
  if (ctx.joined) return Status::Ok();  // the coordinator settles the stage
  FERRY_RETURN_IF_ERROR(tier_load->End());
  FERRY_ASSIGN_OR_RETURN(Tally done, TallyCompleted(ctx));
  FERRY_RETURN_IF_ERROR(ctx.progress.StageCountersAtLeast(MigrationStage::kBatchProcessing,
                                                          done.completed, done.failed));
  FERRY_RETURN_IF_ERROR(ReportShares(ctx, done));
  return SettleFailedItems(ctx, items_total);
}

}  // namespace ferry::migration
