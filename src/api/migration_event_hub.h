#pragma once
// MigrationEventHub: the live event streams of GET /v1/namespaces/migrations/{id}/events
// (a Ferry extension; Server-Sent Events). One thread serves every stream: each tick
// (250 ms, so at most 4 events a second on a stream) it reads the state of each watched
// migration once — from this process's status board while the migration runs here, else
// from the catalog, so every process of a deployment serves the same events — and writes
// an event to each stream whose last event showed another state. A terminal state is sent
// as `end` and ends the stream; a stream with nothing new gets a keep-alive comment every
// 15 s. An event's id is a digest of the state's JSON, so a client that reconnects with
// Last-Event-ID (to any process) is not sent the state it already has.
//
// Thread-safe. Built by app/ (daemon) and stopped before the HTTP server.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "api/http/message.h"
#include "common/logging.h"
#include "common/result.h"
#include "model/migration.h"
#include "service/service_deps.h"

namespace ferry::api {

// One state of a migration, as an event.
struct MigrationEvent {
  std::string id;    // digest of `json`
  std::string json;  // the body GET /v1/namespaces/migrations/{id} answers, on one line
  bool terminal = false;

  static MigrationEvent Of(const model::Migration& migration);
  // The SSE text: "id: …\nevent: migration|end\ndata: …\n\n".
  std::string Format() const;
};

class MigrationEventHub {
 public:
  // Reads the current state of a migration for a caller (NotFound when it is gone).
  using StateReader = std::function<Result<std::shared_ptr<const model::Migration>>(
      const service::Caller&, const std::string& migration_id)>;
  struct Options {
    std::chrono::milliseconds tick{250};
    std::chrono::milliseconds keep_alive{15'000};
    size_t max_streams = 1024;
  };

  MigrationEventHub(StateReader reader, const Logger& logger, Options options);
  explicit MigrationEventHub(StateReader reader, const Logger& logger)
      : MigrationEventHub(std::move(reader), logger, Options{}) {}
  ~MigrationEventHub();  // Stop()
  MigrationEventHub(const MigrationEventHub&) = delete;
  MigrationEventHub& operator=(const MigrationEventHub&) = delete;

  // Ends every stream and stops the thread; later Adds end their stream at once.
  // Idempotent.
  void Stop();

  // False when max_streams are open or once stopped (then answer 503).
  bool HasRoom() const;
  // Serves `stream` for `caller`: writes `first` at once unless its id is `last_event_id`
  // (a terminal `first` is always written, as `end`, and ends the stream); then the
  // migration's changes. Non-blocking: callable on an I/O thread.
  void Add(service::Caller caller, std::string migration_id, MigrationEvent first,
           const std::string& last_event_id, std::shared_ptr<http::BodyStream> stream);
  // Streams being served now.
  size_t streams() const;

 private:
  struct Watcher {
    service::Caller caller;
    std::string migration_id;
    std::string last_id;
    std::shared_ptr<http::BodyStream> stream;
    std::chrono::steady_clock::time_point last_write;
    bool done = false;
  };
  using Watchers = std::vector<std::shared_ptr<Watcher>>;

  void Loop();
  // Reads each watched migration once and writes what changed.
  void Poll(const Watchers& watchers);
  void Send(Watcher& w, const MigrationEvent& event);

  const StateReader reader_;
  const Logger& logger_;
  const Options options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  Watchers watchers_;      // guarded by mu_
  std::thread thread_;
};

}  // namespace ferry::api
