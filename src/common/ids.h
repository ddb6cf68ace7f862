#pragma once
// Resource identifiers: a type prefix and 24 random lowercase hex digits ("col_1f3a…").

#include <string>
#include <string_view>

namespace ferry {

// Returns prefix + "_" + 24 hex digits from a thread-local CSPRNG-seeded generator.
// Thread-safe.
std::string NewId(std::string_view prefix);

// Returns `n` random bytes as lowercase hex (2n characters). Thread-safe.
std::string RandomHex(size_t n);

// True if `id` starts with `prefix` followed by '_'.
bool HasIdPrefix(std::string_view id, std::string_view prefix);

}  // namespace ferry
