#pragma once
// ServerState: what an HttpServer shares with its sessions and with the Responders it hands
// out — options, handler, the set of live sessions, and the requests in flight. Responders
// may be kept (by a worker pool) past the server's lifetime, so this object is
// reference-counted and, once Close()d, quietly drops late responses.
//
// Lifetime rule: a Session with a request in flight is owned here (not by its Responder),
// so Close() can destroy it while its io_context still exists.
//
// Thread-safe. No Session is ever destroyed while mu_ is held (~Session calls Unregister).

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "api/http/message.h"
#include "api/http/server.h"
#include "common/logging.h"

namespace ferry::api::http {

class Session;

// What Register decided about a new connection.
enum class Admission {
  kAdmitted,      // serve it
  kOverCapacity,  // max_connections are open: answer 503 and close it
  kStopping,      // the server is stopping: close it
};

class ServerState : public std::enable_shared_from_this<ServerState> {
 public:
  // `logger` must outlive every use made of it, which happens on I/O threads only.
  ServerState(const ServerOptions& options, Handler handler, const Logger& logger);

  const ServerOptions& options() const { return options_; }
  const Logger& logger() const { return logger_; }
  bool stopping() const { return stopping_.load(); }

  // Invokes the handler with a Responder bound to `session`, which is kept alive until the
  // response is posted back to it, and counts the request as in flight until EndRequest().
  // Returns false, without invoking the handler, once stopping: work that arrives after
  // Stop began is refused rather than started.
  bool Dispatch(const std::shared_ptr<Session>& session, HttpRequest request);
  // Called by the session once the response to a dispatched request is written (or failed).
  void EndRequest();

  // Streamed bodies: a session that streams registers its strand here, and a producer
  // (on any thread) reaches it only through PostToStream, which posts `fn` to that strand
  // unless the stream was unregistered or the server closed. The strand is held here, not
  // by the producer, so no copy of it outlives the io_context (Close drops them all).
  // Returns false when not posted.
  uint64_t RegisterStream(boost::asio::any_io_executor strand, std::weak_ptr<Session> session);
  void UnregisterStream(uint64_t stream_id);
  bool PostToStream(uint64_t stream_id, std::function<void(Session&)> fn);

  // Records a live session so that Stop can close it, and admits it if fewer than
  // options().max_connections admitted sessions are open (0 = no cap). A session over the
  // cap is recorded but not counted. Once stopping, nothing is recorded (kStopping).
  Admission Register(Session* session, std::weak_ptr<Session> handle);
  void Unregister(Session* session);
  // The admitted sessions open right now.
  size_t open_connections();

  // Marks the server stopping; from here on Register and Dispatch refuse.
  void BeginStop();
  // The sessions alive right now.
  std::vector<std::shared_ptr<Session>> LiveSessions();
  // Blocks until no request is in flight, or `timeout` passes. Returns true if drained.
  bool WaitDrained(std::chrono::milliseconds timeout);
  // After the I/O threads have stopped: releases sessions still awaiting a response and
  // makes later responses no-ops.
  void Close();

 private:
  class ResponseSlot;
  struct LiveSession {
    std::weak_ptr<Session> handle;
    bool admitted;  // counted against max_connections
  };

  // Posts `response` to the session awaiting request `serial`; no-op if already answered
  // or closed. Any thread.
  void Respond(uint64_t serial, HttpResponse response);

  const ServerOptions options_;
  const Handler handler_;
  const Logger& logger_;
  std::atomic<bool> stopping_{false};

  std::mutex mu_;
  std::condition_variable drained_;
  bool closed_ = false;                                    // guarded by mu_
  uint64_t next_serial_ = 0;                               // guarded by mu_
  size_t in_flight_ = 0;                                   // guarded by mu_
  std::map<Session*, LiveSession> sessions_;               // guarded by mu_
  size_t admitted_ = 0;                                    // guarded by mu_
  std::map<uint64_t, std::shared_ptr<Session>> awaiting_;  // guarded by mu_
  struct StreamTarget {
    boost::asio::any_io_executor strand;
    std::weak_ptr<Session> session;
  };
  uint64_t next_stream_ = 0;                  // guarded by mu_
  std::map<uint64_t, StreamTarget> streams_;  // guarded by mu_
};

}  // namespace ferry::api::http
