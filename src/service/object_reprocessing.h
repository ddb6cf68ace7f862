#pragma once
// Re-processing of changed objects (issue 13 §1). When an object's content changes (PUT or
// PATCH), the documents derived from it — in every collection fed by its bucket,
// downstream collections included — are marked ingestion_status "PENDING": their content
// no longer follows the object. The next batch run over the object (BatchRunner) rewrites
// them from the new version, and deletes the marked ones it did not rewrite (chunks the
// new version no longer has). Every write here is a logged client write.

#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "storage/namespace_store.h"

namespace ferry::service {

// The ingestion_status of a document whose source object changed since it was built.
inline constexpr const char* kReprocessingPending = "PENDING";

// Marks the documents derived from `object_id` in each of `collection_ids` (one
// EditDocuments per collection that has any; documents already marked are left alone).
// Returns how many were marked.
Result<int64_t> MarkDerivedDocuments(storage::NamespaceStore& store,
                                     const std::vector<std::string>& collection_ids,
                                     const std::string& object_id, TimestampMs now);

// A collection's marked documents derived from these root objects (without vectors).
Result<std::vector<model::Document>> PendingDocuments(storage::DocumentStore& store,
                                                      const std::string& collection_id,
                                                      const std::vector<std::string>& root_ids);

// Deletes those of `ids` that are still marked, in one transaction.
Status DeleteStillPending(storage::DocumentStore& store, const std::string& collection_id,
                          const std::vector<std::string>& ids);

}  // namespace ferry::service
