#include "service/item_limits.h"

#include <string>

namespace ferry::service {

size_t ApproxValueBytes(const model::Value& v) {
  switch (v.kind()) {
    case model::Value::Kind::kString:
      return v.as_string().size();
    case model::Value::Kind::kArray: {
      size_t n = 8;
      for (const auto& e : v.as_array()) n += ApproxValueBytes(e);
      return n;
    }
    case model::Value::Kind::kObject: {
      size_t n = 8;
      for (const auto& [k, e] : v.as_object()) n += k.size() + ApproxValueBytes(e);
      return n;
    }
    default:
      return 8;
  }
}

Status CheckItemOutput(const std::vector<extract::ExtractedDocument>& extracted,
                       size_t passthrough_bytes) {
  if (extracted.size() > extract::kMaxDocumentsPerItem) {
    return Status::InvalidArgument("the item makes " + std::to_string(extracted.size()) +
                                   " documents, above the limit of " +
                                   std::to_string(extract::kMaxDocumentsPerItem) + " per item");
  }
  size_t total = 0;
  for (const auto& doc : extracted) {
    total += passthrough_bytes + ApproxValueBytes(doc.fields);
    if (total > extract::kMaxBytesPerItem) {
      return Status::InvalidArgument(
          "the " + std::to_string(extracted.size()) + " documents of the item would hold more " +
          "than " + std::to_string(extract::kMaxBytesPerItem) +
          " bytes of fields together, the limit per item (each repeats " +
          std::to_string(passthrough_bytes) + " bytes of source fields passed through)");
    }
  }
  return Status::Ok();
}

}  // namespace ferry::service
