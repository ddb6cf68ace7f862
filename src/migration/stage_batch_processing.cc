// batch_processing: runs the plan's batches tier by tier on up to max_workers workers.
// A tier starts when the one before it is done (a collection fed by another collection
// waits for it). Batches are streamed from the durable plan with a bounded number in
// flight; completed batches are skipped, so a resumed run continues where it stopped.

#include <chrono>
#include <condition_variable>
#include <thread>

#include "common/thread_pool.h"
#include "migration/batch_executor.h"
#include "migration/stages.h"

namespace ferry::migration {

namespace {

using model::MigrationStage;
using model::MigrationStatus;

// Upper bound on workers of one migration, whatever max_workers says.
constexpr int64_t kMaxWorkersPerMigration = 16;
constexpr int kMaxAttempts = 3;

class BatchScheduler {
 public:
  // `done` holds the items each resource finished in earlier attempts of this run.
  BatchScheduler(RunContext& ctx, size_t workers, std::map<std::string, int64_t> done)
      : ctx_(ctx), pool_(workers), max_in_flight_(2 * workers), done_(std::move(done)) {
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
  Status RunWithRetry(model::MigrationBatch& batch) {
    bool retry = ctx_.config.effective_batch_options().retry_failed;
    Status last;
    for (int attempt = 1; attempt <= (retry ? kMaxAttempts : 1); ++attempt) {
      if (ctx_.cancelled) return Status::Aborted("cancelled");
      batch.attempts += 1;
      auto result = ExecuteBatch(ctx_, batch);
      if (result.ok()) return Finish(batch, *result);
      last = result.status();
      if (last.code() == StatusCode::kAborted) return last;
      if (!IsRetryable(last.code())) break;  // retrying cannot help (STYLE: by code only)
      ctx_.deps.logger.Warn("migration batch failed", {{"migration_id", ctx_.migration_id},
                                                       {"batch_no", std::to_string(batch.batch_no)},
                                                       {"attempt", std::to_string(attempt)},
                                                       {"error", last.ToString()}});
      if (attempt < (retry ? kMaxAttempts : 1)) {
        // Backoff before the next attempt: 100 ms, 200 ms, …
        std::this_thread::sleep_for(std::chrono::milliseconds(100 << (attempt - 1)));
      }
    }
    batch.status = "failed";
    batch.error = last.message();
    (void)ctx_.deps.storage.catalog().UpdateMigrationBatch(batch);
    (void)ctx_.progress.ResourceState(batch.resource_id, MigrationStatus::kFailed, 0,
                                      last.message());
    return Status(last.code(), "batch " + std::to_string(batch.batch_no) + " of " +
                                   batch.resource_id + " failed after " +
                                   std::to_string(batch.attempts) + " attempts: " + last.message());
  }

  Status Finish(model::MigrationBatch& batch, const BatchResult& r) {
    batch.status = "completed";
    batch.items_failed = r.failed;
    FERRY_RETURN_IF_ERROR(ctx_.deps.storage.catalog().UpdateMigrationBatch(batch));
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
      }
      if (ctx.cancelled || scheduler.failed()) break;
      scheduler.Submit(std::move(b));
    }
    if (ctx.cancelled || scheduler.failed()) break;
  }
  Status st = scheduler.Wait();
  if (ctx.cancelled) return Status::Aborted("cancelled");
  return st;
}

}  // namespace ferry::migration
