#pragma once
// Hashes and encodings used across layers (OpenSSL underneath).

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"

namespace ferry {

// Lowercase hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

// The SHA-256 digest of `data` as raw bytes, for callers that hash many small inputs and
// use the digest as a number (content checksums).
inline constexpr size_t kSha256Bytes = 32;
void Sha256Digest(std::string_view data, unsigned char (&out)[kSha256Bytes]);

// Lowercase hex HMAC-SHA256 of `data` under `key`.
std::string HmacSha256Hex(std::string_view key, std::string_view data);

// Compares in time independent of where the strings differ (lengths may leak).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Standard base64 (RFC 4648) with padding.
std::string Base64Encode(std::string_view data);

// Decodes standard or URL-safe base64, padding optional, whitespace ignored.
// Returns false on any other character or an impossible length.
bool Base64Decode(std::string_view text, std::string* out);

// AES-256-GCM authenticated encryption, for secrets kept at rest.
inline constexpr size_t kAeadKeyBytes = 32;    // AES-256
inline constexpr size_t kAeadNonceBytes = 12;  // random per message
inline constexpr size_t kAeadTagBytes = 16;

// Encrypts `plaintext` under `key` with a fresh random nonce, authenticating
// `associated_data` too (it is not stored: the caller supplies it again to open).
// Returns nonce || ciphertext || tag. InvalidArgument if the key is not kAeadKeyBytes long;
// Internal if OpenSSL fails. Thread-safe.
Result<std::string> AeadSeal(std::string_view key, std::string_view plaintext,
                             std::string_view associated_data);

// Inverse of AeadSeal. DataLoss if `sealed` is too short, was altered, or was sealed under
// another key or other associated data; the message names no key or plaintext.
Result<std::string> AeadOpen(std::string_view key, std::string_view sealed,
                             std::string_view associated_data);

// `n` bytes from OpenSSL's CSPRNG. Internal if it cannot be seeded.
Result<std::string> RandomBytes(size_t n);

}  // namespace ferry
