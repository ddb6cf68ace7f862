// CurlPoster against a one-shot HTTP server on 127.0.0.1 (a real socket, no network).

#include "migration/webhooks/curl_poster.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

namespace ferry::migration::webhooks {
namespace {

// Accepts one connection on an ephemeral loopback port, reads one request (headers and a
// Content-Length body), answers `status` and closes. Shutdown() unblocks an accept that
// will never be satisfied.
class OneShotServer {
 public:
  explicit OneShotServer(int status) : status_(status) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || listen(fd_, 4) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      return;
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~OneShotServer() {
    Shutdown();
    if (thread_.joinable()) thread_.join();
    close(fd_);
  }
  void Shutdown() { shutdown(fd_, SHUT_RDWR); }
  int port() const { return port_; }
  // The raw request. REQUIRES: the server thread is done (call after Join()).
  const std::string& request() const { return request_; }
  void Join() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Serve() {
    const int conn = accept(fd_, nullptr, nullptr);
    if (conn < 0) return;
    ReadRequest(conn);
    const std::string response = std::string("HTTP/1.1 ") + std::to_string(status_) +
                                 " X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
    (void)!write(conn, response.data(), response.size());
    close(conn);
  }

  void ReadRequest(int conn) {
    char buf[4096];
    while (true) {
      const size_t header_end = request_.find("\r\n\r\n");
      if (header_end != std::string::npos &&
          request_.size() >= header_end + 4 + ContentLength(request_.substr(0, header_end))) {
        return;
      }
      const ssize_t n = read(conn, buf, sizeof(buf));
      if (n <= 0) return;
      request_.append(buf, static_cast<size_t>(n));
    }
  }

  static size_t ContentLength(const std::string& headers) {
    const size_t at = headers.find("Content-Length: ");
    return at == std::string::npos ? 0 : std::stoul(headers.substr(at + 16));
  }

  int status_;
  int fd_ = -1;
  int port_ = 0;
  std::string request_;
  std::thread thread_;
};

std::string LoopbackUrl(int port, const char* path) {
  std::string url = "http://127.0.0.1:";
  return url.append(std::to_string(port)).append(path);
}

class CurlPosterTest : public ::testing::Test {
 protected:
  CurlGlobal curl_;
};

TEST_F(CurlPosterTest, SendsBodyAndHeadersAndReturnsTheStatus) {
  ASSERT_TRUE(curl_.ok());
  OneShotServer server(202);
  ASSERT_NE(server.port(), 0);
  CurlPoster poster(CurlPosterOptions{.allow_private_targets = true});
  const std::string body = R"({"event":"migration.started","migration_id":"mig_1"})";
  const HttpHeaders headers = {{"Content-Type", "application/json"},
                               {"X-Ferry-Delivery-Id", "whd_1"},
                               {"X-Ferry-Signature", "sha256=abc"}};
  const std::string url = LoopbackUrl(server.port(), "/hook?x=1");

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
  OneShotServer server(500);
  CurlPoster poster(CurlPosterOptions{.allow_private_targets = true});
  Result<int> status =
      poster.Post(LoopbackUrl(server.port(), "/"), "{}", {}, std::chrono::seconds(30));
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_EQ(*status, 500);
}

TEST_F(CurlPosterTest, RefusesLoopbackAtConnectTimeUnlessAllowed) {
  ASSERT_TRUE(curl_.ok());
  OneShotServer server(200);
  CurlPoster poster(CurlPosterOptions{});
  Result<int> status =
      poster.Post(LoopbackUrl(server.port(), "/"), "{}", {}, std::chrono::seconds(30));
  server.Shutdown();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.status().message().find("loopback"), std::string::npos);
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
