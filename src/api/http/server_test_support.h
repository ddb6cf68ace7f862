#pragma once
// What the HttpServer tests share: a blocking test client, request builders and a fixture
// whose handler describes the request it got. Test-only.

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "api/http/server.h"
#include "common/logging.h"
#include "common/thread_pool.h"

namespace ferry::api::http::http_test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Request = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<bhttp::string_body>;

// A blocking HTTP/1.1 client on one connection.
class TestClient {
 public:
  // A `receive_buffer` (bytes) other than 0 shrinks the socket's receive buffer, so that a
  // client that stops reading stalls the server's writes sooner.
  explicit TestClient(uint16_t port, int receive_buffer = 0) : socket_(io_) {
    socket_.open(tcp::v4());
    if (receive_buffer != 0) {
      socket_.set_option(asio::socket_base::receive_buffer_size(receive_buffer));
    }
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }

  void Write(Request request) {
    request.prepare_payload();
    bhttp::write(socket_, request);
  }
  void WriteRaw(std::string_view bytes) { asio::write(socket_, asio::buffer(bytes)); }
  Response Read() {
    Response response;
    bhttp::read(socket_, buffer_, response);
    return response;
  }
  // Reads one response, expecting failure instead (e.g. the server closed the connection).
  beast::error_code ReadError() {
    Response response;
    beast::error_code ec;
    bhttp::read(socket_, buffer_, response, ec);
    return ec;
  }
  Response Send(Request request) {
    Write(std::move(request));
    return Read();
  }
  tcp::socket& socket() { return socket_; }

 private:
  asio::io_context io_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

inline Request Get(std::string_view target) {
  Request request(bhttp::verb::get, target, 11);
  request.set(bhttp::field::host, "test");
  return request;
}

inline Request Post(std::string_view target, std::string body) {
  Request request(bhttp::verb::post, target, 11);
  request.set(bhttp::field::host, "test");
  request.body() = std::move(body);
  return request;
}

// Describes the request it got, so tests can check parsing from the response alone.
inline HttpResponse Echo(const HttpRequest& request) {
  HttpResponse response;
  response.content_type = "text/plain";
  response.body = request.method + " " + request.path +
                  " q=" + request.QueryParam("q").value_or("-") + " h=" + request.Header("x-test") +
                  " id=" + request.request_id + " b=" + request.body;
  response.headers.emplace_back("X-Echo", "1");
  return response;
}

class HttpServerTest : public ::testing::Test {
 protected:
  // Starts a server on an ephemeral loopback port with the handler below.
  void StartServer(ServerOptions options = {}) {
    options.port = 0;
    server_ = std::make_unique<HttpServer>(
        options,
        [this](const HttpRequest& request, const Responder& respond) { Handle(request, respond); },
        logger_);
    ASSERT_TRUE(server_->Start().ok());
  }

  void Handle(const HttpRequest& request, const Responder& respond) {
    ++handled_;
    if (request.path == "/hold") return held_.set_value(respond);
    if (request.path == "/throw") throw std::runtime_error("boom");
    if (request.path == "/drop") return;
    if (request.path == "/shared") {
      HttpResponse response;
      response.body = "ignored when a shared body is set";
      response.shared_body = shared_body_;
      return respond(std::move(response));
    }
    if (request.path == "/large") {
      HttpResponse response;
      response.body = std::string(kLargeBody, 'L');
      return respond(std::move(response));
    }
    if (request.path == "/stream") {
      HttpResponse response;
      response.content_type = "text/event-stream";
      response.headers.emplace_back("Cache-Control", "no-store");
      response.on_stream = [this](std::shared_ptr<BodyStream> stream) {
        stream_.set_value(std::move(stream));
      };
      return respond(std::move(response));
    }
    if (request.path == "/pool") {
      pool_.Submit([request, respond] { respond(Echo(request)); });
      return;
    }
    respond(Echo(request));
  }

  static constexpr size_t kLargeBody = 32 << 20;  // far more than the socket buffers hold

  Logger logger_{LogLevel::kError};
  ThreadPool pool_{2};
  std::atomic<int> handled_{0};
  std::promise<Responder> held_;                      // the Responder of the request to "/hold"
  std::promise<std::shared_ptr<BodyStream>> stream_;  // the body stream of "/stream"
  std::shared_ptr<const std::string> shared_body_ =
      std::make_shared<const std::string>(std::string(100'000, 'x') + "end");
  std::unique_ptr<HttpServer> server_;
};

// Polls `condition` until it holds or `timeout` passes; returns whether it held.
template <typename Condition>
bool WaitUntil(Condition condition, std::chrono::seconds timeout = std::chrono::seconds(30)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

inline std::string ErrorBody(int status, std::string_view type, std::string_view message) {
  return "{\"success\": false, \"status\": " + std::to_string(status) +
         ", \"error\": {\"message\": \"" + std::string(message) + "\", \"type\": \"" +
         std::string(type) + "\", \"details\": null}}";
}

}  // namespace ferry::api::http::http_test
