#pragma once
// Evaluates a document filter (Mixpeek's LogicalOperator, decoded into model::DocumentFilter)
// against one document, for the batch and bulk document writes.

#include "model/document_requests.h"
#include "model/resources.h"

namespace ferry::service {

// True when `d` matches `f`. Fields are dotted paths into the user fields, or document_id /
// collection_id. An absent field matches only ne, nin, exists:false and is_null:true.
// String comparisons ignore case unless the condition is case_sensitive.
bool MatchesFilter(const model::DocumentFilter& f, const model::Document& d);

}  // namespace ferry::service
