#pragma once
// BlobStore in the `blobs` table: content-addressed bytes shared by every process of a
// cluster. A Put of bytes already stored writes nothing.

#include <memory>
#include <string>
#include <string_view>

#include "storage/blob_store.h"
#include "storage/postgres/pg_db.h"

namespace ferry::storage::postgres {

class PgBlobStore final : public BlobStore {
 public:
  explicit PgBlobStore(std::shared_ptr<PgDb> db) : db_(std::move(db)) {}
  Result<std::string> Put(std::string_view bytes) override;
  Result<std::string> Get(const std::string& hash) override;
  bool Contains(const std::string& hash) override;

 private:
  std::shared_ptr<PgDb> db_;
};

}  // namespace ferry::storage::postgres
