// CurlPoster against a one-shot HTTP server on 127.0.0.1 (a real socket, no network).

#include "migration/webhooks/curl_poster.h"

#include <gtest/gtest.h>

#include <string>

#include "http_client/testing/loopback_server.h"

namespace ferry::migration::webhooks {
namespace {

using http_client::testing::CannedResponse;
using http_client::testing::LoopbackServer;

class CurlPosterTest : public ::testing::Test {
 protected:
  http_client::CurlGlobal curl_;
};

TEST_F(CurlPosterTest, SendsBodyAndHeadersAndReturnsTheStatus) {
  ASSERT_TRUE(curl_.ok());
  LoopbackServer server(202);
  ASSERT_NE(server.port(), 0);
  CurlPoster poster(CurlPosterOptions{.allow_private_targets = true});
  const std::string body = R"({"event":"migration.started","migration_id":"mig_1"})";
  const HttpHeaders headers = {{"Content-Type", "application/json"},
                               {"X-Ferry-Delivery-Id", "whd_1"},
                               {"X-Ferry-Signature", "sha256=abc"}};
  const std::string url = server.Url("/hook?x=1");

  Result<int> status = poster.Post(url, body, headers, std::chrono::seconds(30));
  server.Join();
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_EQ(*status, 202);
  const std::string& request = server.request();
  EXPECT_EQ(request.rfind("POST /hook?x=1 HTTP/1.1\r\n", 0), 0u) << request;
  EXPECT_NE(request.find("\r\nContent-Type: application/json\r\n"), std::string::npos);
  EXPECT_NE(request.find("\r\nX-Ferry-Delivery-Id: whd_1\r\n"), std::string::npos);
  EXPECT_NE(request.find("\r\nX-Ferry-Signature: sha256=abc\r\n"), std::string::npos);
  EXPECT_NE(request.find("\r\nUser-Agent: Ferry-Webhooks/1\r\n"), std::string::npos);
  EXPECT_EQ(request.find("Expect:"), std::string::npos);
  EXPECT_EQ(request.substr(request.size() - body.size()), body);
}

TEST_F(CurlPosterTest, ErrorStatusIsAValueNotAnError) {
  ASSERT_TRUE(curl_.ok());
  LoopbackServer server(500);
  CurlPoster poster(CurlPosterOptions{.allow_private_targets = true});
  Result<int> status = poster.Post(server.Url("/"), "{}", {}, std::chrono::seconds(30));
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_EQ(*status, 500);
}

TEST_F(CurlPosterTest, RefusesLoopbackAtConnectTimeUnlessAllowed) {
  ASSERT_TRUE(curl_.ok());
  LoopbackServer server(200);
  CurlPoster poster(CurlPosterOptions{});
  Result<int> status = poster.Post(server.Url("/"), "{}", {}, std::chrono::seconds(30));
  server.Shutdown();
  server.Join();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.status().message().find("loopback"), std::string::npos);
  EXPECT_FALSE(server.accepted());  // refused before connecting
}

TEST_F(CurlPosterTest, LargeReceiverBodyIsIgnored) {
  ASSERT_TRUE(curl_.ok());
  LoopbackServer server(CannedResponse{.status = 200, .body = std::string(1 << 20, 'x')});
  CurlPoster poster(CurlPosterOptions{.allow_private_targets = true});
  Result<int> status = poster.Post(server.Url("/"), "{}", {}, std::chrono::seconds(30));
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_EQ(*status, 200);
}

TEST_F(CurlPosterTest, UnsupportedSchemeIsRefused) {
  ASSERT_TRUE(curl_.ok());
  CurlPoster poster(CurlPosterOptions{.allow_private_targets = true});
  Result<int> status = poster.Post("file:///etc/passwd", "{}", {}, std::chrono::seconds(5));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ferry::migration::webhooks
