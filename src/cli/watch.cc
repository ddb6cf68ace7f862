#include "cli/watch.h"

#include <optional>
#include <ostream>
#include <thread>

#include "cli/exit_codes.h"
#include "cli/json_access.h"
#include "cli/progress_view.h"
#include "cli/sse.h"
#include "codec/json_value.h"

namespace ferry::cli {
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

enum class StreamEnd { kTerminal, kNotAvailable, kBroken, kFailed, kInterrupted };

class Watcher {
 public:
  Watcher(const ApiClient& api, const std::string& id, const WatchOptions& options,
          const std::function<bool()>& interrupted, std::ostream& out, std::ostream& err)
      : api_(api), id_(id), options_(options), interrupted_(interrupted), out_(out), err_(err) {}

  int Run() {
    bool use_stream = true;
    while (true) {
      if (use_stream) {
        const StreamEnd end = StreamOnce();
        if (end == StreamEnd::kTerminal) return exit_code_;
        if (end == StreamEnd::kFailed) return exit_code_;
        if (end == StreamEnd::kInterrupted) return Interrupted();
        if (end == StreamEnd::kNotAvailable) {
          use_stream = false;
          if (!options_.tty) err_ << "event stream not available; polling every second\n";
        }
      }
      if (interrupted_()) return Interrupted();
      if (!PollOnce()) return exit_code_;
      if (exit_code_ >= 0) return exit_code_;
      if (!Wait(options_.poll_interval)) return Interrupted();
    }
  }

 private:
  // One connection to the event stream, until it ends.
  StreamEnd StreamOnce() {
    bool finished = false;
    SseParser parser([this, &finished](const SseEvent& e) {
      Result<json::value> m = codec::ParseBody(e.data);
      if (!m.ok() || !m->is_object()) return;
      last_event_id_ = e.id;
      Update(*m);
      finished = finished || exit_code_ >= 0;
    });
    http_client::StreamHandlers handlers{
        .on_data =
            [&parser, &finished](std::string_view data) {
              parser.Feed(data);
              return !finished;
            },
        .should_stop =
            [this] {
              Draw(false);
              return interrupted_();
            },
    };
    Result<ApiReply> reply =
        api_.Stream(MigrationEvents(id_), last_event_id_, handlers, options_.idle_timeout);
    if (finished) return StreamEnd::kTerminal;
    if (interrupted_()) return StreamEnd::kInterrupted;
    if (!reply.ok()) return StreamEnd::kBroken;
    if (reply->status == 404) return StreamEnd::kNotAvailable;
    if (!reply->ok()) {
      err_ << "error: " << DescribeError(reply->status, reply->body) << "\n";
      exit_code_ = kExitHttpError;
      return StreamEnd::kFailed;
    }
    return StreamEnd::kBroken;  // closed without the final event
  }

  // One GET; false when watching must end with exit_code_ (an error).
  bool PollOnce() {
    Result<ApiReply> reply = api_.Send(GetMigration(id_));
    if (!reply.ok()) {
      err_ << "error: " << DescribeTransportError(reply.status(), api_.connection().url) << "\n";
      exit_code_ = kExitUnreachable;
      return false;
    }
    if (!reply->ok()) {
      err_ << "error: " << DescribeError(reply->status, reply->body) << "\n";
      exit_code_ = kExitHttpError;
      return false;
    }
    Result<json::value> m = codec::ParseBody(reply->body);
    if (m.ok() && m->is_object()) Update(*m);
    return true;
  }

  void Update(const json::value& migration) {
    rate_.Add(Clock::now(), CountItems(migration).done);
    exit_code_ = ExitCodeForStatus(Str(migration, "status"));
    if (options_.tty) {
      pending_ = migration;
      Draw(exit_code_ >= 0);
      return;
    }
    std::string line = RenderLine(migration);
    if (line != last_line_) {
      out_ << line << "\n" << std::flush;
      last_line_ = std::move(line);
    }
  }

  // Draws the pending state when the last draw is old enough (or `force`).
  void Draw(bool force) {
    if (!pending_) return;
    const auto now = Clock::now();
    if (!force && drawn_lines_ > 0 && now - last_draw_ < options_.redraw_interval) return;
    const std::vector<std::string> frame =
        RenderFrame(*pending_, rate_.PerSecond(), options_.width);
    out_ << Redraw(drawn_lines_, frame) << std::flush;
    drawn_lines_ = frame.size();
    last_draw_ = now;
    pending_.reset();
  }

  // Waits `d`, drawing what is pending; false when interrupted.
  bool Wait(std::chrono::milliseconds d) {
    const auto until = Clock::now() + d;
    while (Clock::now() < until) {
      if (interrupted_()) return false;
      Draw(false);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return !interrupted_();
  }

  int Interrupted() {
    Draw(true);
    err_ << "\nstopped watching; migration " << id_ << " keeps running (see: ferry migrations get "
         << id_ << ")\n";
    return kExitInterrupted;
  }

  const ApiClient& api_;
  const std::string& id_;
  const WatchOptions& options_;
  const std::function<bool()>& interrupted_;
  std::ostream& out_;
  std::ostream& err_;
  int exit_code_ = -1;
  std::string last_event_id_;
  std::string last_line_;
  std::optional<json::value> pending_;
  size_t drawn_lines_ = 0;
  Clock::time_point last_draw_{};
  RateMeter rate_;
};

}  // namespace

int WatchMigration(const ApiClient& api, const std::string& id, const WatchOptions& options,
                   const std::function<bool()>& interrupted, std::ostream& out, std::ostream& err) {
  return Watcher(api, id, options, interrupted, out, err).Run();
}

}  // namespace ferry::cli
