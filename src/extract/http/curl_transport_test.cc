// CurlTransport against a one-shot server on 127.0.0.1 (a real socket, no network).

#include <gtest/gtest.h>

#include <string>

#include "extract/http/transport.h"
#include "http_client/testing/loopback_server.h"

namespace ferry::extract::http {
namespace {

using http_client::testing::CannedResponse;
using http_client::testing::LoopbackServer;

class CurlTransportTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(curl_.ok()); }
  http_client::CurlGlobal curl_;
};

TEST_F(CurlTransportTest, PostsJsonWithTheKeyAndReturnsStatusAndBody) {
  LoopbackServer server(CannedResponse{.status = 200, .body = R"({"data":[]})"});
  const PostRequest request{server.Url("/v1/embeddings"), R"({"input":["a"]})", "Bearer sk-1"};
  Result<PostReply> reply = CurlTransport().Post(request);
  server.Join();
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->body, R"({"data":[]})");
  EXPECT_FALSE(reply->retry_after.has_value());
  const std::string& sent = server.request();
  EXPECT_EQ(sent.rfind("POST /v1/embeddings HTTP/1.1\r\n", 0), 0u) << sent;
  EXPECT_NE(sent.find("\r\nContent-Type: application/json\r\n"), std::string::npos);
  EXPECT_NE(sent.find("\r\nAuthorization: Bearer sk-1\r\n"), std::string::npos);
  EXPECT_NE(sent.find("\r\nUser-Agent: Ferry-Extractor/1\r\n"), std::string::npos);
}

TEST_F(CurlTransportTest, NoKeyNoAuthorizationHeader) {
  LoopbackServer server(200);
  ASSERT_TRUE(CurlTransport().Post(PostRequest{server.Url("/"), "{}", ""}).ok());
  server.Join();
  EXPECT_EQ(server.request().find("Authorization"), std::string::npos);
}

TEST_F(CurlTransportTest, RetryAfterSecondsAreReported) {
  LoopbackServer server(CannedResponse{.status = 429, .headers = {{"Retry-After", "2"}}});
  Result<PostReply> reply = CurlTransport().Post(PostRequest{server.Url("/"), "{}", ""});
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->status, 429);
  EXPECT_EQ(reply->retry_after, std::chrono::milliseconds(2000));
}

TEST_F(CurlTransportTest, TimeoutIsDeadlineExceeded) {
  LoopbackServer server(CannedResponse{.hang = true});
  PostRequest request{server.Url("/"), "{}", ""};
  request.timeout = std::chrono::milliseconds(200);
  Result<PostReply> reply = CurlTransport().Post(request);
  server.Shutdown();
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(reply.status().message().rfind("embedding request failed: ", 0), 0u);
}

}  // namespace
}  // namespace ferry::extract::http
