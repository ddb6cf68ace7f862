#include "app/storage_factory.h"

#include <filesystem>

#include "storage/postgres/pg_storage_engine.h"
#include "storage/sqlite/private_files.h"
#include "storage/sqlite/sqlite_storage_engine.h"

namespace ferry::app {

Result<std::unique_ptr<storage::StorageEngine>> OpenStorage(const Config& config,
                                                            const CrashPoints* crash_points) {
  if (config.storage.empty()) {
    FERRY_ASSIGN_OR_RETURN(
        auto engine, storage::sqlite::SqliteStorageEngine::Open(config.data_dir, crash_points));
    return std::unique_ptr<storage::StorageEngine>(std::move(engine));
  }
  const std::filesystem::path root(config.data_dir);
  FERRY_RETURN_IF_ERROR(storage::sqlite::MakePrivateDirectory(root, "data directory"));
  FERRY_ASSIGN_OR_RETURN(std::string key,
                         storage::sqlite::LoadOrCreateSecretKey(root / "secret.key"));
  storage::postgres::PgOptions options;
  options.url = config.storage;
  FERRY_ASSIGN_OR_RETURN(
      auto engine, storage::postgres::PgStorageEngine::Open(options, std::move(key), crash_points));
  return std::unique_ptr<storage::StorageEngine>(std::move(engine));
}

}  // namespace ferry::app
