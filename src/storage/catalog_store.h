#pragma once
// CatalogStore: everything that is not inside one namespace — organizations and keys,
// the namespace index with target claims, tasks, migrations with their batch plans,
// batch leases and failed items, and the webhook outbox — as the union of its
// per-concern interfaces. Code that needs one concern takes the narrow interface (a
// MigrationStore&, a WebhookStore&); a CatalogStore converts to each. Every lookup of a
// tenant resource takes the org id, and a row of another organization is reported
// exactly as an absent one (NotFound). Implementations are thread-safe. Wrappers derive
// from ForwardingCatalogStore (forwarding_catalog_store.h).

#include "storage/batch_lease_store.h"
#include "storage/migration_run_store.h"
#include "storage/migration_store.h"
#include "storage/namespace_index_store.h"
#include "storage/organization_store.h"
#include "storage/task_store.h"
#include "storage/webhook_store.h"

namespace ferry::storage {

class CatalogStore : public OrganizationStore,
                     public NamespaceIndexStore,
                     public TaskStore,
                     public MigrationStore,
                     public BatchLeaseStore,
                     public MigrationRunStore,
                     public WebhookStore {
 public:
  ~CatalogStore() override = default;
};

}  // namespace ferry::storage
