#pragma once
// `ferry migrations watch ID`: follows a migration until it ends, through the event
// stream GET /v1/namespaces/migrations/{id}/events (Server-Sent Events), falling back to
// polling GET /v1/namespaces/migrations/{id} every second when the stream answers 404 or
// breaks (the stream is retried, with Last-Event-ID, after each poll that follows a
// break). On a terminal it redraws the live view in place at most every 250 ms; otherwise
// it prints one line per change. Returns the exit code (exit_codes.h).

#include <chrono>
#include <functional>
#include <iosfwd>
#include <string>

#include "cli/api_client.h"

namespace ferry::cli {

struct WatchOptions {
  bool tty = false;  // live view (redraws) instead of one line per change
  int width = 100;   // columns of the terminal
  std::chrono::milliseconds redraw_interval{250};
  std::chrono::milliseconds poll_interval{1000};
  // A stream with no byte for this long (keep-alives come every 15 s) counts as broken.
  std::chrono::milliseconds idle_timeout{45000};
};

// `interrupted` is polled often (Ctrl-C): when it turns true, watching stops, a line says
// the migration keeps running, and the result is kExitInterrupted; the migration is left
// alone. Views go to `out`, errors and notes to `err`.
int WatchMigration(const ApiClient& api, const std::string& id, const WatchOptions& options,
                   const std::function<bool()>& interrupted, std::ostream& out, std::ostream& err);

}  // namespace ferry::cli
