#include "api/http/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "common/logging.h"
#include "common/thread_pool.h"

namespace ferry::api::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Request = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<bhttp::string_body>;

// A blocking HTTP/1.1 client on one connection.
class TestClient {
 public:
  explicit TestClient(uint16_t port) : socket_(io_) {
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

Request Get(std::string_view target) { return Request(bhttp::verb::get, target, 11); }

Request Post(std::string_view target, std::string body) {
  Request request(bhttp::verb::post, target, 11);
  request.body() = std::move(body);
  return request;
}

// Describes the request it got, so tests can check parsing from the response alone.
HttpResponse Echo(const HttpRequest& request) {
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
    if (request.path == "/pool") {
      pool_.Submit([request, respond] { respond(Echo(request)); });
      return;
    }
    respond(Echo(request));
  }

  Logger logger_{LogLevel::kError};
  ThreadPool pool_{2};
  std::atomic<int> handled_{0};
  std::promise<Responder> held_;  // the Responder of the request to "/hold"
  std::shared_ptr<const std::string> shared_body_ =
      std::make_shared<const std::string>(std::string(100'000, 'x') + "end");
  std::unique_ptr<HttpServer> server_;
};

std::string ErrorBody(int status, std::string_view type, std::string_view message) {
  return "{\"success\": false, \"status\": " + std::to_string(status) +
         ", \"error\": {\"message\": \"" + std::string(message) + "\", \"type\": \"" +
         std::string(type) + "\", \"details\": null}}";
}

TEST_F(HttpServerTest, GetRoundTripDecodesPathAndQuery) {
  StartServer();
  TestClient client(server_->port());
  Request request = Get("/hello%20world?q=a+b%26c&other=1");
  request.set("X-Test", "v");
  Response response = client.Send(request);
  EXPECT_EQ(response.result_int(), 200);
  std::string id(response["X-Request-Id"]);
  EXPECT_EQ(id.rfind("req_", 0), 0u) << id;
  EXPECT_EQ(response.body(), "GET /hello world q=a b&c h=v id=" + id + " b=");
  EXPECT_EQ(response[bhttp::field::server], "ferryd");
  EXPECT_EQ(response[bhttp::field::content_type], "text/plain");
  EXPECT_EQ(response["X-Echo"], "1");
}

TEST_F(HttpServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  StartServer();
  TestClient client(server_->port());
  Response first = client.Send(Post("/one", "payload"));
  EXPECT_EQ(first.result_int(), 200);
  EXPECT_TRUE(first.keep_alive());
  EXPECT_NE(first.body().find("POST /one"), std::string::npos);
  EXPECT_NE(first.body().find("b=payload"), std::string::npos);
  Response second = client.Send(Get("/two"));
  EXPECT_EQ(second.result_int(), 200);
  EXPECT_NE(second.body().find("GET /two"), std::string::npos);
  EXPECT_EQ(handled_.load(), 2);
}

// A cached body is written from the cache's own buffer, by every response that shares it.
TEST_F(HttpServerTest, SharedBodyIsSentIntactToEveryRequest) {
  StartServer();
  TestClient a(server_->port());
  TestClient b(server_->port());
  for (int i = 0; i < 3; ++i) {
    a.Write(Get("/shared"));
    b.Write(Get("/shared"));
    for (TestClient* client : {&a, &b}) {
      Response response = client->Read();
      EXPECT_EQ(response.result_int(), 200);
      EXPECT_EQ(response[bhttp::field::content_length], std::to_string(shared_body_->size()));
      EXPECT_EQ(response.body(), *shared_body_);
    }
  }
}

TEST_F(HttpServerTest, ConnectionCloseIsHonoured) {
  StartServer();
  TestClient client(server_->port());
  Request request = Get("/x");
  request.keep_alive(false);
  Response response = client.Send(request);
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_FALSE(response.keep_alive());
  EXPECT_EQ(client.ReadError(), bhttp::error::end_of_stream);
}

TEST_F(HttpServerTest, SaneRequestIdIsEchoed) {
  StartServer();
  TestClient client(server_->port());
  Request request = Get("/x");
  request.set("X-Request-Id", "abc.DEF_1-2");
  Response response = client.Send(request);
  EXPECT_EQ(response["X-Request-Id"], "abc.DEF_1-2");
  EXPECT_NE(response.body().find("id=abc.DEF_1-2"), std::string::npos);
}

TEST_F(HttpServerTest, InsaneRequestIdIsReplaced) {
  StartServer();
  TestClient client(server_->port());
  for (const std::string& bad : {std::string("bad id!"), std::string(129, 'a')}) {
    Request request = Get("/x");
    request.set("X-Request-Id", bad);
    std::string id(client.Send(request)["X-Request-Id"]);
    EXPECT_EQ(id.rfind("req_", 0), 0u) << id;
  }
}

TEST_F(HttpServerTest, ContentLengthOverLimitIs413WithoutCallingHandler) {
  ServerOptions options;
  options.max_body_bytes = 1024;
  StartServer(options);
  TestClient client(server_->port());
  Response response = client.Send(Post("/upload", std::string(4096, 'x')));
  EXPECT_EQ(response.result_int(), 413);
  EXPECT_EQ(response.body(), ErrorBody(413, "PayloadTooLarge", "request body exceeds 1024 bytes"));
  EXPECT_EQ(response[bhttp::field::content_type], "application/json");
  EXPECT_FALSE(response.keep_alive());
  EXPECT_FALSE(response["X-Request-Id"].empty());
  EXPECT_EQ(handled_.load(), 0);
  EXPECT_TRUE(client.ReadError());  // closed
}

// The client sends its whole (large) body before reading; the server must drain it rather
// than reset the connection, or the 413 would be lost.
TEST_F(HttpServerTest, LargeBodyOverLimitStillDelivers413) {
  ServerOptions options;
  options.max_body_bytes = 1024;
  StartServer(options);
  TestClient client(server_->port());
  Response response = client.Send(Post("/upload", std::string(8 << 20, 'x')));
  EXPECT_EQ(response.result_int(), 413);
}

TEST_F(HttpServerTest, ChunkedBodyOverLimitIs413) {
  ServerOptions options;
  options.max_body_bytes = 1024;
  StartServer(options);
  TestClient client(server_->port());
  Request request = Post("/upload", std::string(4096, 'x'));
  request.chunked(true);
  bhttp::write(client.socket(), request);
  Response response = client.Read();
  EXPECT_EQ(response.result_int(), 413);
  EXPECT_EQ(response.body(), ErrorBody(413, "PayloadTooLarge", "request body exceeds 1024 bytes"));
  EXPECT_EQ(handled_.load(), 0);
}

TEST_F(HttpServerTest, BodyAtLimitIsAccepted) {
  ServerOptions options;
  options.max_body_bytes = 1024;
  StartServer(options);
  TestClient client(server_->port());
  EXPECT_EQ(client.Send(Post("/upload", std::string(1024, 'x'))).result_int(), 200);
}

TEST_F(HttpServerTest, GarbageIs400AndClosed) {
  StartServer();
  TestClient client(server_->port());
  client.WriteRaw("\x01\x02 garbage\r\n\r\n");
  Response response = client.Read();
  EXPECT_EQ(response.result_int(), 400);
  EXPECT_EQ(response.body(), ErrorBody(400, "BadRequest", "malformed HTTP request"));
  EXPECT_FALSE(response.keep_alive());
  EXPECT_TRUE(client.ReadError());
  EXPECT_EQ(handled_.load(), 0);
}

TEST_F(HttpServerTest, MalformedPercentEncodingIs400) {
  StartServer();
  TestClient client(server_->port());
  Response response = client.Send(Get("/a%zz"));
  EXPECT_EQ(response.result_int(), 400);
  EXPECT_EQ(response.body(), ErrorBody(400, "BadRequest", "malformed request target"));
}

TEST_F(HttpServerTest, HeaderOverLimitIs431) {
  ServerOptions options;
  options.max_header_bytes = 1024;
  StartServer(options);
  TestClient client(server_->port());
  Request request = Get("/x");
  request.set("X-Big", std::string(4096, 'h'));
  EXPECT_EQ(client.Send(request).result_int(), 431);
}

TEST_F(HttpServerTest, ExpectContinueGets100BeforeBody) {
  StartServer();
  TestClient client(server_->port());
  Request request = Post("/upload", "data");
  request.set(bhttp::field::expect, "100-continue");
  request.prepare_payload();
  bhttp::request_serializer<bhttp::string_body> serializer(request);
  bhttp::write_header(client.socket(), serializer);
  beast::flat_buffer buffer;
  bhttp::response<bhttp::empty_body> interim;
  bhttp::read(client.socket(), buffer, interim);
  EXPECT_EQ(interim.result(), bhttp::status::continue_);
  bhttp::write(client.socket(), serializer);
  Response response;
  bhttp::read(client.socket(), buffer, response);
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_NE(response.body().find("b=data"), std::string::npos);
}

TEST_F(HttpServerTest, ResponderWorksFromAnotherThread) {
  StartServer();
  TestClient client(server_->port());
  Response response = client.Send(Get("/pool?q=1"));
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_NE(response.body().find("GET /pool q=1"), std::string::npos);
}

TEST_F(HttpServerTest, ThrowingHandlerGives500) {
  StartServer();
  TestClient client(server_->port());
  Response response = client.Send(Get("/throw"));
  EXPECT_EQ(response.result_int(), 500);
  EXPECT_NE(response.body().find("\"type\": \"InternalServerError\""), std::string::npos);
  EXPECT_EQ(client.Send(Get("/after")).result_int(), 200);  // connection still usable
}

TEST_F(HttpServerTest, DroppedResponderGives500) {
  StartServer();
  TestClient client(server_->port());
  EXPECT_EQ(client.Send(Get("/drop")).result_int(), 500);
}

TEST_F(HttpServerTest, SecondResponseIsIgnored) {
  StartServer();
  TestClient client(server_->port());
  client.Write(Get("/hold"));
  Responder respond = held_.get_future().get();
  HttpResponse first;
  first.body = "first";
  respond(first);
  HttpResponse second;
  second.body = "second";
  respond(second);
  EXPECT_EQ(client.Read().body(), "first");
  EXPECT_EQ(client.Send(Get("/next")).result_int(), 200);  // no stray second response
}

TEST_F(HttpServerTest, StopFinishesInFlightRequestAndRefusesNewConnections) {
  StartServer();
  TestClient idle(server_->port());
  ASSERT_EQ(idle.Send(Get("/warm")).result_int(), 200);
  TestClient busy(server_->port());
  busy.Write(Get("/hold"));
  Responder respond = held_.get_future().get();  // the request is now in flight

  std::atomic<bool> stop_returned{false};
  std::thread stopper([&] {
    server_->Stop();
    stop_returned = true;
  });
  // Stop closes idle connections only after the listening socket is closed, so once the
  // idle connection sees EOF, new connections must be refused.
  EXPECT_TRUE(idle.ReadError());
  asio::io_context io;
  tcp::socket late(io);
  beast::error_code ec;
  late.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()), ec);
  EXPECT_TRUE(ec) << "connection accepted after Stop began";
  EXPECT_FALSE(stop_returned.load());

  HttpResponse done;
  done.body = "done";
  respond(done);
  Response response = busy.Read();
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response.body(), "done");
  EXPECT_FALSE(response.keep_alive());
  stopper.join();
  EXPECT_TRUE(stop_returned.load());
}

TEST_F(HttpServerTest, ResponderAfterStopIsIgnored) {
  ServerOptions options;
  options.drain_timeout = std::chrono::seconds(0);
  StartServer(options);
  TestClient client(server_->port());
  client.Write(Get("/hold"));
  Responder respond = held_.get_future().get();
  server_->Stop();
  EXPECT_TRUE(client.ReadError());  // abandoned by the zero drain timeout, then closed
  respond(HttpResponse{});          // must not crash
  server_.reset();
  respond(HttpResponse{});  // nor after the server is gone
}

TEST_F(HttpServerTest, StartFailsWhenPortIsTaken) {
  StartServer();
  ServerOptions options;
  options.port = server_->port();
  HttpServer second(
      options, [](const HttpRequest&, const Responder&) {}, logger_);
  Status status = second.Start();
  EXPECT_EQ(status.code(), StatusCode::kUnavailable) << status.ToString();
}

TEST_F(HttpServerTest, StartTwiceFails) {
  StartServer();
  EXPECT_EQ(server_->Start().code(), StatusCode::kFailedPrecondition);
}

TEST_F(HttpServerTest, StopIsIdempotentAndFineWithoutStart) {
  HttpServer never_started(
      ServerOptions{}, [](const HttpRequest&, const Responder&) {}, logger_);
  never_started.Stop();
  StartServer();
  server_->Stop();
  server_->Stop();
  EXPECT_EQ(server_->Start().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace ferry::api::http
