#pragma once
// The namespace index and migrations' claims on target namespaces (part of
// CatalogStore). A row of another organization is reported exactly as an absent one
// (NotFound). Implementations are thread-safe.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "model/resources.h"

namespace ferry::storage {

class NamespaceIndexStore {
 public:
  virtual ~NamespaceIndexStore() = default;

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
  // Gives each namespace (by id, of the organization) its new name, all in one
  // transaction: a live migration's cutover swaps two names, so that exactly one namespace
  // holds each name at every moment. NotFound when a namespace is absent; AlreadyExists
  // when a new name is held by a namespace outside `renames`; nothing changes then.
  virtual Status RenameNamespaces(const std::string& org_id,
                                  const std::vector<std::pair<std::string, std::string>>& renames,
                                  TimestampMs now) = 0;
  // NotFound when absent. FailedPrecondition, naming the migration, while an unfinished
  // migration (validating, pending, in_progress) of the organization reads the namespace
  // as its source or holds it as its claimed target; checked in the same transaction.
  virtual Status DeleteNamespace(const std::string& org_id, const std::string& namespace_id) = 0;

  // Migration targets. A migration claims its target namespace id (unique across all
  // organizations, like namespace ids) and name (unique within its organization) when it
  // starts, atomically: AlreadyExists when a namespace of any organization has the id,
  // a namespace of the organization has the name, or another migration's claim holds
  // either. The message is "target_namespace_id" or "target_namespace_name", whichever
  // is taken (the id is checked first), and says nothing about other organizations. Ok
  // when this migration already holds the same claim. A claim lives while its migration
  // is validating, pending or in_progress: UpdateMigration to any other status and
  // DeleteMigration release it (a target created by then is guarded by its namespace).
  virtual Status ClaimMigrationTarget(const std::string& org_id, const std::string& migration_id,
                                      const std::string& namespace_id,
                                      const std::string& namespace_name) = 0;
  // False when a namespace of any organization or a migration's claim has this id.
  virtual Result<bool> NamespaceIdAvailable(const std::string& namespace_id) = 0;
  // False when a namespace of the organization or a migration's claim in it has this name.
  virtual Result<bool> NamespaceNameAvailable(const std::string& org_id,
                                              const std::string& name) = 0;
};

}  // namespace ferry::storage
