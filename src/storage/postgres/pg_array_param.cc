#include "storage/postgres/pg_array_param.h"

namespace ferry::storage::postgres {
namespace {

// Network byte order, as every integer of the wire format.
void PutInt32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}

// The same at `at`, over bytes already there.
void SetInt32(std::string& out, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) out[at + i] = static_cast<char>(v >> (24 - 8 * i));
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

pqxx::binarystring ArrayParam::Param() {
  // An empty array has no dimension, so its header is the last 12 bytes of the room.
  const size_t at = count_ == 0 ? kHeaderBytes - 12 : 0;
  SetInt32(body_, at, count_ == 0 ? 0 : 1);  // dimensions
  SetInt32(body_, at + 4, has_null_ ? 1 : 0);
  SetInt32(body_, at + 8, static_cast<uint32_t>(type_));
  if (count_ > 0) {
    SetInt32(body_, 12, static_cast<uint32_t>(count_));
    SetInt32(body_, 16, 1);  // lower bound
  }
  return pqxx::binarystring(body_.data() + at, body_.size() - at);
}

pqxx::binarystring TextArray(const std::vector<std::string>& items) {
  ArrayParam a(ArrayParam::Type::kText);
  for (const std::string& item : items) a.Add(item);
  return a.Param();
}

}  // namespace ferry::storage::postgres
