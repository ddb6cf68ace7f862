#include "api/http/framing.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace ferry::api::http {
namespace {

FramingError BadRequest(std::string message) { return {400, "BadRequest", std::move(message)}; }

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view TrimWhitespace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// uri-host [":" port] (RFC 9110 §7.2), by character set: a reg-name, an IPv4 address or an
// IP literal in brackets, with an optional port. Empty is valid (RFC 9112 §3.2).
bool IsValidHost(std::string_view host) {
  return std::all_of(host.begin(), host.end(), [](unsigned char c) {
    return std::isalnum(c) || std::string_view("-._~%!$&'()*+,;=:[]").find(static_cast<char>(c)) !=
                                  std::string_view::npos;
  });
}

// A single 1*DIGIT that fits in 64 bits.
bool IsValidContentLength(std::string_view value) {
  if (value.empty()) return false;
  uint64_t n = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return false;
    auto digit = static_cast<uint64_t>(c - '0');
    if (n > (std::numeric_limits<uint64_t>::max() - digit) / 10) return false;
    n = n * 10 + digit;
  }
  return true;
}

// The transfer codings of every Transfer-Encoding line, in order: list elements with their
// parameters kept (so "chunked;x=1" is not taken for "chunked"); empty elements skipped.
std::vector<std::string_view> TransferCodings(std::span<const HeaderField> fields) {
  std::vector<std::string_view> codings;
  for (const HeaderField& field : fields) {
    if (!IEquals(field.name, "transfer-encoding")) continue;
    std::string_view rest = field.value;
    while (true) {
      size_t comma = rest.find(',');
      std::string_view element = TrimWhitespace(rest.substr(0, comma));
      if (!element.empty()) codings.push_back(element);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return codings;
}

std::optional<FramingError> CheckHost(int version, std::span<const HeaderField> fields) {
  size_t count = 0;
  for (const HeaderField& field : fields) {
    if (!IEquals(field.name, "host")) continue;
    if (++count > 1) return BadRequest("more than one Host header");
    if (!IsValidHost(field.value)) return BadRequest("invalid Host header");
  }
  if (count == 0 && version >= 11) return BadRequest("an HTTP/1.1 request needs a Host header");
  return std::nullopt;
}

std::optional<FramingError> CheckTransferEncoding(int version, bool has_content_length,
                                                  std::span<const HeaderField> fields) {
  if (version < 11) return BadRequest("Transfer-Encoding is not allowed in HTTP/1.0");
  if (has_content_length) return BadRequest("Transfer-Encoding together with Content-Length");
  std::vector<std::string_view> codings = TransferCodings(fields);
  if (codings.empty()) return BadRequest("empty Transfer-Encoding");
  for (std::string_view coding : codings) {
    if (!IEquals(coding, "chunked")) {
      return FramingError{501, "NotImplemented",
                          "unsupported Transfer-Encoding: only chunked is implemented"};
    }
  }
  if (codings.size() > 1) return BadRequest("chunked is applied more than once");
  return std::nullopt;
}

std::optional<FramingError> CheckContentLength(std::span<const HeaderField> fields) {
  size_t count = 0;
  for (const HeaderField& field : fields) {
    if (!IEquals(field.name, "content-length")) continue;
    if (++count > 1) return BadRequest("more than one Content-Length header");
    if (!IsValidContentLength(field.value)) return BadRequest("invalid Content-Length");
  }
  return std::nullopt;
}

}  // namespace

size_t HeaderLength(std::string_view bytes) {
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] == '\r' && i + 1 < bytes.size() && bytes[i + 1] != '\n') return i + 2;
    if (bytes[i] != '\n') continue;
    if (i == 0 || bytes[i - 1] != '\r') return i + 1;  // a bare LF
    if (i >= 3 && bytes.substr(i - 3, 4) == "\r\n\r\n") return i + 1;
  }
  return 0;
}

std::optional<FramingError> CheckLineFolding(std::string_view raw_header) {
  // Every line after the request line is a field line or the final empty line; none may
  // start with whitespace.
  for (size_t i = raw_header.find('\n'); i != std::string_view::npos && i + 1 < raw_header.size();
       i = raw_header.find('\n', i + 1)) {
    if (raw_header[i + 1] == ' ' || raw_header[i + 1] == '\t') {
      return BadRequest("obsolete line folding in the request header");
    }
  }
  return std::nullopt;
}

std::optional<FramingError> CheckFraming(int version, std::span<const HeaderField> fields) {
  if (auto error = CheckHost(version, fields)) return error;
  bool has_content_length = false;
  bool has_transfer_encoding = false;
  for (const HeaderField& field : fields) {
    has_content_length = has_content_length || IEquals(field.name, "content-length");
    has_transfer_encoding = has_transfer_encoding || IEquals(field.name, "transfer-encoding");
  }
  if (has_transfer_encoding) return CheckTransferEncoding(version, has_content_length, fields);
  return CheckContentLength(fields);
}

}  // namespace ferry::api::http
