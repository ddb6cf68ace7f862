#pragma once
// Wire shapes of the document write endpoints (DocumentCreateRequest, DocumentUpdateRequest,
// PatchDocumentRequest, BatchUpdateDocumentsRequest, BatchDeleteDocumentsRequest,
// BulkUpdateDocumentsRequest, LogicalOperator filters) and their batch responses.

#include <boost/json.hpp>

#include "codec/json_reader.h"
#include "model/document_requests.h"

namespace ferry::codec {

model::DocumentCreate DecodeDocumentCreate(JsonReader body);
// PUT (`patch` false) or PATCH body: every property but the reserved ones is a user field.
model::DocumentUpdate DecodeDocumentUpdate(JsonReader body, bool patch);
model::DocumentBatchUpdate DecodeDocumentBatchUpdate(JsonReader body);
model::DocumentBatchDelete DecodeDocumentBatchDelete(JsonReader body);
model::DocumentBulkUpdate DecodeDocumentBulkUpdate(JsonReader body);
// LogicalOperator-Input: AND / OR / NOT lists of conditions or nested operators, and
// shorthand `"field": value` equality pairs.
model::DocumentFilter DecodeDocumentFilter(JsonReader node);

// BatchUpdateDocumentsResponse, BatchDeleteDocumentsResponse, BulkUpdateDocumentsResponse.
boost::json::object EncodeDocumentBatchUpdate(const model::DocumentBatchResult& r);
boost::json::object EncodeDocumentBatchDelete(const model::DocumentBatchResult& r);
boost::json::object EncodeDocumentBulkUpdate(int64_t updated_count);

}  // namespace ferry::codec
