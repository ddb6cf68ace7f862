// The shared storage conformance suite (storage/conformance/) on the SQLite backend.

#include "storage/conformance/storage_conformance.h"
#include "storage/sqlite/sqlite_storage_engine.h"

namespace ferry::storage::sqlite {
namespace {

Result<std::unique_ptr<StorageEngine>> OpenSqlite(const std::string& directory) {
  FERRY_ASSIGN_OR_RETURN(auto engine, SqliteStorageEngine::Open(directory));
  return std::unique_ptr<StorageEngine>(std::move(engine));
}

FERRY_INSTANTIATE_STORAGE_CONFORMANCE(Sqlite, testing::DirectoryBackend("sqlite", OpenSqlite));

}  // namespace
}  // namespace ferry::storage::sqlite
