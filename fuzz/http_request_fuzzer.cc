// Fuzzes how ferryd reads requests off a connection (api/http/session.cc), pipelining
// included: the input is the byte stream a client sends, and requests are read from it one
// after the other, as the Session does, until one is refused, does not keep the connection
// alive, or is incomplete (the Session would wait for more bytes). For each request:
//   1. the raw header is measured (HeaderLength) against max_header_bytes and checked for
//      obs-fold (CheckLineFolding);
//   2. Boost.Beast's request_parser<string_body>, with the Session's limits, parses the
//      header; its fields are checked by CheckFraming; an over-limit Content-Length is
//      refused;
//   3. the body is parsed; the request target is decoded (PercentDecode, ParseQuery) and
//      the header fields are merged, as Session::BuildRequest does.
// Oracles (abort): the parser and the framing checks agree on where a request ends — a
// header the parser accepts is exactly HeaderLength bytes, and a served request with a
// Transfer-Encoding is chunked (never a body read as "none", the smuggling of issue 10).

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "api/http/framing.h"
#include "api/http/server.h"
#include "api/http/url.h"

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace fh = ferry::api::http;

namespace {

using Parser = bhttp::request_parser<bhttp::string_body>;

enum class Feed { kDone, kNeedMore, kRefused };

// Gives the parser the unread input until the header (or the whole message) is parsed, as
// Beast's read_header / read do with the Session's buffer.
Feed FeedParser(Parser& parser, std::string_view& in, bool header_only, size_t* consumed) {
  while (!(header_only ? parser.is_header_done() : parser.is_done())) {
    beast::error_code ec;
    const size_t n = parser.put(boost::asio::buffer(in.data(), in.size()), ec);
    in.remove_prefix(n);
    *consumed += n;
    if (ec && ec != bhttp::error::need_more) return Feed::kRefused;  // 400/413/431, closed
    if (n == 0 || in.empty()) {
      if (header_only ? parser.is_header_done() : parser.is_done()) break;
      return Feed::kNeedMore;  // the server would wait for more bytes
    }
  }
  return Feed::kDone;
}

// Session::BuildRequest: false when the target is refused (400).
bool BuildRequest(Parser& parser) {
  auto& message = parser.get();
  std::string_view target = message.target();
  if (target.empty() || target.front() != '/') return false;
  const size_t question = target.find('?');
  auto path = fh::PercentDecode(target.substr(0, question), /*plus_as_space=*/false);
  auto query = fh::ParseQuery(question == std::string_view::npos ? std::string_view()
                                                                 : target.substr(question + 1));
  if (!path || !query) return false;
  std::map<std::string, std::string> headers;
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto [it, inserted] = headers.emplace(std::move(name), std::string(field.value()));
    if (!inserted) it->second.append(", ").append(field.value());
  }
  return true;
}

// One request from the front of `in`; true when the connection goes on to the next one.
bool ReadOneRequest(std::string_view& in, const fh::ServerOptions& options) {
  const size_t header_length = fh::HeaderLength(in);
  if (header_length == 0 && in.size() < options.max_header_bytes) return false;      // waits
  if (header_length == 0 || header_length > options.max_header_bytes) return false;  // 431
  if (fh::CheckLineFolding(in.substr(0, header_length))) return false;

  Parser parser;
  parser.header_limit(static_cast<uint32_t>(options.max_header_bytes));
  parser.body_limit(options.max_body_bytes);
  size_t consumed = 0;
  if (FeedParser(parser, in, /*header_only=*/true, &consumed) != Feed::kDone) return false;
  if (consumed != header_length) std::abort();  // the checks saw other bytes than the parser

  const auto& header = parser.get();
  std::vector<fh::HeaderField> fields;
  for (const auto& field : header) fields.push_back({field.name_string(), field.value()});
  if (fh::CheckFraming(static_cast<int>(header.version()), fields)) return false;
  if (auto length = parser.content_length(); length && *length > options.max_body_bytes) {
    return false;  // 413
  }
  const bool has_transfer_encoding = header.count(bhttp::field::transfer_encoding) > 0;
  if (has_transfer_encoding && !parser.chunked()) std::abort();  // a body read as "none"
  if (!parser.content_length() && !parser.chunked() && !parser.is_done()) std::abort();

  if (FeedParser(parser, in, /*header_only=*/false, &consumed) != Feed::kDone) return false;
  if (parser.get().body().size() > options.max_body_bytes) std::abort();
  if (!BuildRequest(parser)) return false;  // 400
  return parser.get().keep_alive();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const fh::ServerOptions options;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  while (!in.empty() && ReadOneRequest(in, options)) {
  }
  return 0;
}
