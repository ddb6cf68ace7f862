#pragma once
// The bodies of list requests: paging fields, the document list's filters and cursor, and
// refusal of the list options Ferry does not apply (a filtered list that silently returns
// everything would be wrong, so those are 422, naming the field).

#include <initializer_list>
#include <optional>
#include <string_view>

#include "codec/json_reader.h"
#include "model/document_requests.h"
#include "model/resources.h"

namespace ferry::codec {

// True when `v` carries no option: absent, null, {}, [] or "". Clients sending such a
// default for an option Ferry does not apply are served as if they had not sent it.
bool IsEmptyOption(const boost::json::value* v);

// Records a value_error at each of `keys` holding a non-empty option (IsEmptyOption):
// "<key> is not supported by this server", then `hint` ("; use search") when given.
void RejectUnsupported(JsonReader& body, std::initializer_list<std::string_view> keys,
                       std::string_view hint = {});

// ListBucketsRequest: limit (1–1000, default 10) and offset (>= 0, default 0) from the
// body; search, filters and sort are refused. Query parameters are not read.
model::Page DecodeBucketList(JsonReader body);

// ListDocumentsRequest as Ferry applies it.
struct DocumentListRequest {
  std::optional<model::DocumentFilter> filter;  // unset for absent, null or {}
  std::optional<int64_t> cursor;                // the offset a previous page handed out
  bool return_vectors = false;
};
// filters (LogicalOperator), cursor (a non-negative integer of at most 2^31-1, as
// pagination.next_cursor hands out), return_vectors and return_url; search, sort, select
// and group_by are refused.
DocumentListRequest DecodeDocumentList(JsonReader body);

}  // namespace ferry::codec
