#pragma once
// CatalogStore: organizations, API keys, the namespace index and tasks — everything that
// is not inside one namespace. Every lookup of a tenant resource takes the org id, and a
// row of another organization is reported exactly as an absent one (NotFound).
// Implementations are thread-safe.

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "model/resources.h"

namespace ferry::storage {

class CatalogStore {
 public:
  virtual ~CatalogStore() = default;

  // Organizations and keys.
  virtual Status InsertOrganization(const model::Organization& org) = 0;
  // NotFound when absent.
  virtual Result<model::Organization> GetOrganizationByName(const std::string& name) = 0;
  virtual Result<int64_t> CountOrganizations() = 0;
  // AlreadyExists when the hash is taken.
  virtual Status InsertApiKey(const model::ApiKey& key) = 0;
  // NotFound when no key has this hash.
  virtual Result<model::ApiKey> GetApiKeyByHash(const std::string& key_hash) = 0;

  // Namespaces. AlreadyExists when (org, name) or the id is taken.
  virtual Status InsertNamespace(const model::Namespace& ns) = 0;
  virtual Result<model::Namespace> GetNamespace(const std::string& org_id,
                                                const std::string& namespace_id) = 0;
  virtual Result<model::Namespace> GetNamespaceByName(const std::string& org_id,
                                                      const std::string& name) = 0;
  // Ordered by created_at then id.
  virtual Result<std::vector<model::Namespace>> ListNamespaces(const std::string& org_id,
                                                               const model::Page& page) = 0;
  virtual Result<int64_t> CountNamespaces(const std::string& org_id) = 0;
  // Replaces the row with ns.namespace_id (same org). NotFound / AlreadyExists (name).
  virtual Status UpdateNamespace(const model::Namespace& ns) = 0;
  // NotFound when absent.
  virtual Status DeleteNamespace(const std::string& org_id, const std::string& namespace_id) = 0;

  // Tasks. Upsert by task_id.
  virtual Status UpsertTask(const model::Task& task) = 0;
  virtual Result<model::Task> GetTask(const std::string& org_id, const std::string& task_id) = 0;
  // Tasks whose status is not terminal (for recovery after a restart).
  virtual Result<std::vector<model::Task>> ListUnfinishedTasks() = 0;
};

}  // namespace ferry::storage
