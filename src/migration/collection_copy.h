#pragma once
// Copies a collection's documents into another collection of the same namespace: what a
// collection clone carries over (clone_service.h). The migration runner copies into a new
// namespace, mapping every id; here only the documents and their collection are new, and
// their lineage (root and source objects or documents) still points at the same items.

#include <cstdint>

#include "common/result.h"
#include "model/resources.h"
#include "storage/namespace_store.h"

namespace ferry::migration {

// Copies every document of `source` into `target` (both collections of `store`), page by
// page (`page_size` documents, one UpsertDocuments each: client writes, so they reach the
// namespace's change log and a live migration of it). A copy's id is
// MapId(target.collection_id, source document id), so copying again overwrites rather than
// duplicates; fields, vectors, status and times are kept; the lineage path ends in the
// target. Returns how many documents were copied.
Result<int64_t> CopyCollectionDocuments(storage::NamespaceStore& store,
                                        const model::Collection& source,
                                        const model::Collection& target, int64_t page_size = 500);

// The copy of `doc` (a document of `source`) in `target`.
model::Document CopiedDocument(model::Document doc, const model::Collection& target);

}  // namespace ferry::migration
