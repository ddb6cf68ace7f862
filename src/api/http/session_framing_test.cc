// Request framing over the wire: every unsafe framing gets exactly one error response and a
// closed connection, and its handler is never called, whether Beast's parser or our own
// check (framing.h) refuses it.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "api/http/server_test_support.h"

namespace ferry::api::http {
namespace {

using namespace http_test;  // NOLINT(build/namespaces): the shared client and fixture

struct WireCase {
  std::string name;
  std::string request;
  int status;
  std::string type;
  std::string message;
};

const char kPost[] = "POST /p HTTP/1.1\r\nHost: x\r\n";

std::vector<WireCase> RefusedCases() {
  const std::string post = kPost;
  return {
      // Refused by our check (Beast alone would have served these).
      {"te_gzip", post + "Transfer-Encoding: gzip\r\n\r\n", 501, "NotImplemented",
       "unsupported Transfer-Encoding: only chunked is implemented"},
      {"te_chunked_then_gzip", post + "Transfer-Encoding: chunked, gzip\r\n\r\n", 501,
       "NotImplemented", "unsupported Transfer-Encoding: only chunked is implemented"},
      {"te_gzip_then_chunked", post + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501,
       "NotImplemented", "unsupported Transfer-Encoding: only chunked is implemented"},
      {"te_chunked_twice_in_one_line", post + "Transfer-Encoding: chunked, chunked\r\n\r\n", 400,
       "BadRequest", "chunked is applied more than once"},
      {"te_gzip_before_cl", post + "Transfer-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabc", 400,
       "BadRequest", "Transfer-Encoding together with Content-Length"},
      {"te_in_http10", "POST /p HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400,
       "BadRequest", "Transfer-Encoding is not allowed in HTTP/1.0"},
      {"cl_twice_equal", post + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 400,
       "BadRequest", "more than one Content-Length header"},
      {"cl_list", post + "Content-Length: 3, 3\r\n\r\nabc", 400, "BadRequest",
       "invalid Content-Length"},
      {"obs_fold", post + "X-A: 1\r\n 2\r\nContent-Length: 0\r\n\r\n", 400, "BadRequest",
       "obsolete line folding in the request header"},
      {"obs_fold_tab", post + "X-A: 1\r\n\t2\r\n\r\n", 400, "BadRequest",
       "obsolete line folding in the request header"},
      {"no_host", "GET /g HTTP/1.1\r\n\r\n", 400, "BadRequest",
       "an HTTP/1.1 request needs a Host header"},
      {"two_hosts", "GET /g HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "BadRequest",
       "more than one Host header"},
      {"bad_host", "GET /g HTTP/1.1\r\nHost: a/b\r\n\r\n", 400, "BadRequest",
       "invalid Host header"},
      // Refused by Beast's parser already; kept so that a parser upgrade cannot loosen them.
      {"cl_before_te_gzip", post + "Content-Length: 3\r\nTransfer-Encoding: gzip\r\n\r\nabc", 400,
       "BadRequest", "invalid or conflicting Transfer-Encoding"},
      {"cl_before_te_chunked",
       post + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, "BadRequest",
       "invalid or conflicting Transfer-Encoding"},
      {"te_chunked_before_cl",
       post + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n", 400, "BadRequest",
       "invalid or conflicting Content-Length"},
      {"te_chunked_two_lines",
       post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400,
       "BadRequest", "invalid or conflicting Transfer-Encoding"},
      {"cl_different", post + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400,
       "BadRequest", "invalid or conflicting Content-Length"},
      {"cl_negative", post + "Content-Length: -1\r\n\r\n", 400, "BadRequest",
       "invalid or conflicting Content-Length"},
      {"cl_not_a_number", post + "Content-Length: 3a\r\n\r\nabc", 400, "BadRequest",
       "invalid or conflicting Content-Length"},
      {"bare_lf", "GET /g HTTP/1.1\nHost: x\n\n", 400, "BadRequest", "malformed HTTP request"},
      {"space_before_colon", "GET /g HTTP/1.1\r\nHost : x\r\n\r\n", 400, "BadRequest",
       "malformed HTTP request"},
  };
}

TEST_F(HttpServerTest, UnsafeFramingGetsOneErrorAndTheConnectionIsClosed) {
  StartServer();
  for (const WireCase& wire : RefusedCases()) {
    SCOPED_TRACE(wire.name);
    TestClient client(server_->port());
    client.WriteRaw(wire.request);
    Response response = client.Read();
    EXPECT_EQ(response.result_int(), wire.status);
    EXPECT_EQ(response.body(), ErrorBody(wire.status, wire.type, wire.message));
    EXPECT_EQ(response[bhttp::field::content_type], "application/json");
    EXPECT_FALSE(response.keep_alive());
    EXPECT_EQ(client.ReadError(), bhttp::error::end_of_stream);  // no second response
  }
  EXPECT_EQ(handled_.load(), 0);
}

// Issue 10's example: the body of a gzip-"encoded" request was parsed as a second request.
TEST_F(HttpServerTest, SmuggledRequestIsNeverServed) {
  StartServer();
  TestClient client(server_->port());
  client.WriteRaw(
      "POST /first HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: gzip\r\n\r\n"
      "GET /smuggled HTTP/1.1\r\nHost: x\r\nX-Request-Id: smuggled\r\nConnection: close\r\n\r\n");
  Response response = client.Read();
  EXPECT_EQ(response.result_int(), 501);
  EXPECT_NE(response["X-Request-Id"], "smuggled");
  EXPECT_EQ(client.ReadError(), bhttp::error::end_of_stream);
  EXPECT_EQ(handled_.load(), 0);
}

TEST_F(HttpServerTest, SafeFramingIsServed) {
  StartServer();
  TestClient client(server_->port());
  Request chunked = Post("/chunked", "abc");
  chunked.chunked(true);
  bhttp::write(client.socket(), chunked);
  EXPECT_NE(client.Read().body().find("b=abc"), std::string::npos);
  client.WriteRaw(std::string(kPost) + "Transfer-Encoding: CHUNKED\r\n\r\n2\r\nhi\r\n0\r\n\r\n");
  EXPECT_NE(client.Read().body().find("b=hi"), std::string::npos);
  client.WriteRaw("GET /empty-host HTTP/1.1\r\nHost:\r\n\r\n");
  EXPECT_EQ(client.Read().result_int(), 200);
  TestClient http10(server_->port());
  http10.WriteRaw("GET /http10 HTTP/1.0\r\n\r\n");  // HTTP/1.0 needs no Host
  EXPECT_EQ(http10.Read().result_int(), 200);
  EXPECT_EQ(handled_.load(), 4);
}

// The whole header is read before it is parsed; requests that arrive together, or a header
// that arrives in pieces, are still served one by one.
TEST_F(HttpServerTest, PipelinedAndSplitHeadersAreServed) {
  StartServer();
  TestClient client(server_->port());
  client.WriteRaw(
      "GET /one HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"
      "GET /thr");
  EXPECT_NE(client.Read().body().find("GET /one"), std::string::npos);
  EXPECT_NE(client.Read().body().find("POST /two"), std::string::npos);
  client.WriteRaw("ee HTTP/1.1\r\nHo");
  client.WriteRaw("st: x\r\n\r\n");
  EXPECT_NE(client.Read().body().find("GET /three"), std::string::npos);
}

}  // namespace
}  // namespace ferry::api::http
