#pragma once
// The limits of what one source item may produce (extract::kMaxDocumentsPerItem and
// extract::kMaxBytesPerItem), applied to the documents a DocumentBuilder makes of it: the
// extractor's documents, each also holding the fields passed through from the source
// (with include_all_source_fields, all of them: a whole text again in every chunk).

#include <cstddef>
#include <vector>

#include "common/status.h"
#include "extract/extractor.h"
#include "model/value.h"

namespace ferry::service {

// About the bytes `v` takes in memory and as stored: its strings and keys at their length,
// 8 for any other value.
size_t ApproxValueBytes(const model::Value& v);

// InvalidArgument when `extracted` holds more than kMaxDocumentsPerItem documents, or when
// their fields, each document with `passthrough_bytes` more, would be more than
// kMaxBytesPerItem bytes together.
Status CheckItemOutput(const std::vector<extract::ExtractedDocument>& extracted,
                       size_t passthrough_bytes);

}  // namespace ferry::service
