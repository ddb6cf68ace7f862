#pragma once
// Test support: a one-shot HTTP server on an ephemeral 127.0.0.1 port (a real socket, no
// network). It accepts one connection, reads one request (headers and a Content-Length
// body), sends its canned response and closes — or, when `hang` is set, never answers
// and waits for the client to give up. Header-only; for tests of HTTP clients.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace ferry::http_client::testing {

struct CannedResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers{};
  std::string body = "ok";
  // Never answer: read until the client closes the connection.
  bool hang = false;
};

class LoopbackServer {
 public:
  explicit LoopbackServer(CannedResponse response) : response_(std::move(response)) {
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
  explicit LoopbackServer(int status) : LoopbackServer(CannedResponse{.status = status}) {}
  ~LoopbackServer() {
    Shutdown();
    Join();
    close(fd_);
  }
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  // Unblocks an accept that will never be satisfied and a hanging connection.
  void Shutdown() {
    shutdown(fd_, SHUT_RDWR);
    std::lock_guard<std::mutex> lock(mu_);
    if (conn_ >= 0) shutdown(conn_, SHUT_RDWR);
  }
  int port() const { return port_; }
  std::string Url(const char* path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  // Whether a client connected. REQUIRES: Join() returned.
  bool accepted() const { return accepted_; }
  // The raw request. REQUIRES: Join() returned.
  const std::string& request() const { return request_; }
  void Join() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Serve() {
    const int conn = accept(fd_, nullptr, nullptr);
    if (conn < 0) return;
    accepted_ = true;
    {
      std::lock_guard<std::mutex> lock(mu_);
      conn_ = conn;
    }
    ReadRequest(conn);
    if (response_.hang) {
      char buf[256];
      while (read(conn, buf, sizeof(buf)) > 0) {
      }
    } else {
      const std::string response = Render();
      (void)!write(conn, response.data(), response.size());
    }
    std::lock_guard<std::mutex> lock(mu_);
    conn_ = -1;
    close(conn);
  }

  std::string Render() const {
    std::string out = "HTTP/1.1 " + std::to_string(response_.status) + " X\r\n";
    for (const auto& [name, value] : response_.headers) out += name + ": " + value + "\r\n";
    out += "Content-Length: " + std::to_string(response_.body.size());
    return out + "\r\nConnection: close\r\n\r\n" + response_.body;
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

  const CannedResponse response_;
  int fd_ = -1;
  int port_ = 0;
  std::mutex mu_;
  int conn_ = -1;  // guarded by mu_
  bool accepted_ = false;
  std::string request_;
  std::thread thread_;
};

}  // namespace ferry::http_client::testing
