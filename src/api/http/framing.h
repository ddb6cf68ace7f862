#pragma once
// Request framing: the rules of RFC 9112 that decide where a request ends and the next one
// on the same connection begins (§3.2 Host, §5.2 obs-fold, §6.1 Transfer-Encoding, §6.3
// message body length). A request that breaks one must not be served, and its connection
// must be closed: a server that guesses the length differently from a proxy in front of
// it reads the rest of the body as a second, "smuggled" request.
//
// Pure functions on bytes and header fields, no I/O and no Boost types, so they can be
// unit-tested and fuzzed alone. The Session applies them before it reads a body.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ferry::api::http {

// Why a request is refused; the connection is closed after the response.
struct FramingError {
  int status;             // 400 or 501
  std::string_view type;  // the error envelope's type: "BadRequest" or "NotImplemented"
  std::string message;    // safe for the client: never echoes header values
};

// One header field line as received (repeats are separate lines, in order): the name in
// any letter case, the value without its surrounding whitespace.
struct HeaderField {
  std::string_view name;
  std::string_view value;
};

// How many bytes at the start of `bytes` the request header takes: the request line and
// the field lines through the empty line that ends them (CRLF CRLF). Returns 0 while that
// empty line has not arrived, unless a bare LF or a CR without LF has: the parser refuses
// those (it accepts only CRLF), so the header is then reported as ending just after them,
// for the parser to reject now instead of waiting for more bytes.
size_t HeaderLength(std::string_view bytes);

// Checks a raw header (as measured by HeaderLength) for obs-fold: a field line continued on
// the next line, which starts with a space or tab. The parser would silently join the two;
// RFC 9112 §5.2 lets a server refuse it, and we do (400), so that no other reader of the
// same bytes can see a different header.
std::optional<FramingError> CheckLineFolding(std::string_view raw_header);

// Checks the parsed header fields of a request of HTTP version `version` (10 = HTTP/1.0,
// 11 = HTTP/1.1):
//   - Host: exactly one in HTTP/1.1, at most one in HTTP/1.0, with a valid value (400);
//   - Transfer-Encoding: only in HTTP/1.1 and never with Content-Length (400); every coding
//     must be `chunked` (501: no other transfer coding is implemented), given once (400);
//   - Content-Length: at most one field line, a single decimal number that fits 64 bits,
//     not a list (400).
// Returns nullopt when the request may be read and served.
std::optional<FramingError> CheckFraming(int version, std::span<const HeaderField> fields);

}  // namespace ferry::api::http
