#include "api/http/server.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "api/http/server_test_support.h"

namespace ferry::api::http {
namespace {

using namespace http_test;  // NOLINT(build/namespaces): the shared client and fixture

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

TEST_F(HttpServerTest, ConnectionOverTheCapGets503AndIsClosed) {
  ServerOptions options;
  options.max_connections = 2;
  StartServer(options);
  TestClient a(server_->port());
  TestClient b(server_->port());
  ASSERT_EQ(a.Send(Get("/a")).result_int(), 200);  // both admitted, and kept alive
  ASSERT_EQ(b.Send(Get("/b")).result_int(), 200);
  EXPECT_EQ(server_->open_connections(), 2u);

  TestClient over(server_->port());
  Response response = over.Read();  // answered on accept, before any request is sent
  EXPECT_EQ(response.result_int(), 503);
  EXPECT_EQ(response.body(), ErrorBody(503, "ServiceUnavailable", "too many open connections"));
  EXPECT_EQ(response[bhttp::field::content_type], "application/json");
  EXPECT_FALSE(response.keep_alive());
  EXPECT_EQ(over.ReadError(), bhttp::error::end_of_stream);
  EXPECT_EQ(server_->open_connections(), 2u);  // the refused connection never counted
  EXPECT_EQ(a.Send(Get("/again")).result_int(), 200);
  EXPECT_EQ(handled_.load(), 3);
}

TEST_F(HttpServerTest, ClosedConnectionMakesRoomUnderTheCap) {
  ServerOptions options;
  options.max_connections = 1;
  StartServer(options);
  auto first = std::make_unique<TestClient>(server_->port());
  ASSERT_EQ(first->Send(Get("/first")).result_int(), 200);
  EXPECT_EQ(TestClient(server_->port()).Read().result_int(), 503);
  first.reset();  // the client closes its connection
  ASSERT_TRUE(WaitUntil([&] { return server_->open_connections() == 0; }));
  TestClient second(server_->port());
  EXPECT_EQ(second.Send(Get("/second")).result_int(), 200);
}

// A client that stops reading a large response is cut off at the write deadline
// (request_timeout) instead of holding its connection, and its buffers, for ever.
TEST_F(HttpServerTest, SlowReaderOfLargeResponseIsCutOff) {
  ServerOptions options;
  options.request_timeout = std::chrono::seconds(1);
  StartServer(options);
  TestClient client(server_->port(), /*receive_buffer=*/4096);
  client.Write(Get("/large"));
  ASSERT_TRUE(WaitUntil([&] { return handled_.load() == 1; }));
  // The client reads nothing; the connection goes once the server gives up writing.
  EXPECT_TRUE(WaitUntil([&] { return server_->open_connections() == 0; }));
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(boost::none);
  beast::flat_buffer buffer;
  beast::error_code ec;
  bhttp::read(client.socket(), buffer, parser, ec);
  EXPECT_TRUE(ec);  // what was sent before the cut is not the whole response
  EXPECT_FALSE(parser.is_done());
}

}  // namespace
}  // namespace ferry::api::http
