#include "migration/status_board.h"

#include <utility>

namespace ferry::migration {

void MigrationStatusBoard::Open(const std::string& migration_id) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_[migration_id] = Entry{};
}

void MigrationStatusBoard::Publish(const model::Migration& m) {
  // The copy is made outside the lock: readers never wait for it.
  auto snapshot = std::make_shared<const model::Migration>(m);
  std::shared_ptr<const model::Migration> replaced;  // released after the lock
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(m.migration_id);
  if (it == entries_.end() || it->second.forgotten) return;
  replaced = std::move(it->second.status.migration);
  it->second.status = PublishedStatus{std::move(snapshot), next_version_++};
}

void MigrationStatusBoard::Forget(const std::string& migration_id) {
  std::shared_ptr<const model::Migration> dropped;  // released after the lock
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(migration_id);
  if (it == entries_.end()) return;
  it->second.forgotten = true;
  dropped = std::move(it->second.status.migration);
}

void MigrationStatusBoard::Close(const std::string& migration_id) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.erase(migration_id);
}

std::optional<PublishedStatus> MigrationStatusBoard::Find(const std::string& migration_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(migration_id);
  if (it == entries_.end() || it->second.status.migration == nullptr) return std::nullopt;
  return it->second.status;
}

uint64_t MigrationStatusBoard::published() const {
  std::lock_guard<std::mutex> lock(mu_);
  return next_version_ - 1;
}

}  // namespace ferry::migration
