#include "api/http/server_state.h"

#include <boost/asio/post.hpp>
#include <exception>
#include <optional>
#include <utility>

#include "api/http/session.h"

namespace ferry::api::http {

// The shared core of a Responder: answers at most once, and answers 500 if the last copy
// of the Responder is destroyed unanswered.
class ServerState::ResponseSlot {
 public:
  ResponseSlot(std::shared_ptr<ServerState> state, uint64_t serial)
      : state_(std::move(state)), serial_(serial) {}
  ~ResponseSlot() {
    if (answered_.exchange(true)) return;
    state_->Respond(serial_, ErrorEnvelope(500, "InternalServerError",
                                           "the request was dropped without a response"));
  }
  ResponseSlot(const ResponseSlot&) = delete;
  ResponseSlot& operator=(const ResponseSlot&) = delete;

  void Answer(HttpResponse response) {
    if (answered_.exchange(true)) return;
    state_->Respond(serial_, std::move(response));
  }

 private:
  const std::shared_ptr<ServerState> state_;
  const uint64_t serial_;
  std::atomic<bool> answered_{false};
};

ServerState::ServerState(const ServerOptions& options, Handler handler, const Logger& logger)
    : options_(options), handler_(std::move(handler)), logger_(logger) {}

bool ServerState::Dispatch(const std::shared_ptr<Session>& session, HttpRequest request) {
  uint64_t serial;
  {
    // Checked under mu_, which BeginStop also takes: a request is either counted before
    // Stop starts waiting for the in-flight count to drain, or refused.
    std::lock_guard lock(mu_);
    if (stopping_.load()) return false;
    serial = next_serial_++;
    ++in_flight_;
    awaiting_[serial] = session;
  }
  auto slot = std::make_shared<ResponseSlot>(shared_from_this(), serial);
  std::string request_id = request.request_id;
  // The handler is application code: an exception must not unwind through Asio. The slot
  // then answers 500 once the last Responder copy is gone.
  try {
    handler_(std::move(request),
             [slot](HttpResponse response) { slot->Answer(std::move(response)); });
  } catch (const std::exception& e) {
    logger_.Error("handler threw", {{"request_id", request_id}, {"what", e.what()}});
  }
  return true;
}

void ServerState::Respond(uint64_t serial, HttpResponse response) {
  std::shared_ptr<Session> session;  // released after the lock, see the class comment
  std::lock_guard lock(mu_);
  if (closed_) return;
  auto it = awaiting_.find(serial);
  if (it == awaiting_.end()) return;
  session = std::move(it->second);
  awaiting_.erase(it);
  // Posted under mu_ so that Close() cannot run, and the io_context cannot go away, between
  // the check above and the post.
  session->PostResponse(std::move(response));
}

void ServerState::EndRequest() {
  {
    std::lock_guard lock(mu_);
    --in_flight_;
  }
  drained_.notify_all();
}

uint64_t ServerState::RegisterStream(boost::asio::any_io_executor strand,
                                     std::weak_ptr<Session> session) {
  std::lock_guard lock(mu_);
  const uint64_t id = ++next_stream_;
  if (!closed_) streams_.emplace(id, StreamTarget{std::move(strand), std::move(session)});
  return id;
}

void ServerState::UnregisterStream(uint64_t stream_id) {
  std::optional<StreamTarget> gone;  // destroyed after the lock
  std::lock_guard lock(mu_);
  auto it = streams_.find(stream_id);
  if (it == streams_.end()) return;
  gone.emplace(std::move(it->second));
  streams_.erase(it);
}

bool ServerState::PostToStream(uint64_t stream_id, std::function<void(Session&)> fn) {
  std::lock_guard lock(mu_);
  if (closed_) return false;
  auto it = streams_.find(stream_id);
  if (it == streams_.end()) return false;
  boost::asio::post(it->second.strand, [session = it->second.session, fn = std::move(fn)]() {
    if (auto s = session.lock()) fn(*s);
  });
  return true;
}

Admission ServerState::Register(Session* session, std::weak_ptr<Session> handle) {
  std::lock_guard lock(mu_);
  if (stopping_.load()) return Admission::kStopping;
  const size_t cap = options_.max_connections;
  const bool admitted = cap == 0 || admitted_ < cap;
  sessions_[session] = {std::move(handle), admitted};
  if (!admitted) return Admission::kOverCapacity;
  ++admitted_;
  return Admission::kAdmitted;
}

void ServerState::Unregister(Session* session) {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(session);
  if (it == sessions_.end()) return;
  if (it->second.admitted) --admitted_;
  sessions_.erase(it);
}

size_t ServerState::open_connections() {
  std::lock_guard lock(mu_);
  return admitted_;
}

void ServerState::BeginStop() {
  std::lock_guard lock(mu_);
  stopping_.store(true);
}

std::vector<std::shared_ptr<Session>> ServerState::LiveSessions() {
  std::vector<std::shared_ptr<Session>> live;
  std::lock_guard lock(mu_);
  for (const auto& [raw, entry] : sessions_) {
    if (auto session = entry.handle.lock()) live.push_back(std::move(session));
  }
  return live;
}

bool ServerState::WaitDrained(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return drained_.wait_for(lock, timeout, [this] { return in_flight_ == 0; });
}

void ServerState::Close() {
  std::map<uint64_t, std::shared_ptr<Session>> orphans;  // destroyed after the lock
  std::map<uint64_t, StreamTarget> streams;              // strands go with the io_context
  std::lock_guard lock(mu_);
  closed_ = true;
  orphans.swap(awaiting_);
  streams.swap(streams_);
}

}  // namespace ferry::api::http
