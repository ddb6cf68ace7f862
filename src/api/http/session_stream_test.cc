// Streamed response bodies over the wire: chunks as the producer writes them, the end, and
// every way a stream closes under its producer (client gone, client not reading, Stop).

#include <gtest/gtest.h>

#include <string>

#include "api/http/server_test_support.h"

namespace ferry::api::http::http_test {
namespace {

// Reads from `client` until what was read so far contains `needle` (or the peer closes).
std::string ReadUntil(TestClient& client, std::string& seen, std::string_view needle) {
  char buf[4096];
  while (seen.find(needle) == std::string::npos) {
    beast::error_code ec;
    size_t n = client.socket().read_some(asio::buffer(buf), ec);
    if (ec) break;
    seen.append(buf, n);
  }
  return seen;
}

class StreamTest : public HttpServerTest {
 protected:
  std::shared_ptr<BodyStream> OpenStream(TestClient& client, unsigned version = 11) {
    Request request = Get("/stream");
    request.version(version);
    client.Write(std::move(request));
    auto future = stream_.get_future();
    EXPECT_EQ(future.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    return future.get();
  }
};

TEST_F(StreamTest, PartsArriveAsChunksWhileWrittenThenTheBodyEnds) {
  StartServer();
  TestClient client(server_->port());
  auto stream = OpenStream(client);
  ASSERT_TRUE(stream->Write("data: one\n\n"));
  std::string seen;
  ReadUntil(client, seen, "data: one\n\n");
  // The header and the first part are there before the body ends.
  EXPECT_NE(seen.find("HTTP/1.1 200 OK\r\n"), std::string::npos);
  EXPECT_NE(seen.find("Content-Type: text/event-stream\r\n"), std::string::npos);
  EXPECT_NE(seen.find("Transfer-Encoding: chunked\r\n"), std::string::npos);
  EXPECT_NE(seen.find("Cache-Control: no-store\r\n"), std::string::npos);
  EXPECT_NE(seen.find("b\r\ndata: one\n\n\r\n"), std::string::npos);
  EXPECT_TRUE(stream->Write("data: two\n\n"));
  EXPECT_TRUE(stream->Write(""));  // nothing to send, and not the end of the body
  stream->End();
  EXPECT_FALSE(stream->open());
  EXPECT_FALSE(stream->Write("late"));
  ReadUntil(client, seen, "never sent");  // to the close
  EXPECT_NE(seen.find("b\r\ndata: two\n\n\r\n0\r\n\r\n"), std::string::npos) << seen;
  EXPECT_EQ(seen.find("late"), std::string::npos);
}

TEST_F(StreamTest, AnHttp10ClientGetsTheBodyUnframedUntilTheClose) {
  StartServer();
  TestClient client(server_->port());
  auto stream = OpenStream(client, 10);
  ASSERT_TRUE(stream->Write("data: x\n\n"));
  stream->End();
  std::string seen;
  ReadUntil(client, seen, "never sent");
  EXPECT_EQ(seen.find("Transfer-Encoding"), std::string::npos) << seen;
  EXPECT_EQ(seen.substr(seen.size() - 9), "data: x\n\n");
}

TEST_F(StreamTest, AClientThatLeavesClosesTheStream) {
  StartServer();
  auto client = std::make_unique<TestClient>(server_->port());
  auto stream = OpenStream(*client);
  std::string seen;
  ReadUntil(*client, seen, "\r\n\r\n");
  client.reset();  // the client closes its socket; the producer writes nothing meanwhile
  EXPECT_TRUE(WaitUntil([&] { return !stream->open(); }));
  EXPECT_FALSE(stream->Write("data: after\n\n"));
}

TEST_F(StreamTest, AClientThatStopsReadingLosesItsStreamInsteadOfGrowingAQueue) {
  StartServer();
  TestClient client(server_->port(), /*receive_buffer=*/4096);
  auto stream = OpenStream(client);
  const std::string part(64 << 10, 'p');
  size_t written = 0;
  bool refused = WaitUntil([&] {
    if (!stream->Write(part)) return true;
    written += part.size();
    return false;
  });
  EXPECT_TRUE(refused);
  // Refused once the unsent bytes passed the bound (plus what the sockets absorbed).
  EXPECT_LT(written, BodyStream::kMaxQueuedBytes + (16u << 20));
  EXPECT_FALSE(stream->open());
}

TEST_F(StreamTest, StopClosesOpenStreamsAndLaterWritesAreRefused) {
  StartServer();
  TestClient client(server_->port());
  auto stream = OpenStream(client);
  std::string seen;
  ReadUntil(client, seen, "\r\n\r\n");
  server_->Stop();  // does not wait for the stream: it is not a request in flight
  EXPECT_FALSE(stream->open());
  server_.reset();  // the server and its io_context are gone; the producer still holds it
  EXPECT_FALSE(stream->Write("data: late\n\n"));
  stream->End();
}

}  // namespace
}  // namespace ferry::api::http::http_test
