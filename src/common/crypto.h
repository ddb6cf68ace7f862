#pragma once
// Hashes and encodings used across layers (OpenSSL underneath).

#include <string>
#include <string_view>

namespace ferry {

// Lowercase hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

// Lowercase hex HMAC-SHA256 of `data` under `key`.
std::string HmacSha256Hex(std::string_view key, std::string_view data);

// Compares in time independent of where the strings differ (lengths may leak).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Standard base64 (RFC 4648) with padding.
std::string Base64Encode(std::string_view data);

// Decodes standard or URL-safe base64, padding optional, whitespace ignored.
// Returns false on any other character or an impossible length.
bool Base64Decode(std::string_view text, std::string* out);

}  // namespace ferry
