// The shared storage conformance suite (storage/conformance/) on the PostgreSQL backend:
// every test gets a fresh schema in the throwaway cluster, dropped at its end.

#include "storage/conformance/storage_conformance.h"
#include "storage/postgres/pg_storage_engine.h"
#include "storage/postgres/pg_test_support.h"

namespace ferry::storage::postgres {
namespace {

class PgTestStore : public storage::testing::TestStore {
 public:
  PgTestStore() : url_(testing::TestClusterUrl()), schema_(testing::UniqueSchema()) {}
  ~PgTestStore() override { testing::DropSchema(url_, schema_); }

  Result<std::unique_ptr<StorageEngine>> Open() override {
    PgOptions options;
    options.url = url_;
    options.schema = schema_;
    options.pool_size = 4;
    FERRY_ASSIGN_OR_RETURN(auto engine, PgStorageEngine::Open(options, std::string(32, 'k')));
    return std::unique_ptr<StorageEngine>(std::move(engine));
  }
  std::string location() const override { return url_; }

 private:
  std::string url_;
  std::string schema_;
};

storage::testing::BackendParam PgBackend() {
  return {"postgres", []() -> Result<std::unique_ptr<storage::testing::TestStore>> {
            return std::unique_ptr<storage::testing::TestStore>(std::make_unique<PgTestStore>());
          }};
}

FERRY_INSTANTIATE_STORAGE_CONFORMANCE(Postgres, PgBackend());

}  // namespace
}  // namespace ferry::storage::postgres
