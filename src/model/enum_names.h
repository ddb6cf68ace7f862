#pragma once
// Lookup between enum values and their API spellings, for small constant tables.

#include <array>
#include <optional>
#include <string_view>
#include <utility>

namespace ferry::model {

template <typename E, size_t N>
using EnumNames = std::array<std::pair<E, const char*>, N>;

// The spelling of `e`; "" when the table lacks it.
template <typename E, size_t N>
const char* NameOf(const EnumNames<E, N>& table, E e) {
  for (const auto& [k, v] : table) {
    if (k == e) return v;
  }
  return "";
}

// The value spelled `name`; nullopt when none is.
template <typename E, size_t N>
std::optional<E> ParseName(const EnumNames<E, N>& table, std::string_view name) {
  for (const auto& [k, v] : table) {
    if (name == v) return k;
  }
  return std::nullopt;
}

}  // namespace ferry::model
