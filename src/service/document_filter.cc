#include "service/document_filter.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>

namespace ferry::service {
namespace {

using model::Value;
using Kind = model::DocumentFilter::Kind;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// <0, 0, >0 for comparable values (both numbers or both strings); nullopt otherwise.
std::optional<int> Compare(const Value& a, const Value& b, bool sensitive) {
  if (a.is_number() && b.is_number()) {
    double x = a.as_double(), y = b.as_double();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.is_string() && b.is_string()) {
    if (sensitive) return a.as_string().compare(b.as_string());
    return Lower(a.as_string()).compare(Lower(b.as_string()));
  }
  return std::nullopt;
}

bool Equal(const Value& a, const Value& b, bool sensitive) {
  auto c = Compare(a, b, sensitive);
  return c ? *c == 0 : a == b;
}

bool InList(const Value& field, const Value& list, bool sensitive) {
  if (!list.is_array()) return false;
  const auto& items = list.as_array();
  return std::any_of(items.begin(), items.end(),
                     [&](const Value& v) { return Equal(field, v, sensitive); });
}

bool StringTest(const Value& field, const Value& value, const std::string& op, bool sensitive) {
  if (!field.is_string() || !value.is_string()) return false;
  std::string s = sensitive ? field.as_string() : Lower(field.as_string());
  std::string v = sensitive ? value.as_string() : Lower(value.as_string());
  if (op == "contains") return s.find(v) != std::string::npos;
  if (op == "starts_with") return s.starts_with(v);
  return op == "ends_with" && s.ends_with(v);
}

const Value* FieldOf(const model::Document& d, const std::string& field, Value* scratch) {
  if (field == "document_id") {
    *scratch = Value(d.document_id);
    return scratch;
  }
  if (field == "collection_id") {
    *scratch = Value(d.collection_id);
    return scratch;
  }
  return d.fields.GetPath(field);
}

bool MatchesCondition(const model::DocumentFilter& c, const model::Document& d) {
  Value scratch;
  const Value* field = FieldOf(d, c.field, &scratch);
  const std::string& op = c.op;
  const bool wanted = !c.value.is_bool() || c.value.as_bool();
  if (op == "exists") return (field != nullptr) == wanted;
  if (op == "is_null") return (field == nullptr || field->is_null()) == wanted;
  if (field == nullptr) return op == "ne" || op == "nin";
  const bool sensitive = c.case_sensitive;
  if (op == "eq") return Equal(*field, c.value, sensitive);
  if (op == "ne") return !Equal(*field, c.value, sensitive);
  if (op == "in") return InList(*field, c.value, sensitive);
  if (op == "nin") return !InList(*field, c.value, sensitive);
  if (op == "contains" && field->is_array()) return InList(c.value, *field, sensitive);
  if (op == "contains" || op == "starts_with" || op == "ends_with") {
    return StringTest(*field, c.value, op, sensitive);
  }
  auto cmp = Compare(*field, c.value, true);
  if (!cmp) return false;
  if (op == "gt") return *cmp > 0;
  if (op == "gte") return *cmp >= 0;
  if (op == "lt") return *cmp < 0;
  if (op == "lte") return *cmp <= 0;
  return false;
}

}  // namespace

bool MatchesFilter(const model::DocumentFilter& f, const model::Document& d) {
  auto matches = [&](const model::DocumentFilter& child) { return MatchesFilter(child, d); };
  switch (f.kind) {
    case Kind::kCondition:
      return MatchesCondition(f, d);
    case Kind::kAnd:
      return std::all_of(f.children.begin(), f.children.end(), matches);
    case Kind::kOr:
      return std::any_of(f.children.begin(), f.children.end(), matches);
    case Kind::kNot:
      return std::none_of(f.children.begin(), f.children.end(), matches);
  }
  return false;
}

Result<model::ListResult<model::Document>> ListMatchingDocuments(storage::DocumentStore& store,
                                                                 const std::string& collection_id,
                                                                 const model::DocumentFilter& f,
                                                                 const model::Page& page) {
  constexpr int64_t kChunk = 500;
  model::ListResult<model::Document> out;
  std::vector<std::string> ids;
  std::optional<storage::DocumentCursor> after;
  for (;;) {
    FERRY_ASSIGN_OR_RETURN(
        auto docs, store.ListDocumentsAfter(collection_id, after, kChunk, /*with_vectors=*/false));
    if (!docs.empty())
      after = storage::DocumentCursor{docs.back().created_at, docs.back().document_id};
    for (const auto& d : docs) {
      if (!MatchesFilter(f, d)) continue;
      if (out.total >= page.offset && out.total - page.offset < page.limit) {
        ids.push_back(d.document_id);
      }
      ++out.total;
    }
    if (static_cast<int64_t>(docs.size()) < kChunk) break;
  }
  if (ids.empty()) return out;
  FERRY_ASSIGN_OR_RETURN(out.items, store.GetDocuments(collection_id, ids));
  return out;
}

}  // namespace ferry::service
