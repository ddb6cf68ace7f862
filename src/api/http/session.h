#pragma once
// Session: one client connection. All of its work runs on its strand, so its members need
// no locks. Lifecycle per request:
//   read the raw header up to its empty line → (400 on obs-fold) → parse it → (400/501 if
//   its framing is unsafe, see framing.h; 413 if Content-Length is over the limit) → read
//   body → Dispatch to the handler → (Responder posts back) → write response → next
//   request, or close.
// A response with `on_stream` (a streamed body) goes through StartStream instead of Write:
// the header, then the producer's parts as chunks, then the connection closes
// (session_stream.cc).
// Transport errors are answered here (400/413/431/501) and end the connection. A
// connection over the server's max_connections gets 503 and is closed without being read.
//
// Ownership: pending Asio operations hold the session while reading and writing;
// ServerState holds it while a handler owns the request.

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "api/http/message.h"

namespace ferry::api::http {

class ServerState;

// What a session and the BodyStream it hands to a producer share.
struct StreamShared {
  std::atomic<bool> open{true};
  std::atomic<size_t> queued{0};  // bytes written by the producer and not yet sent
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  // REQUIRES: `socket` is connected and its executor is a strand of its own.
  Session(boost::asio::ip::tcp::socket socket, std::shared_ptr<ServerState> state);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Registers with the state and starts reading requests. Call once, on a shared_ptr.
  void Start();
  // Writes `response` to the request handed to the handler. Thread-safe.
  void PostResponse(HttpResponse response);
  // Closes the connection unless a request is being handled or answered. Thread-safe.
  void PostCloseIfIdle();
  // Closes the connection, whatever it is doing. Thread-safe.
  void PostClose();
  // On the strand, for a streamed body: sends `bytes` as its next part, or (`last`) ends
  // the body and closes the connection.
  void SendStreamPart(std::string bytes, bool last);

 private:
  enum class Phase { kReading, kHandling, kWriting, kStreaming, kClosing };
  using Parser = boost::beast::http::request_parser<boost::beast::http::string_body>;

  void ReadHeader();
  void AwaitHeader();
  void OnHeader(boost::beast::error_code ec);
  bool RefuseFraming();
  void ReadBody();
  void OnReadError(boost::beast::error_code ec);
  void Dispatch();
  std::optional<HttpRequest> BuildRequest();
  void WriteError(int status, std::string_view type, const std::string& message);
  void Write(HttpResponse response, bool dispatched);
  void OnWrite(boost::beast::error_code ec, bool keep_alive, bool dispatched, int status);
  void StartStream(HttpResponse response);
  void PumpStream();
  void WatchPeer();
  void LingerThenClose();
  void Discard();
  void Close();
  void LogRequest(int status) const;

  const std::shared_ptr<ServerState> state_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<Parser> parser_;  // fresh for each request
  // The response being written refers to body_, which it keeps alive (a shared body is
  // written in place, not copied).
  boost::beast::http::response<boost::beast::http::span_body<const char>> response_;
  std::shared_ptr<const std::string> body_;
  Phase phase_ = Phase::kReading;
  std::string remote_;

  // The current request, as far as it is known; for response headers and the log line.
  std::string request_id_;
  std::string method_;
  std::string path_;
  bool keep_alive_ = false;
  std::chrono::steady_clock::time_point started_;

  // A streamed body (phase kStreaming): parts framed and waiting, and their payload sizes.
  std::shared_ptr<StreamShared> stream_shared_;
  std::deque<std::pair<std::string, size_t>> stream_out_;
  bool stream_writing_ = false;
  bool stream_ended_ = false;
  bool chunked_ = true;
  uint64_t stream_id_ = 0;              // registered with the state while streaming; 0 before
  std::array<char, 512> peer_bytes_{};  // what a streaming client sends (read, dropped)
};

}  // namespace ferry::api::http
