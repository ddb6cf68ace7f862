#include "storage/postgres/pg_array_param.h"

namespace ferry::storage::postgres {
namespace {

// Network byte order, as every integer of the wire format.
void PutInt32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}

void PutInt64(std::string& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}

}  // namespace

void ArrayParam::Length(int32_t n) {
  PutInt32(body_, static_cast<uint32_t>(n));
  ++count_;
}

void ArrayParam::Add(std::string_view bytes) {
  // Requests are bounded far below PostgreSQL's 1 GB per field.
  Length(static_cast<int32_t>(bytes.size()));
  body_.append(bytes);
}

void ArrayParam::AddOrNull(const std::optional<std::string>& bytes) {
  if (bytes) {
    Add(std::string_view(*bytes));
  } else {
    AddNull();
  }
}

void ArrayParam::Add(int64_t v) {
  Length(8);
  PutInt64(body_, static_cast<uint64_t>(v));
}

void ArrayParam::AddNull() {
  Length(-1);
  has_null_ = true;
}

pqxx::binarystring ArrayParam::Param() const {
  std::string out;
  out.reserve(20 + body_.size());
  PutInt32(out, count_ == 0 ? 0 : 1);  // dimensions: an empty array has none
  PutInt32(out, has_null_ ? 1 : 0);
  PutInt32(out, static_cast<uint32_t>(type_));
  if (count_ > 0) {
    PutInt32(out, static_cast<uint32_t>(count_));
    PutInt32(out, 1);  // lower bound
  }
  out.append(body_);
  return pqxx::binarystring(out.data(), out.size());
}

}  // namespace ferry::storage::postgres
