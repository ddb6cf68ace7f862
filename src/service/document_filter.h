#pragma once
// Evaluates a document filter (Mixpeek's LogicalOperator, decoded into model::DocumentFilter)
// against one document, for the batch and bulk document writes, and lists the documents a
// filter matches (documents/list).

#include <string>

#include "common/result.h"
#include "model/document_requests.h"
#include "model/requests.h"
#include "model/resources.h"
#include "storage/collection_store.h"

namespace ferry::service {

// True when `d` matches `f`. Fields are dotted paths into the user fields, or document_id /
// collection_id. An absent field matches only ne, nin, exists:false and is_null:true.
// String comparisons ignore case unless the condition is case_sensitive.
bool MatchesFilter(const model::DocumentFilter& f, const model::Document& d);

// The page of a collection's documents that match `f`, in the collection's list order
// (created_at, then id), with their vectors; `total` counts every match. The filter is
// evaluated here, not in SQL: the collection is read in keyset chunks without vectors (a
// linear scan, however large), then the page's documents are read with theirs (one that
// is deleted in between is left out).
// Offsets count matches, so next_cursor / offset paging works as without a filter.
Result<model::ListResult<model::Document>> ListMatchingDocuments(storage::DocumentStore& store,
                                                                 const std::string& collection_id,
                                                                 const model::DocumentFilter& f,
                                                                 const model::Page& page);

}  // namespace ferry::service
