#include "storage/postgres/pg_blob_store.h"

#include "common/clock.h"
#include "common/crypto.h"
#include "storage/postgres/pg_params.h"

namespace ferry::storage::postgres {

Result<std::string> PgBlobStore::Put(std::string_view bytes) {
  std::string hash = Sha256Hex(bytes);
  const TimestampMs now = SystemClock().NowMs();
  FERRY_RETURN_IF_ERROR(db_->Run("put blob", [&](pqxx::work& tx) -> Status {
    tx.exec_params(
        "INSERT INTO blobs (content_hash, bytes, created_at) VALUES ($1, $2, $3) "
        "ON CONFLICT (content_hash) DO NOTHING",
        hash, pqxx::binarystring(bytes.data(), bytes.size()), now);
    return Status::Ok();
  }));
  return hash;
}

Result<std::string> PgBlobStore::Get(const std::string& hash) {
  FERRY_ASSIGN_OR_RETURN(
      std::string bytes, db_->Run("get blob", [&](pqxx::work& tx) -> Result<std::string> {
        auto r = tx.exec_params("SELECT bytes FROM blobs WHERE content_hash = $1", hash);
        if (r.empty()) return Status::NotFound("blob not found: " + hash);
        return ReadBytes(r[0][0]);
      }));
  if (Sha256Hex(bytes) != hash) {
    return Status::DataLoss("blob content does not match its hash: " + hash);
  }
  return bytes;
}

bool PgBlobStore::Contains(const std::string& hash) {
  auto found = db_->Run("find blob", [&](pqxx::work& tx) -> Result<bool> {
    return !tx.exec_params("SELECT 1 FROM blobs WHERE content_hash = $1", hash).empty();
  });
  return found.ok() && *found;
}

}  // namespace ferry::storage::postgres
