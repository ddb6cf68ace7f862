#include "migration/progress_tracker.h"

#include <algorithm>

namespace ferry::migration {

using model::MigrationStage;
using model::MigrationStatus;

double StageWeight(MigrationStage stage) {
  switch (stage) {
    case MigrationStage::kNamespaceSetup:
      return 5;
    case MigrationStage::kBatchCreation:
      return 5;
    case MigrationStage::kBatchProcessing:
      return 75;
    case MigrationStage::kClusterExecution:
      return 3;
    case MigrationStage::kTaxonomyEnrichment:
      return 3;
    case MigrationStage::kBenchmarkEvaluation:
      return 4;
    case MigrationStage::kFinalization:
      return 5;
  }
  return 0;
}

model::MigrationProgress InitialProgress(const model::DependencyGraph* graph,
                                         MigrationStatus status) {
  model::MigrationProgress p;
  p.overall_status = status;
  for (int i = 0; i < model::kMigrationStageCount; ++i) {
    model::StageProgress s;
    s.stage = static_cast<MigrationStage>(i);
    s.status = status;
    p.stages.push_back(s);
  }
  if (graph != nullptr) {
    for (const auto& id : graph->execution_order) {
      const model::DependencyNode* n = graph->Find(id);
      p.resources.push_back({id, n->resource_type, status, 0, std::nullopt});
    }
  }
  return p;
}

ProgressTracker::ProgressTracker(storage::MigrationStore& catalog, const Clock& clock,
                                 model::Migration migration, MigrationStatusBoard* board)
    : catalog_(&catalog), clock_(clock), board_(board), migration_(std::move(migration)) {}

ProgressTracker::ProgressTracker(const Clock& clock, model::Migration migration)
    : catalog_(nullptr), clock_(clock), board_(nullptr), migration_(std::move(migration)) {}

model::Migration ProgressTracker::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return migration_;
}

bool ProgressTracker::FrozenLocked(Status* st) {
  if (!finished_) return false;
  *st = Status::Ok();
  if (!final_persisted_) {
    *st = PersistLocked();
    final_persisted_ = st->ok();
  }
  return true;
}

Status ProgressTracker::Update(const std::function<void(model::Migration&)>& fn) {
  std::lock_guard<std::mutex> lock(mu_);
  if (Status st; FrozenLocked(&st)) return st;
  fn(migration_);
  Recompute(migration_);
  return PersistLocked();
}

Status ProgressTracker::PersistLocked() {
  last_persist_ms_ = clock_.NowMs();
  if (catalog_ == nullptr) return Status::Ok();
  Status st = catalog_->UpdateMigration(migration_);
  // Published only once durable, and under mu_, so snapshots reach the board in the
  // order they were written.
  if (st.ok() && board_ != nullptr) board_->Publish(migration_);
  return st;
}

Status ProgressTracker::BatchDone(MigrationStage stage, const std::string& resource_id,
                                  int64_t completed, int64_t failed, double resource_percent) {
  std::lock_guard<std::mutex> lock(mu_);
  if (Status st; FrozenLocked(&st)) return st;
  auto& s = migration_.progress.stages[static_cast<int>(stage)];
  s.items_completed += completed;
  s.items_failed += failed;
  for (auto& r : migration_.progress.resources) {
    if (r.resource_id != resource_id) continue;
    r.status = MigrationStatus::kInProgress;
    r.progress_percent = std::min(100.0, std::max(r.progress_percent, resource_percent));
  }
  Recompute(migration_);
  if (clock_.NowMs() - last_persist_ms_ < kPersistIntervalMs) return Status::Ok();
  return PersistLocked();
}

Result<bool> ProgressTracker::Finish(const std::function<void(model::Migration&)>& fn) {
  std::lock_guard<std::mutex> lock(mu_);
  if (Status st; FrozenLocked(&st)) {
    if (!st.ok()) return st;
    return false;
  }
  fn(migration_);
  finished_ = true;
  Recompute(migration_);
  Status st = PersistLocked();
  final_persisted_ = st.ok();
  if (!st.ok()) return st;
  return true;
}

namespace {

// Names the target of a cancelled run in additional_data.partial_target when the run may
// have created it (not a dry run, namespace_setup started).
void NamePartialTarget(model::Migration& m) {
  const auto& stages = m.progress.stages;
  bool setup_started =
      !stages.empty() &&
      stages[static_cast<int>(MigrationStage::kNamespaceSetup)].started_at.has_value();
  const model::Value* id = m.additional_data.Get("target_namespace_id");
  if (m.config.dry_run || !setup_started || id == nullptr || !id->is_string()) return;
  model::ValueObject target;
  target.Set("namespace_id", id->as_string());
  const model::Value* name = m.additional_data.Get("target_namespace_name");
  if (name != nullptr && name->is_string()) target.Set("namespace_name", name->as_string());
  target.Set("partial", true);
  model::ValueObject data = m.additional_data.as_object();
  data.Set("partial_target", model::Value(std::move(target)));
  m.additional_data = model::Value(std::move(data));
}

}  // namespace

void MarkCancelled(model::Migration& m, TimestampMs now, const std::string& reason) {
  m.status = MigrationStatus::kCancelled;
  m.completed_at = now;
  if (!reason.empty()) m.error_message = "cancelled: " + reason;
  for (auto& s : m.progress.stages) {
    if (IsTerminal(s.status)) continue;
    if (s.status == MigrationStatus::kInProgress) s.completed_at = now;
    s.status = MigrationStatus::kCancelled;
  }
  for (auto& r : m.progress.resources) {
    if (!IsTerminal(r.status)) r.status = MigrationStatus::kCancelled;
  }
  NamePartialTarget(m);
}

void ProgressTracker::Recompute(model::Migration& m) const {
  auto& p = m.progress;
  p.overall_status = m.status;
  double total = 0;
  std::optional<MigrationStage> current;
  for (auto& s : p.stages) {
    if (s.items_total > 0) {
      double pct = 100.0 * static_cast<double>(s.items_completed + s.items_failed) /
                   static_cast<double>(s.items_total);
      s.progress_percent = std::max(s.progress_percent, std::min(100.0, pct));
    }
    if (s.status == MigrationStatus::kCompleted) s.progress_percent = 100;
    total += StageWeight(s.stage) * s.progress_percent / 100.0;
    if (s.status == MigrationStatus::kInProgress) current = s.stage;
  }
  if (current) p.current_stage = current;
  p.overall_progress_percent = std::min(100.0, std::max(p.overall_progress_percent, total));
  if (m.status == MigrationStatus::kCompleted) p.overall_progress_percent = 100;
  // Estimated completion: remaining share of the work at the rate measured so far.
  if (p.started_at && m.status == MigrationStatus::kInProgress) {
    TimestampMs now = clock_.NowMs();
    double elapsed = static_cast<double>(now - *p.started_at);
    double done = p.overall_progress_percent;
    if (done >= 1.0 && elapsed > 0) {
      p.estimated_completion = now + static_cast<TimestampMs>(elapsed * (100.0 - done) / done);
    }
  } else if (IsTerminal(m.status)) {
    p.estimated_completion = m.completed_at;
  }
}

Status ProgressTracker::StageStarted(MigrationStage stage, int64_t items_total,
                                     int64_t items_completed, int64_t items_failed) {
  TimestampMs now = clock_.NowMs();
  return Update([&](model::Migration& m) {
    auto& s = m.progress.stages[static_cast<int>(stage)];
    s.status = MigrationStatus::kInProgress;
    if (!s.started_at) s.started_at = now;  // a resumed stage keeps its first start
    s.items_total = items_total;
    s.items_completed = items_completed;  // recounted from the durable state by the stage
    s.items_failed = items_failed;
    m.progress.current_stage = stage;
  });
}

Status ProgressTracker::StageItems(MigrationStage stage, int64_t completed, int64_t failed) {
  return Update([&](model::Migration& m) {
    auto& s = m.progress.stages[static_cast<int>(stage)];
    s.items_completed += completed;
    s.items_failed += failed;
  });
}

Status ProgressTracker::StageFinished(MigrationStage stage, MigrationStatus status,
                                      std::optional<std::string> error) {
  TimestampMs now = clock_.NowMs();
  return Update([&](model::Migration& m) {
    auto& s = m.progress.stages[static_cast<int>(stage)];
    s.status = status;
    s.completed_at = now;
    if (!s.started_at) s.started_at = now;
    s.error_message = std::move(error);
  });
}

Status ProgressTracker::StageCountersAtLeast(MigrationStage stage, int64_t completed,
                                             int64_t failed) {
  std::lock_guard<std::mutex> lock(mu_);
  if (Status st; FrozenLocked(&st)) return st;
  auto& s = migration_.progress.stages[static_cast<int>(stage)];
  s.items_completed = std::max(s.items_completed, completed);
  s.items_failed = std::max(s.items_failed, failed);
  Recompute(migration_);
  if (clock_.NowMs() - last_persist_ms_ < kPersistIntervalMs) return Status::Ok();
  return PersistLocked();
}

Status ProgressTracker::ResourceStarted(const std::string& id) {
  return Update([&](model::Migration& m) {
    for (auto& r : m.progress.resources) {
      if (r.resource_id == id && r.status != MigrationStatus::kCompleted) {
        r.status = MigrationStatus::kInProgress;
      }
    }
  });
}

Status ProgressTracker::ResourceState(const std::string& id, MigrationStatus status, double percent,
                                      std::optional<std::string> error) {
  return Update([&](model::Migration& m) {
    for (auto& r : m.progress.resources) {
      if (r.resource_id != id) continue;
      r.status = status;
      r.progress_percent = std::min(100.0, std::max(r.progress_percent, percent));
      if (error) r.error_message = std::move(error);
    }
  });
}

}  // namespace ferry::migration
