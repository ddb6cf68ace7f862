#pragma once
// A one-dimensional array in PostgreSQL's binary wire format (array_recv), for a batch of
// rows sent as one array per column: the statement casts the parameter ($2::text[]) and
// unnests the arrays into rows. Binary parameters need no escaping, and the server
// decodes no text: a bytea element is its bytes, an int8 eight bytes.

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::storage::postgres {

class ArrayParam {
 public:
  // The element type's OID (pg_type), which array_recv checks against the cast.
  enum class Type : uint32_t { kBytea = 17, kInt8 = 20, kText = 25 };

  explicit ArrayParam(Type type) : type_(type), body_(kHeaderBytes, '\0') {}

  // An element of a text or bytea array: its bytes as they are (text must be UTF-8).
  void Add(std::string_view bytes);
  void AddOrNull(const std::optional<std::string>& bytes);  // nullopt is NULL
  // An element of an int8 array.
  void Add(int64_t v);
  void AddNull();

  int32_t size() const { return count_; }
  size_t bytes() const { return body_.size() - kHeaderBytes; }

  // The array as a binary parameter (header and elements): the header is written into
  // the room kept for it before the elements, so the elements are copied once, into
  // the parameter.
  pqxx::binarystring Param();

 private:
  // ndim, has-null flag, element type, then for one dimension its size and lower bound.
  static constexpr size_t kHeaderBytes = 20;

  void Length(int32_t n);

  Type type_;
  std::string body_;
  int32_t count_ = 0;
  bool has_null_ = false;
};

// `items` as a binary text[] parameter (`$n::text[]`): every string as it is, empty
// strings and control characters included, which a joined list split in SQL cannot carry.
pqxx::binarystring TextArray(const std::vector<std::string>& items);

}  // namespace ferry::storage::postgres
