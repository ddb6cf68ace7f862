#pragma once
// NamespaceStore: everything inside one namespace, as the union of its per-resource
// interfaces. Code that needs one resource takes the narrow interface (an ObjectStore&,
// a ClusterStore&); a NamespaceStore converts to each. Ids are unique within the
// namespace; callers have already checked the tenant owns the namespace.
// Implementations are thread-safe; each call is atomic (one transaction). Wrappers
// derive from ForwardingNamespaceStore (forwarding_namespace_store.h).

#include "storage/bucket_store.h"
#include "storage/bulk_store.h"
#include "storage/change_log_store.h"
#include "storage/cluster_store.h"
#include "storage/collection_store.h"
#include "storage/retriever_store.h"
#include "storage/taxonomy_store.h"

namespace ferry::storage {

class NamespaceStore : public BucketStore,
                       public ObjectStore,
                       public BatchStore,
                       public CollectionStore,
                       public DocumentStore,
                       public RetrieverStore,
                       public ClusterStore,
                       public TaxonomyStore,
                       public BulkStore,
                       public ChangeLogStore {
 public:
  ~NamespaceStore() override = default;
};

}  // namespace ferry::storage
