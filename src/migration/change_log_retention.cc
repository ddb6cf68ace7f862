#include "migration/change_log_retention.h"

#include <algorithm>
#include <map>
#include <vector>

#include "common/contain.h"
#include "common/thread_name.h"

namespace ferry::migration {

namespace {

using model::MigrationStatus;

constexpr int64_t kPage = 1000;

// live[key], nullptr when absent or null.
const model::Value* Present(const model::Value& live, std::string_view key) {
  const model::Value* v = live.Get(key);
  return v == nullptr || v->is_null() ? nullptr : v;
}

// A time in additional_data: milliseconds, or an ISO-8601 string.
std::optional<TimestampMs> TimeAt(const model::Value& live, std::string_view key) {
  const model::Value* v = Present(live, key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int()) return v->as_int();
  if (v->is_double()) return static_cast<TimestampMs>(v->as_double());
  if (v->is_string()) return ParseIso8601(v->as_string());
  return std::nullopt;
}

std::optional<int64_t> SeqAt(const model::Value& live, std::string_view key) {
  const model::Value* v = Present(live, key);
  if (v == nullptr || !v->is_number()) return std::nullopt;
  return v->is_int() ? v->as_int() : static_cast<int64_t>(v->as_double());
}

// A sync ran after the cutover and rollback: the migration reads its source again.
bool SyncedSince(const model::Value& live) {
  const model::Value* following = Present(live, "following");
  if (following != nullptr && following->is_bool() && following->as_bool()) return true;
  auto synced = TimeAt(live, "last_synced_at");
  TimestampMs last_switch =
      std::max(TimeAt(live, "cutover_at").value_or(0), TimeAt(live, "rolled_back_at").value_or(0));
  return synced && *synced > last_switch;
}

std::string TargetNamespaceId(const model::Migration& m) {
  const model::Value* v = m.additional_data.Get("target_namespace_id");
  if (v != nullptr && v->is_string()) return v->as_string();
  return m.config.target_namespace_id.value_or("");
}

template <typename T, typename Fetch>
Result<std::vector<T>> AllPages(Fetch fetch) {
  std::vector<T> out;
  for (model::Page page{0, kPage};; page.offset += kPage) {
    FERRY_ASSIGN_OR_RETURN(std::vector<T> got, fetch(page));
    out.insert(out.end(), got.begin(), got.end());
    if (static_cast<int64_t>(got.size()) < kPage) return out;
  }
}

}  // namespace

std::vector<ChangeLogHold> ChangeLogHolds(const model::Migration& m) {
  if (m.status == MigrationStatus::kDraft || m.status == MigrationStatus::kFailed ||
      m.status == MigrationStatus::kCancelled) {
    return {};
  }
  const model::Value* live = m.additional_data.Get("live");
  if (live == nullptr || !live->is_object()) return {};
  bool cut_over = Present(*live, "cutover_at") != nullptr;
  bool rolled_back = Present(*live, "rolled_back_at") != nullptr;
  if ((cut_over || rolled_back) && !SyncedSince(*live)) {
    auto target_seq = SeqAt(*live, "target_seq_at_cutover");
    if (rolled_back || !target_seq) return {};
    return {{TargetNamespaceId(m), *target_seq}};
  }
  auto after = SeqAt(*live, "applied_seq");
  if (!after) after = SeqAt(*live, "source_seq_at_start");
  if (!after) return {};
  return {{m.config.source_namespace_id, *after}};
}

Status CheckLogKeptAfter(storage::ChangeLogStore& log, int64_t after, const std::string& what) {
  FERRY_ASSIGN_OR_RETURN(const int64_t latest, log.LatestChangeSeq());
  if (latest <= after) return Status::Ok();
  FERRY_ASSIGN_OR_RETURN(auto next, log.ListChanges(after, 1));
  if (!next.empty() && next.front().seq == after + 1) return Status::Ok();
  return Status::FailedPrecondition(
      what + "'s change log was trimmed past sequence " + std::to_string(after) +
      " (change_log_retention_seconds) before this migration applied it; its changes can "
      "no longer be caught up: start a new migration");
}

Result<int64_t> ChangeLogTrimmer::TrimOrganization(const std::string& org_id, TimestampMs before) {
  auto& catalog = storage_.catalog();
  FERRY_ASSIGN_OR_RETURN(auto namespaces, AllPages<model::Namespace>([&](const model::Page& p) {
                           return catalog.ListNamespaces(org_id, p);
                         }));
  // The latest sequences are read before the migrations are listed: a migration that
  // records its start after the listing records one of these or a later one.
  std::map<std::string, int64_t> upto;
  std::map<std::string, std::shared_ptr<storage::NamespaceStore>> stores;
  for (const auto& ns : namespaces) {
    auto store = storage_.OpenNamespace(ns.namespace_id);
    if (!store.ok() && store.status().code() == StatusCode::kNotFound) continue;  // deleted
    FERRY_RETURN_IF_ERROR(store.status());
    FERRY_ASSIGN_OR_RETURN(upto[ns.namespace_id], (*store)->LatestChangeSeq());
    stores[ns.namespace_id] = *std::move(store);
  }
  FERRY_ASSIGN_OR_RETURN(auto migrations, AllPages<model::Migration>([&](const model::Page& p) {
                           return catalog.ListMigrations(org_id, model::MigrationListFilter{}, p);
                         }));
  for (const auto& m : migrations) {
    for (const ChangeLogHold& hold : ChangeLogHolds(m)) {
      auto it = upto.find(hold.namespace_id);
      if (it != upto.end()) it->second = std::min(it->second, hold.after);
    }
  }
  int64_t total = 0;
  for (const auto& [id, bound] : upto) {
    if (bound <= 0) continue;
    FERRY_ASSIGN_OR_RETURN(int64_t n, stores[id]->TrimChangesWrittenBefore(bound, before));
    if (n > 0) {
      logger_.Info("change log trimmed", {{"namespace_id", id},
                                          {"upto_seq", std::to_string(bound)},
                                          {"entries", std::to_string(n)}});
    }
    total += n;
  }
  return total;
}

Result<int64_t> ChangeLogTrimmer::TrimOnce() {
  TimestampMs before = clock_.NowMs() - options_.retention.count();
  FERRY_ASSIGN_OR_RETURN(auto orgs, storage_.catalog().ListOrganizations());
  int64_t total = 0;
  for (const auto& org : orgs) {
    FERRY_ASSIGN_OR_RETURN(int64_t n, TrimOrganization(org.org_id, before));
    total += n;
  }
  logger_.Log(LogLevel::kDebug, "change log trim pass",
              {{"pass", std::to_string(++passes_)},
               {"written_before", FormatIso8601(before)},
               {"entries", std::to_string(total)}});
  return total;
}

void ChangeLogTrimmer::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] {
    NameCurrentThread("ferry-retention");
    Loop();
  });
}

void ChangeLogTrimmer::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    Status pass = Contain(&logger_, "change log trim", [&] { return TrimOnce().status(); });
    if (!pass.ok()) logger_.Warn("change log trim failed", {{"error", pass.ToString()}});
    lock.lock();
    wake_.wait_for(lock, options_.interval, [this] { return stopping_; });
  }
}

void ChangeLogTrimmer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace ferry::migration
