// Streamed response bodies (Server-Sent Events): the Session side and the BodyStream a
// producer writes to. The producer's thread never touches the session: each part is posted
// to the session's strand through ServerState::PostToStream, where it is framed as a chunk
// and queued; one write is in flight at a time. The session reads from the client while it
// streams, only to notice at once when the client leaves.

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/write.hpp>
#include <cstdio>
#include <sstream>
#include <utility>

#include "api/http/server_state.h"
#include "api/http/session.h"

namespace ferry::api::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

class SessionBodyStream : public BodyStream {
 public:
  SessionBodyStream(std::shared_ptr<ServerState> state, uint64_t stream_id,
                    std::shared_ptr<StreamShared> shared)
      : state_(std::move(state)), stream_id_(stream_id), shared_(std::move(shared)) {}
  ~SessionBodyStream() override { End(); }

  bool Write(std::string bytes) override {
    if (!shared_->open) return false;
    const size_t size = bytes.size();
    if (shared_->queued.fetch_add(size) + size > kMaxQueuedBytes) {
      // The client does not read what it is sent: the stream is dropped, not buffered.
      shared_->open = false;
      Post("", /*last=*/true);
      return false;
    }
    if (Post(std::move(bytes), /*last=*/false)) return true;
    shared_->open = false;
    return false;
  }

  void End() override {
    if (shared_->open.exchange(false)) Post("", /*last=*/true);
  }

  bool open() const override { return shared_->open; }

 private:
  bool Post(std::string bytes, bool last) {
    return state_->PostToStream(stream_id_, [bytes = std::move(bytes), last](Session& s) mutable {
      s.SendStreamPart(std::move(bytes), last);
    });
  }

  const std::shared_ptr<ServerState> state_;
  const uint64_t stream_id_;
  const std::shared_ptr<StreamShared> shared_;
};

std::string Chunk(std::string_view payload) {
  char size[24];
  std::snprintf(size, sizeof size, "%zx\r\n", payload.size());
  std::string out(size);
  out.append(payload).append("\r\n");
  return out;
}

}  // namespace

void Session::StartStream(HttpResponse response) {
  phase_ = Phase::kStreaming;
  const unsigned version = parser_ && parser_->is_header_done() ? parser_->get().version() : 11;
  chunked_ = version >= 11;
  const int status = response.status >= 100 && response.status <= 599 ? response.status : 500;
  bhttp::response_header<> head;
  head.version(version);
  head.result(static_cast<unsigned>(status));
  head.set(bhttp::field::server, "ferryd");
  head.set(bhttp::field::content_type, response.content_type);
  head.set("X-Request-Id", request_id_);
  for (auto& [name, value] : response.headers) head.insert(name, value);
  if (chunked_) head.set(bhttp::field::transfer_encoding, "chunked");
  head.set(bhttp::field::connection, "close");
  std::ostringstream header;
  header << head;
  stream_out_.emplace_back(header.str(), 0);
  stream_shared_ = std::make_shared<StreamShared>();
  // The handler's part is done: a stream does not hold up a graceful Stop's drain (Stop
  // closes it like an idle connection).
  LogRequest(status);
  state_->EndRequest();
  PumpStream();
  WatchPeer();
  stream_id_ = state_->RegisterStream(stream_.get_executor(), weak_from_this());
  response.on_stream(std::make_shared<SessionBodyStream>(state_, stream_id_, stream_shared_));
}

void Session::SendStreamPart(std::string bytes, bool last) {
  if (phase_ != Phase::kStreaming || stream_ended_) return;
  if (last) {
    stream_ended_ = true;
    if (chunked_) stream_out_.emplace_back("0\r\n\r\n", 0);
  } else {
    const size_t size = bytes.size();
    if (size == 0) return;  // an empty chunk would end the body
    stream_out_.emplace_back(chunked_ ? Chunk(bytes) : std::move(bytes), size);
  }
  PumpStream();
}

void Session::PumpStream() {
  if (stream_writing_ || phase_ != Phase::kStreaming) return;
  if (stream_out_.empty()) {
    // Everything was sent, and what the client sent was read (WatchPeer): a plain close
    // cannot turn into a reset that loses the body's end.
    if (stream_ended_) Close();
    return;
  }
  stream_writing_ = true;
  stream_.expires_after(state_->options().request_timeout);
  const std::string& front = stream_out_.front().first;
  asio::async_write(stream_, asio::buffer(front.data(), front.size()),
                    [self = shared_from_this()](beast::error_code ec, size_t) {
                      self->stream_writing_ = false;
                      if (ec) return self->Close();
                      self->stream_shared_->queued -= self->stream_out_.front().second;
                      self->stream_out_.pop_front();
                      self->stream_.expires_never();
                      self->PumpStream();
                    });
}

// A streaming client has nothing more to send; its end of file (or a reset) closes the
// stream at once instead of at the next part written. Reads the socket directly, outside
// the tcp_stream's write deadline.
void Session::WatchPeer() {
  stream_.socket().async_read_some(asio::buffer(peer_bytes_),
                                   [self = shared_from_this()](beast::error_code ec, size_t) {
                                     if (self->phase_ != Phase::kStreaming) return;
                                     if (ec) return self->Close();
                                     self->WatchPeer();
                                   });
}

}  // namespace ferry::api::http
