#include "app/move_storage.h"

#include <filesystem>
#include <memory>
#include <utility>

#include "app/config.h"
#include "app/data_dir_lock.h"
#include "app/storage_factory.h"
#include "storage/sqlite/sqlite_storage_engine.h"
#include "storage/transfer/storage_transfer.h"

namespace ferry::app {

Status MoveStorageCommand(const std::string& data_dir, const std::string& url, std::ostream& out) {
  Config config;
  config.data_dir = data_dir;
  config.storage = url;
  FERRY_RETURN_IF_ERROR(config.Validate());
  if (url.empty()) return Status::InvalidArgument("--to must be a postgresql://… URL");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(std::filesystem::path(data_dir) / "catalog.db", ec)) {
    return Status::FailedPrecondition(
        "the data directory holds no embedded storage (no catalog.db); nothing to move");
  }
  FERRY_ASSIGN_OR_RETURN(DataDirLock lock, DataDirLock::Acquire(data_dir, DataDirLock::kExclusive));
  FERRY_ASSIGN_OR_RETURN(auto source, storage::sqlite::SqliteStorageEngine::Open(data_dir));
  // PostgreSQL seals webhook secrets under DATA_DIR/secret.key, the key the embedded
  // store used: every process of the cluster needs a copy of it.
  FERRY_ASSIGN_OR_RETURN(auto target, OpenStorage(config, nullptr));
  auto counts = storage::transfer::TransferAll(*source, *target);
  target->Close();
  source->Close();
  FERRY_RETURN_IF_ERROR(counts.status());
  out << "moved into PostgreSQL: " << storage::transfer::FormatCounts(*counts) << std::endl;
  return Status::Ok();
}

}  // namespace ferry::app
