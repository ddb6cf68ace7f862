#pragma once
// What `ferry migrations watch` draws from a migration's JSON (the body of GET
// /v1/namespaces/migrations/{id}): the live view of a terminal (overall bar with percent,
// items/s and ETA; one bar per stage; the busiest resources; failures so far) and the
// one-line form for logs. Pure: the caller owns the clock and the output.

#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace ferry::cli {

// Items done over the stages of a migration, and how many there are.
struct ItemCounts {
  int64_t done = 0;
  int64_t total = 0;
  int64_t failed = 0;
};
ItemCounts CountItems(const boost::json::value& migration);

// Items per second over the last `window` of samples.
class RateMeter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RateMeter(std::chrono::seconds window = std::chrono::seconds(10)) : window_(window) {}
  void Add(Clock::time_point at, int64_t done);
  // Nothing until two samples at least 100 ms apart.
  std::optional<double> PerSecond() const;

 private:
  std::chrono::seconds window_;
  std::deque<std::pair<Clock::time_point, int64_t>> samples_;
};

// "[#####-----]" with `width` cells between the brackets; percent is clamped to 0–100.
std::string Bar(double percent, int width);
// "1:02:03", "2:03", "0:05"; "--" when unknown.
std::string FormatEta(std::optional<double> seconds);
// Seconds left for `counts` at `rate` items/s; nullopt when it cannot be told.
std::optional<double> EtaSeconds(const ItemCounts& counts, std::optional<double> rate);

// The terminal view, one string per line (no newline), at most `width` columns wide.
std::vector<std::string> RenderFrame(const boost::json::value& migration,
                                     std::optional<double> rate, int width);
// The escape sequences that take the cursor back over `previous_lines` lines drawn
// before and clear them ("" when 0), followed by `frame`, each line ending in '\n'.
std::string Redraw(size_t previous_lines, const std::vector<std::string>& frame);

// The log form: "mig_… in_progress 42.0% stage=batch_processing items=70/200 failed=2".
std::string RenderLine(const boost::json::value& migration);

}  // namespace ferry::cli
