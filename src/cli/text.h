#pragma once
// Cat("a", s, "b"): concatenation by appends (GCC 12 reports a bogus -Wrestrict for
// `"literal" + std::string&&`, an error under FERRY_WERROR).

#include <string>
#include <string_view>

namespace ferry::cli {

template <typename... Parts>
std::string Cat(const Parts&... parts) {
  std::string out;
  (out.append(std::string_view(parts)), ...);
  return out;
}

}  // namespace ferry::cli
