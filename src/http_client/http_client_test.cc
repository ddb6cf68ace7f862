// HttpClient against a one-shot server on 127.0.0.1 (a real socket, no network).

#include "http_client/http_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <string>

#include "http_client/testing/loopback_server.h"

namespace ferry::http_client {
namespace {

using testing::CannedResponse;
using testing::LoopbackServer;

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(curl_.ok()); }
  CurlGlobal curl_;
};

TEST_F(HttpClientTest, SendsBodyAndHeadersAndReturnsStatusHeadersAndBody) {
  LoopbackServer server(
      CannedResponse{.status = 201, .headers = {{"X-Reply", " yes "}}, .body = R"({"ok":true})"});
  ASSERT_NE(server.port(), 0);
  HttpClient client(ClientOptions{.user_agent = "Ferry-Test/1"});
  Request request{.url = server.Url("/p?x=1"),
                  .body = R"({"a":1})",
                  .headers = {{"Content-Type", "application/json"}, {"X-Key", "v"}}};

  Result<Response> response = client.Post(request);
  server.Join();
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, R"({"ok":true})");
  EXPECT_EQ(response->Header("x-reply"), "yes");
  EXPECT_EQ(response->Header("content-length"), "11");
  EXPECT_FALSE(response->Header("x-absent").has_value());
  const std::string& sent = server.request();
  EXPECT_EQ(sent.rfind("POST /p?x=1 HTTP/1.1\r\n", 0), 0u) << sent;
  EXPECT_NE(sent.find("\r\nContent-Type: application/json\r\n"), std::string::npos);
  EXPECT_NE(sent.find("\r\nX-Key: v\r\n"), std::string::npos);
  EXPECT_NE(sent.find("\r\nUser-Agent: Ferry-Test/1\r\n"), std::string::npos);
  EXPECT_EQ(sent.find("Expect:"), std::string::npos);
  EXPECT_EQ(sent.substr(sent.size() - 7), R"({"a":1})");
}

TEST_F(HttpClientTest, ErrorStatusIsAResponse) {
  LoopbackServer server(CannedResponse{.status = 503, .body = "busy"});
  Result<Response> response = HttpClient(ClientOptions{}).Post({.url = server.Url("/")});
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(response->body, "busy");
}

TEST_F(HttpClientTest, RedirectsAreNotFollowed) {
  LoopbackServer server(
      CannedResponse{.status = 302, .headers = {{"Location", "http://127.0.0.1:1/elsewhere"}}});
  Result<Response> response = HttpClient(ClientOptions{}).Post({.url = server.Url("/")});
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 302);
}

TEST_F(HttpClientTest, BodyAboveTheLimitIsResourceExhausted) {
  LoopbackServer server(CannedResponse{.body = std::string(64 * 1024, 'x')});
  HttpClient client(ClientOptions{.max_response_bytes = 1000, .error_context = "probe"});
  Result<Response> response = client.Post({.url = server.Url("/")});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(response.status().message(), "probe: response larger than 1000 bytes");
}

TEST_F(HttpClientTest, BodyAtTheLimitIsKept) {
  LoopbackServer server(CannedResponse{.body = std::string(1000, 'x')});
  HttpClient client(ClientOptions{.max_response_bytes = 1000});
  Result<Response> response = client.Post({.url = server.Url("/")});
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->body.size(), 1000u);
}

TEST_F(HttpClientTest, DiscardedBodyHasNoLimit) {
  LoopbackServer server(CannedResponse{.status = 204, .body = std::string(64 * 1024, 'x')});
  HttpClient client(ClientOptions{.max_response_bytes = 10, .discard_body = true});
  Result<Response> response = client.Post({.url = server.Url("/")});
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 204);
  EXPECT_TRUE(response->body.empty());
}

TEST_F(HttpClientTest, ServerThatNeverAnswersIsDeadlineExceeded) {
  LoopbackServer server(CannedResponse{.hang = true});
  HttpClient client(ClientOptions{.error_context = "probe"});
  Result<Response> response =
      client.Post({.url = server.Url("/"), .timeout = std::chrono::milliseconds(200)});
  server.Shutdown();
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(response.status().message().rfind("probe: ", 0), 0u);
}

TEST_F(HttpClientTest, ConnectGuardSeesTheAddressAndItsRefusalIsTheError) {
  LoopbackServer server(200);
  std::atomic<int> checked{0};
  ClientOptions options;
  options.connect_guard = [&checked](const sockaddr& address) {
    checked += 1;
    const auto& in = reinterpret_cast<const sockaddr_in&>(address);
    EXPECT_EQ(address.sa_family, AF_INET);
    EXPECT_EQ(ntohl(in.sin_addr.s_addr), INADDR_LOOPBACK);
    return Status::PermissionDenied("not there");
  };
  Result<Response> response = HttpClient(options).Post({.url = server.Url("/")});
  server.Shutdown();
  server.Join();
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(response.status().message(), "not there");
  EXPECT_GE(checked.load(), 1);
  EXPECT_FALSE(server.accepted());
}

TEST_F(HttpClientTest, ConnectGuardThatAllowsLetsTheRequestThrough) {
  LoopbackServer server(200);
  ClientOptions options;
  options.connect_guard = [](const sockaddr&) { return Status::Ok(); };
  Result<Response> response = HttpClient(options).Post({.url = server.Url("/")});
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
}

TEST_F(HttpClientTest, UnsupportedSchemeAndMalformedUrlAreInvalidArgument) {
  HttpClient client(ClientOptions{});
  EXPECT_EQ(client.Post({.url = "file:///etc/passwd"}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(client.Post({.url = "http://"}).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(HttpClientTest, NothingListeningIsUnavailable) {
  int port = 0;
  {
    LoopbackServer closed(200);  // a free port, closed again at scope end
    port = closed.port();
  }
  Result<Response> response =
      HttpClient(ClientOptions{}).Post({.url = "http://127.0.0.1:" + std::to_string(port) + "/"});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable);
}

TEST(RetryAfterTest, DeltaSecondsOnly) {
  Response r;
  EXPECT_FALSE(RetryAfter(r).has_value());
  r.headers = {{"retry-after", "7"}};
  EXPECT_EQ(RetryAfter(r), std::chrono::milliseconds(7000));
  r.headers = {{"retry-after", "0"}};
  EXPECT_EQ(RetryAfter(r), std::chrono::milliseconds(0));
  for (const char* bad :
       {"-1", "soon", "5x", "", "Wed, 21 Oct 2015 07:28:00 GMT", "99999999999999999999"}) {
    r.headers = {{"retry-after", bad}};
    EXPECT_FALSE(RetryAfter(r).has_value()) << bad;
  }
}

TEST_F(HttpClientTest, RetryAfterArrivesThroughTheWire) {
  LoopbackServer server(CannedResponse{.status = 429, .headers = {{"Retry-After", "3"}}});
  Result<Response> response = HttpClient(ClientOptions{}).Post({.url = server.Url("/")});
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(RetryAfter(*response), std::chrono::milliseconds(3000));
}

TEST_F(HttpClientTest, GetAndDeleteSendTheirMethodAndNoBody) {
  for (Method method : {Method::kGet, Method::kDelete}) {
    LoopbackServer server(CannedResponse{.status = 200, .body = "got"});
    HttpClient client(ClientOptions{});
    Request request{.url = server.Url("/thing"), .body = "ignored", .headers = {{"X-K", "v"}}};
    Result<Response> response =
        method == Method::kGet ? client.Get(request) : client.Delete(request);
    server.Join();
    ASSERT_TRUE(response.ok()) << response.status().ToString();
    EXPECT_EQ(response->body, "got");
    const std::string& sent = server.request();
    const char* line =
        method == Method::kGet ? "GET /thing HTTP/1.1\r\n" : "DELETE /thing HTTP/1.1\r\n";
    EXPECT_EQ(sent.rfind(line, 0), 0u) << sent;
    EXPECT_NE(sent.find("\r\nX-K: v\r\n"), std::string::npos);
    EXPECT_EQ(sent.find("ignored"), std::string::npos);
  }
}

TEST_F(HttpClientTest, GetStreamHandsA2xxBodyToOnDataAsItArrives) {
  const std::string events(100 * 1024, 'e');
  LoopbackServer server(CannedResponse{
      .status = 200, .headers = {{"Content-Type", "text/event-stream"}}, .body = events});
  std::string seen;
  StreamHandlers handlers{.on_data = [&seen](std::string_view data) {
    seen.append(data);
    return true;
  }};
  // No size limit applies to a stream.
  HttpClient client(ClientOptions{.max_response_bytes = 10});
  Result<Response> response = client.GetStream({.url = server.Url("/events")}, handlers);
  server.Join();
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->Header("content-type"), "text/event-stream");
  EXPECT_TRUE(response->body.empty());
  EXPECT_EQ(seen, events);
  EXPECT_EQ(server.request().rfind("GET /events HTTP/1.1\r\n", 0), 0u);
}

TEST_F(HttpClientTest, GetStreamReadsAnErrorStatusBodyLikeGet) {
  LoopbackServer server(CannedResponse{.status = 404, .body = R"({"success":false})"});
  bool called = false;
  StreamHandlers handlers{.on_data = [&called](std::string_view) { return called = true; }};
  Result<Response> response =
      HttpClient(ClientOptions{}).GetStream({.url = server.Url("/events")}, handlers);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 404);
  EXPECT_EQ(response->body, R"({"success":false})");
  EXPECT_FALSE(called);
}

TEST_F(HttpClientTest, GetStreamStopsWhenOnDataSaysSo) {
  LoopbackServer server(CannedResponse{.body = std::string(1 << 20, 'x')});
  int calls = 0;
  StreamHandlers handlers{.on_data = [&calls](std::string_view) { return ++calls < 2; }};
  Result<Response> response =
      HttpClient(ClientOptions{}).GetStream({.url = server.Url("/")}, handlers);
  server.Shutdown();
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(calls, 2);
}

TEST_F(HttpClientTest, GetStreamStopsWhenAskedWhileNothingArrives) {
  LoopbackServer server(CannedResponse{.hang = true});
  const auto start = std::chrono::steady_clock::now();
  StreamHandlers handlers{.should_stop = [start] {
    return std::chrono::steady_clock::now() - start > std::chrono::milliseconds(200);
  }};
  Result<Response> response =
      HttpClient(ClientOptions{})
          .GetStream({.url = server.Url("/"), .timeout = std::chrono::seconds(60)}, handlers);
  server.Shutdown();
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST_F(HttpClientTest, GetStreamWithoutAByteForItsTimeoutIsDeadlineExceeded) {
  LoopbackServer server(CannedResponse{.hang = true});
  Result<Response> response =
      HttpClient(ClientOptions{})
          .GetStream({.url = server.Url("/"), .timeout = std::chrono::milliseconds(1000)},
                     StreamHandlers{});
  server.Shutdown();
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kDeadlineExceeded);
}

}  // namespace
}  // namespace ferry::http_client
