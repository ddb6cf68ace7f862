#pragma once
// Decoding of request targets: percent-escapes in paths and query strings.

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ferry::api::http {

// Decodes %XX escapes (either hex case). When `plus_as_space`, '+' becomes ' ' (query
// strings); otherwise '+' is kept (paths). Returns nullopt if a '%' is not followed by two
// hex digits.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_as_space);

// Parses "a=b&c=d" into decoded key/value pairs, keeping repeats in order. A piece without
// '=' yields an empty value; empty pieces ("a=1&&b=2") are skipped. Returns nullopt on a
// malformed escape.
std::optional<std::multimap<std::string, std::string>> ParseQuery(std::string_view query);

}  // namespace ferry::api::http
