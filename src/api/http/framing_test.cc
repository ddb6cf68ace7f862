#include "api/http/framing.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ferry::api::http {
namespace {

using Fields = std::vector<HeaderField>;

// The status CheckFraming answers, or 0 when it accepts the request.
int Status(int version, const Fields& fields) {
  auto error = CheckFraming(version, fields);
  return error ? error->status : 0;
}

std::string Message(int version, const Fields& fields) {
  auto error = CheckFraming(version, fields);
  return error ? error->message : "";
}

TEST(CheckFramingTest, AcceptsOrdinaryRequests) {
  EXPECT_EQ(Status(11, {{"Host", "x"}}), 0);
  EXPECT_EQ(Status(11, {{"host", "127.0.0.1:8080"}, {"Content-Length", "12"}}), 0);
  EXPECT_EQ(Status(11, {{"Host", "[::1]:80"}, {"Transfer-Encoding", "chunked"}}), 0);
  EXPECT_EQ(Status(11, {{"Host", "x"}, {"transfer-encoding", "CHUNKED"}}), 0);
  EXPECT_EQ(Status(11, {{"Host", "x"}, {"Content-Length", "0"}}), 0);
  EXPECT_EQ(Status(11, {{"Host", ""}}), 0);  // no authority: an empty Host (RFC 9112 §3.2)
  EXPECT_EQ(Status(10, {}), 0);              // HTTP/1.0 needs no Host
  EXPECT_EQ(Status(10, {{"Content-Length", "3"}}), 0);
}

// The smuggling of issue 10: a body framed by a coding the server does not implement.
TEST(CheckFramingTest, TransferCodingOtherThanChunkedIs501) {
  for (const char* te :
       {"gzip", "chunked, gzip", "gzip, chunked", "identity", "chunked;x=1", "deflate, gzip"}) {
    SCOPED_TRACE(te);
    auto error = CheckFraming(11, Fields{{"Host", "x"}, {"Transfer-Encoding", te}});
    ASSERT_TRUE(error);
    EXPECT_EQ(error->status, 501);
    EXPECT_EQ(error->type, "NotImplemented");
    EXPECT_EQ(error->message, "unsupported Transfer-Encoding: only chunked is implemented");
  }
}

TEST(CheckFramingTest, CodingsOfEveryTransferEncodingLineCount) {
  EXPECT_EQ(
      Status(11, {{"Host", "x"}, {"Transfer-Encoding", "gzip"}, {"Transfer-Encoding", "chunked"}}),
      501);
  EXPECT_EQ(
      Status(11,
             {{"Host", "x"}, {"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "chunked"}}),
      400);
  EXPECT_EQ(Status(11, {{"Host", "x"}, {"Transfer-Encoding", "chunked, chunked"}}), 400);
  EXPECT_EQ(Message(11, {{"Host", "x"}, {"Transfer-Encoding", "chunked, chunked"}}),
            "chunked is applied more than once");
  // Empty list elements are ignored (RFC 9110 §5.6.1).
  EXPECT_EQ(Status(11, {{"Host", "x"}, {"Transfer-Encoding", " , chunked ,"}}), 0);
}

TEST(CheckFramingTest, EmptyTransferEncodingIs400) {
  EXPECT_EQ(Status(11, {{"Host", "x"}, {"Transfer-Encoding", ""}}), 400);
  EXPECT_EQ(Status(11, {{"Host", "x"}, {"Transfer-Encoding", " , "}}), 400);
  EXPECT_EQ(Message(11, {{"Host", "x"}, {"Transfer-Encoding", ""}}), "empty Transfer-Encoding");
}

TEST(CheckFramingTest, TransferEncodingWithContentLengthIs400) {
  for (const char* te : {"chunked", "gzip"}) {
    SCOPED_TRACE(te);
    Fields te_first{{"Host", "x"}, {"Transfer-Encoding", te}, {"Content-Length", "5"}};
    Fields cl_first{{"Host", "x"}, {"Content-Length", "5"}, {"Transfer-Encoding", te}};
    EXPECT_EQ(Status(11, te_first), 400);
    EXPECT_EQ(Status(11, cl_first), 400);
    EXPECT_EQ(Message(11, te_first), "Transfer-Encoding together with Content-Length");
  }
}

TEST(CheckFramingTest, TransferEncodingInHttp10Is400) {
  EXPECT_EQ(Status(10, {{"Transfer-Encoding", "chunked"}}), 400);
  EXPECT_EQ(Message(10, {{"Transfer-Encoding", "chunked"}}),
            "Transfer-Encoding is not allowed in HTTP/1.0");
}

TEST(CheckFramingTest, RepeatedContentLengthIs400EvenWhenEqual) {
  EXPECT_EQ(Status(11, {{"Host", "x"}, {"Content-Length", "5"}, {"content-length", "5"}}), 400);
  EXPECT_EQ(Message(11, {{"Host", "x"}, {"Content-Length", "5"}, {"Content-Length", "6"}}),
            "more than one Content-Length header");
  EXPECT_EQ(Message(11, {{"Host", "x"}, {"Content-Length", "5, 5"}}), "invalid Content-Length");
}

TEST(CheckFramingTest, InvalidContentLengthIs400) {
  for (const char* cl : {"", "-1", "+5", "5 ", "0x10", "1e3", "abc", "5;", "18446744073709551616",
                         "99999999999999999999999"}) {
    SCOPED_TRACE(cl);
    EXPECT_EQ(Message(11, {{"Host", "x"}, {"Content-Length", cl}}), "invalid Content-Length");
  }
  EXPECT_EQ(Status(11, {{"Host", "x"}, {"Content-Length", "18446744073709551615"}}), 0);
  EXPECT_EQ(Status(11, {{"Host", "x"}, {"Content-Length", "000000000000000000000007"}}), 0);
}

TEST(CheckFramingTest, Http11WithoutHostIs400) {
  EXPECT_EQ(Status(11, {}), 400);
  EXPECT_EQ(Message(11, {{"Content-Length", "0"}}), "an HTTP/1.1 request needs a Host header");
}

TEST(CheckFramingTest, MoreThanOneHostIs400) {
  EXPECT_EQ(Message(11, {{"Host", "a"}, {"HOST", "a"}}), "more than one Host header");
  EXPECT_EQ(Status(10, {{"Host", "a"}, {"Host", "b"}}), 400);
}

TEST(CheckFramingTest, InvalidHostIs400) {
  for (const char* host : {"a b", "a/b", "user@host", "x?y", "x#y", "\x7f"}) {
    SCOPED_TRACE(host);
    EXPECT_EQ(Message(11, {{"Host", host}}), "invalid Host header");
  }
}

TEST(HeaderLengthTest, EndsAtTheEmptyLine) {
  std::string header = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  EXPECT_EQ(HeaderLength(header), header.size());
  EXPECT_EQ(HeaderLength(header + "BODY\r\n\r\n"), header.size());
  EXPECT_EQ(HeaderLength("\r\n\r\n"), 4u);
}

TEST(HeaderLengthTest, ZeroWhileIncomplete) {
  EXPECT_EQ(HeaderLength(""), 0u);
  EXPECT_EQ(HeaderLength("GET / HTTP/1.1\r\nHost: x\r\n"), 0u);
  EXPECT_EQ(HeaderLength("GET / HTTP/1.1\r\nHost: x\r\n\r"), 0u);
  EXPECT_EQ(HeaderLength("GET / HTTP/1.1\r"), 0u);  // the LF may still come
}

TEST(HeaderLengthTest, StopsAtALineEndingTheParserRefuses) {
  EXPECT_EQ(HeaderLength("GET / HTTP/1.1\nHost: x\n\n"), 15u);  // bare LF
  EXPECT_EQ(HeaderLength("\n"), 1u);
  EXPECT_EQ(HeaderLength("GET / HTTP/1.1\r\nHost: x\rYZ"), 25u);  // CR without LF
}

TEST(CheckLineFoldingTest, RefusesAContinuationLine) {
  for (const char* raw :
       {"GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n 2\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n\t2\r\n\r\n",
        "GET / HTTP/1.1\r\nX-A:\r\n 2\r\nHost: x\r\n\r\n", "GET / HTTP/1.1\r\n Host: x\r\n\r\n"}) {
    SCOPED_TRACE(raw);
    auto error = CheckLineFolding(raw);
    ASSERT_TRUE(error);
    EXPECT_EQ(error->status, 400);
    EXPECT_EQ(error->message, "obsolete line folding in the request header");
  }
}

TEST(CheckLineFoldingTest, AcceptsWhitespaceInsideLines) {
  EXPECT_FALSE(CheckLineFolding("GET / HTTP/1.1\r\nHost:  x \r\nX-A: 1 \t 2\r\n\r\n"));
  EXPECT_FALSE(CheckLineFolding(""));
}

}  // namespace
}  // namespace ferry::api::http
