#include "codec/list_codec.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "codec/document_write_codec.h"

namespace ferry::codec {

namespace json = boost::json;

bool IsEmptyOption(const json::value* v) {
  if (v == nullptr || v->is_null()) return true;
  if (v->is_object()) return v->get_object().empty();
  if (v->is_array()) return v->get_array().empty();
  if (v->is_string()) return v->get_string().empty();
  return false;
}

void RejectUnsupported(JsonReader& body, std::initializer_list<std::string_view> keys,
                       std::string_view hint) {
  for (std::string_view key : keys) {
    if (IsEmptyOption(body.Member(key))) continue;
    std::string msg(key);
    msg.append(" is not supported by this server").append(hint);
    body.AddIssue(key, std::move(msg), "value_error");
  }
}

model::Page DecodeBucketList(JsonReader body) {
  model::Page page;
  page.limit = 10;
  if (!body.ExpectObject()) return page;
  body.RejectNull({"limit", "offset", "case_sensitive"});
  page.limit = body.Int("limit", false, 1, 1000).value_or(10);
  // Beyond 2^62 an offset could overflow offset + returned; no list is that long.
  page.offset = body.Int("offset", false, 0, INT64_MAX / 2).value_or(0);
  body.Bool("case_sensitive", false);
  RejectUnsupported(body, {"search", "filters", "sort"});
  return page;
}

namespace {

// The offset a cursor stands for: decimal digits only, at most 2^31-1.
std::optional<int64_t> DecodeCursor(JsonReader& body) {
  auto cursor = body.String("cursor", false);
  if (!cursor) return std::nullopt;
  const bool digits =
      !cursor->empty() && cursor->size() <= 10 &&
      std::all_of(cursor->begin(), cursor->end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digits) {
    int64_t v = std::stoll(*cursor);
    if (v <= INT32_MAX) return v;
  }
  body.AddIssue("cursor", "cursor is not one this server handed out", "value_error");
  return std::nullopt;
}

}  // namespace

DocumentListRequest DecodeDocumentList(JsonReader body) {
  DocumentListRequest req;
  if (!body.ExpectObject()) return req;
  req.return_vectors = body.Bool("return_vectors", false).value_or(false);
  body.Bool("return_url", false);  // read for its type; Ferry's documents hold no URLs to sign
  req.cursor = DecodeCursor(body);
  const json::value* filters = body.Member("filters");
  if (filters != nullptr && !(filters->is_object() && filters->get_object().empty())) {
    req.filter = DecodeDocumentFilter(body.Child("filters"));
  }
  RejectUnsupported(body, {"search", "sort", "select", "group_by"});
  return req;
}

}  // namespace ferry::codec
