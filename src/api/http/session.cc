#include "api/http/session.h"

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <cctype>
#include <cstdint>
#include <limits>
#include <string_view>
#include <utility>
#include <vector>

#include "api/http/framing.h"
#include "api/http/server_state.h"
#include "api/http/url.h"
#include "common/ids.h"

namespace ferry::api::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

// After a response that ends the connection, unread client input is drained for at most
// this long before closing: closing a socket with unread data makes the kernel send RST,
// which can destroy the response (e.g. a 413) before the client has read it.
constexpr std::chrono::seconds kLingerTimeout{5};
constexpr size_t kDiscardChunk = 16 << 10;
constexpr size_t kHeaderChunk = 8 << 10;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// Client-chosen request ids are echoed and logged, so only a harmless shape is accepted.
bool IsSaneRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '_' || c == '-';
  });
}

std::string Lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsHttpProtocolError(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

}  // namespace

Session::Session(asio::ip::tcp::socket socket, std::shared_ptr<ServerState> state)
    : state_(std::move(state)), stream_(std::move(socket)) {
  beast::error_code ec;
  auto peer = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_ = peer.address().to_string() + ":" + std::to_string(peer.port());
}

Session::~Session() {
  if (stream_id_ != 0) state_->UnregisterStream(stream_id_);
  state_->Unregister(this);
}

void Session::Start() {
  // Hop onto the strand: from Register on, Stop may post to this session concurrently.
  asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    switch (self->state_->Register(self.get(), self->weak_from_this())) {
      case Admission::kAdmitted:
        return self->ReadHeader();
      case Admission::kOverCapacity:
        // Answered before anything is read: the request may not even have been sent.
        self->started_ = std::chrono::steady_clock::now();
        return self->WriteError(503, "ServiceUnavailable", "too many open connections");
      case Admission::kStopping:
        return self->Close();
    }
  });
}

void Session::PostResponse(HttpResponse response) {
  asio::post(stream_.get_executor(),
             [self = shared_from_this(), response = std::move(response)]() mutable {
               self->Write(std::move(response), /*dispatched=*/true);
             });
}

void Session::PostClose() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] { self->Close(); });
}

void Session::PostCloseIfIdle() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] {
    if (self->phase_ == Phase::kReading || self->phase_ == Phase::kStreaming ||
        self->phase_ == Phase::kClosing) {
      self->Close();
    }
  });
}

void Session::ReadHeader() {
  phase_ = Phase::kReading;
  request_id_.clear();
  method_.clear();
  path_.clear();
  keep_alive_ = false;
  const ServerOptions& options = state_->options();
  parser_.emplace();
  parser_->header_limit(static_cast<uint32_t>(
      std::min<size_t>(options.max_header_bytes, std::numeric_limits<uint32_t>::max())));
  parser_->body_limit(options.max_body_bytes);
  stream_.expires_after(options.idle_timeout);
  AwaitHeader();
}

// Reads until buffer_ holds the whole raw header, so that it can be checked as sent (the
// parser joins a folded line silently), then lets the parser take it from buffer_.
void Session::AwaitHeader() {
  const size_t limit = state_->options().max_header_bytes;
  std::string_view bytes(static_cast<const char*>(buffer_.data().data()), buffer_.size());
  const size_t length = HeaderLength(bytes);
  if (length == 0 && bytes.size() < limit) {
    stream_.async_read_some(buffer_.prepare(kHeaderChunk),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              // The peer left, a timeout fired, or Stop closed the socket.
                              if (ec) return self->Close();
                              self->buffer_.commit(n);
                              self->AwaitHeader();
                            });
    return;
  }
  started_ = std::chrono::steady_clock::now();
  if (length == 0 || length > limit) return OnReadError(bhttp::error::header_limit);
  if (auto error = CheckLineFolding(bytes.substr(0, length))) {
    return WriteError(error->status, error->type, error->message);
  }
  bhttp::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
}

void Session::OnHeader(beast::error_code ec) {
  if (ec) return OnReadError(ec);
  const auto& header = parser_->get();
  std::string_view client_id = header["X-Request-Id"];
  request_id_ = IsSaneRequestId(client_id) ? std::string(client_id) : NewId("req");
  method_ = std::string(header.method_string());
  path_ = std::string(header.target().substr(0, header.target().find('?')));
  keep_alive_ = header.keep_alive();
  if (RefuseFraming()) return;

  const size_t limit = state_->options().max_body_bytes;
  if (auto length = parser_->content_length(); length && *length > limit) {
    return WriteError(413, "PayloadTooLarge",
                      "request body exceeds " + std::to_string(limit) + " bytes");
  }
  if (parser_->is_done()) return Dispatch();
  if (!beast::iequals(header[bhttp::field::expect], "100-continue")) return ReadBody();
  asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                    [self = shared_from_this()](beast::error_code write_ec, size_t) {
                      if (write_ec) return self->Close();
                      self->ReadBody();
                    });
}

// Answers a request whose framing is unsafe (see framing.h) and returns true.
bool Session::RefuseFraming() {
  std::vector<HeaderField> fields;
  for (const auto& field : parser_->get()) fields.push_back({field.name_string(), field.value()});
  auto error = CheckFraming(static_cast<int>(parser_->get().version()), fields);
  if (!error) return false;
  WriteError(error->status, error->type, error->message);
  return true;
}

void Session::ReadBody() {
  stream_.expires_after(state_->options().request_timeout);
  bhttp::async_read(stream_, buffer_, *parser_,
                    [self = shared_from_this()](beast::error_code ec, size_t) {
                      if (ec) return self->OnReadError(ec);
                      self->Dispatch();
                    });
}

void Session::OnReadError(beast::error_code ec) {
  if (ec == bhttp::error::body_limit) {
    size_t limit = state_->options().max_body_bytes;
    return WriteError(413, "PayloadTooLarge",
                      "request body exceeds " + std::to_string(limit) + " bytes");
  }
  if (ec == bhttp::error::header_limit) {
    return WriteError(
        431, "RequestHeaderFieldsTooLarge",
        "request header exceeds " + std::to_string(state_->options().max_header_bytes) + " bytes");
  }
  if (ec == bhttp::error::bad_content_length || ec == bhttp::error::multiple_content_length) {
    return WriteError(400, "BadRequest", "invalid or conflicting Content-Length");
  }
  if (ec == bhttp::error::bad_transfer_encoding) {
    return WriteError(400, "BadRequest", "invalid or conflicting Transfer-Encoding");
  }
  if (IsHttpProtocolError(ec)) return WriteError(400, "BadRequest", "malformed HTTP request");
  // The peer left, a timeout fired, or Stop closed the socket: nobody to answer.
  Close();
}

void Session::Dispatch() {
  std::optional<HttpRequest> request = BuildRequest();
  if (!request) return WriteError(400, "BadRequest", "malformed request target");
  phase_ = Phase::kHandling;
  stream_.expires_never();
  if (!state_->Dispatch(shared_from_this(), std::move(*request))) {
    WriteError(503, "ServiceUnavailable", "server is shutting down");
  }
}

std::optional<HttpRequest> Session::BuildRequest() {
  auto& message = parser_->get();
  std::string_view target = message.target();
  if (target.empty() || target.front() != '/') return std::nullopt;
  size_t question = target.find('?');
  auto path = PercentDecode(target.substr(0, question), /*plus_as_space=*/false);
  auto query = ParseQuery(question == std::string_view::npos ? std::string_view()
                                                             : target.substr(question + 1));
  if (!path || !query) return std::nullopt;
  HttpRequest request;
  request.method = method_;
  request.path = path_ = std::move(*path);
  request.query = std::move(*query);
  for (const auto& field : message) {
    auto [it, inserted] =
        request.headers.emplace(Lowercase(field.name_string()), std::string(field.value()));
    if (!inserted) it->second.append(", ").append(field.value());
  }
  request.body = std::move(message.body());
  request.request_id = request_id_;
  request.remote = remote_;
  return request;
}

void Session::WriteError(int status, std::string_view type, const std::string& message) {
  keep_alive_ = false;
  if (request_id_.empty()) request_id_ = NewId("req");
  Write(ErrorEnvelope(status, type, message), /*dispatched=*/false);
}

void Session::Write(HttpResponse response, bool dispatched) {
  if (response.on_stream && dispatched) return StartStream(std::move(response));
  phase_ = Phase::kWriting;
  const bool keep_alive = keep_alive_ && !state_->stopping();
  const int status = response.status >= 100 && response.status <= 599 ? response.status : 500;
  response_ = {};
  response_.version(parser_ && parser_->is_header_done() ? parser_->get().version() : 11);
  response_.result(static_cast<unsigned>(status));
  response_.set(bhttp::field::server, "ferryd");
  response_.set(bhttp::field::content_type, response.content_type);
  response_.set("X-Request-Id", request_id_);
  for (auto& [name, value] : response.headers) response_.insert(name, value);
  body_ = response.shared_body != nullptr
              ? std::move(response.shared_body)
              : std::make_shared<const std::string>(std::move(response.body));
  response_.body() = {body_->data(), body_->size()};
  response_.keep_alive(keep_alive);
  response_.prepare_payload();
  stream_.expires_after(state_->options().request_timeout);
  bhttp::async_write(
      stream_, response_,
      [self = shared_from_this(), keep_alive, dispatched, status](beast::error_code ec, size_t) {
        self->OnWrite(ec, keep_alive, dispatched, status);
      });
}

void Session::OnWrite(beast::error_code ec, bool keep_alive, bool dispatched, int status) {
  LogRequest(status);
  if (dispatched) state_->EndRequest();
  if (ec) return Close();
  if (!keep_alive) return LingerThenClose();
  // Stop may have begun while writing; the idle-close it posted has already run.
  if (state_->stopping()) return Close();
  ReadHeader();
}

void Session::LingerThenClose() {
  phase_ = Phase::kClosing;
  beast::error_code ec;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  if (ec) return Close();
  stream_.expires_after(kLingerTimeout);  // bounds the whole drain, not each read
  Discard();
}

void Session::Discard() {
  buffer_.clear();
  stream_.async_read_some(buffer_.prepare(kDiscardChunk),
                          [self = shared_from_this()](beast::error_code ec, size_t) {
                            if (ec) return self->Close();
                            self->Discard();
                          });
}

void Session::Close() {
  phase_ = Phase::kClosing;
  if (stream_shared_ != nullptr) stream_shared_->open = false;
  if (stream_id_ != 0) state_->UnregisterStream(stream_id_);
  beast::error_code ec;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  stream_.close();
}

void Session::LogRequest(int status) const {
  auto elapsed = std::chrono::steady_clock::now() - started_;
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
  state_->logger().Info("request", {{"request_id", request_id_},
                                    {"method", method_},
                                    {"path", path_},
                                    {"status", std::to_string(status)},
                                    {"duration_ms", std::to_string(ms)}});
}

}  // namespace ferry::api::http
