#pragma once
// Organizations and their API keys (part of CatalogStore). Implementations are
// thread-safe.

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "model/resources.h"

namespace ferry::storage {

class OrganizationStore {
 public:
  virtual ~OrganizationStore() = default;

  // Organizations and keys.
  virtual Status InsertOrganization(const model::Organization& org) = 0;
  // NotFound when absent.
  virtual Result<model::Organization> GetOrganizationByName(const std::string& name) = 0;
  virtual Result<int64_t> CountOrganizations() = 0;
  // AlreadyExists when the hash is taken.
  virtual Status InsertApiKey(const model::ApiKey& key) = 0;
  // NotFound when no key has this hash.
  virtual Result<model::ApiKey> GetApiKeyByHash(const std::string& key_hash) = 0;
};

}  // namespace ferry::storage
