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

  // Enumeration (a storage move copies everything). Every organization, ordered by
  // created_at then org_id.
  virtual Result<std::vector<model::Organization>> ListOrganizations() = 0;
  // An organization's keys (hashes, never secrets), ordered by created_at then key_hash.
  virtual Result<std::vector<model::ApiKey>> ListApiKeys(const std::string& org_id) = 0;
};

}  // namespace ferry::storage
