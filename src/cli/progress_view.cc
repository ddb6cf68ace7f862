#include "cli/progress_view.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "cli/json_access.h"
#include "cli/text.h"

namespace ferry::cli {
namespace json = boost::json;

namespace {

constexpr size_t kResourcesShown = 5;

std::string Percent(double p) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%5.1f%%", std::clamp(p, 0.0, 100.0));
  return buf;
}

std::string Pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string Clip(std::string s, int width) {
  if (width > 0 && s.size() > static_cast<size_t>(width)) s.resize(static_cast<size_t>(width));
  return s;
}

std::string FormatRate(std::optional<double> rate) {
  if (!rate) return "-- items/s";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f items/s", *rate);
  return buf;
}

int BarWidth(int width, int reserved) { return std::clamp(width - reserved, 10, 40); }

std::string StageLine(const json::value& s, int width) {
  std::string line =
      Cat("  ", Pad(Str(s, "stage"), 21), " ", Bar(Num(s, "progress_percent"), BarWidth(width, 66)),
          " ", Percent(Num(s, "progress_percent")), "  ", Pad(Str(s, "status"), 11));
  const int64_t total = Int(s, "items_total");
  if (total > 0) {
    line += Cat(" ", std::to_string(Int(s, "items_completed")), "/", std::to_string(total));
  }
  if (Int(s, "items_failed") > 0) {
    line += Cat(" failed ", std::to_string(Int(s, "items_failed")));
  }
  return line;
}

int StatusRank(const std::string& status) {
  if (status == "in_progress") return 0;
  if (status == "failed") return 1;
  if (status == "pending" || status == "draft") return 2;
  return 3;  // completed, cancelled
}

void AddResources(const json::value& migration, int width, std::vector<std::string>* out) {
  std::vector<const json::value*> resources;
  for (const auto& r : Arr(Member(migration, "progress"), "resources")) {
    resources.push_back(&r);
  }
  if (resources.empty()) return;
  std::stable_sort(resources.begin(), resources.end(), [](const auto* a, const auto* b) {
    const int ra = StatusRank(Str(*a, "status"));
    const int rb = StatusRank(Str(*b, "status"));
    if (ra != rb) return ra < rb;
    return Num(*a, "progress_percent") > Num(*b, "progress_percent");
  });
  out->push_back(Cat("resources (busiest first, ", std::to_string(resources.size()), "):"));
  for (size_t i = 0; i < std::min(resources.size(), kResourcesShown); ++i) {
    const json::value& r = *resources[i];
    out->push_back(Cat("  ", Pad(Str(r, "resource_id"), 24), " ", Pad(Str(r, "resource_type"), 10),
                       " ", Bar(Num(r, "progress_percent"), BarWidth(width, 72)), " ",
                       Percent(Num(r, "progress_percent")), "  ", Str(r, "status")));
  }
  if (resources.size() > kResourcesShown) {
    out->push_back(Cat("  (+", std::to_string(resources.size() - kResourcesShown), " more)"));
  }
}

void AddFailures(const json::value& migration, const ItemCounts& counts,
                 std::vector<std::string>* out) {
  std::string line = Cat("failures: ", std::to_string(counts.failed), " item(s)");
  if (counts.failed > 0) {
    line += Cat(" (ferry migrations failed-items ", Str(migration, "migration_id"), ")");
  }
  out->push_back(line);
  if (!Str(migration, "error_message").empty()) {
    out->push_back(Cat("error: ", Str(migration, "error_message")));
  }
}

}  // namespace

ItemCounts CountItems(const json::value& migration) {
  ItemCounts counts;
  for (const auto& s : Arr(Member(migration, "progress"), "stages")) {
    counts.done += Int(s, "items_completed");
    counts.total += Int(s, "items_total");
    counts.failed += Int(s, "items_failed");
  }
  return counts;
}

void RateMeter::Add(Clock::time_point at, int64_t done) {
  samples_.emplace_back(at, done);
  while (samples_.size() > 2 && at - samples_[1].first >= window_) samples_.pop_front();
}

std::optional<double> RateMeter::PerSecond() const {
  if (samples_.size() < 2) return std::nullopt;
  const auto& [t0, d0] = samples_.front();
  const auto& [t1, d1] = samples_.back();
  const double seconds = std::chrono::duration<double>(t1 - t0).count();
  if (seconds < 0.1) return std::nullopt;
  return std::max<double>(0, static_cast<double>(d1 - d0) / seconds);
}

std::string Bar(double percent, int width) {
  const double p = std::isfinite(percent) ? std::clamp(percent, 0.0, 100.0) : 0.0;
  const int filled = static_cast<int>(std::lround(p / 100.0 * width));
  std::string bar(1, '[');
  bar.append(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(width - filled), '-');
  bar += ']';
  return bar;
}

std::string FormatEta(std::optional<double> seconds) {
  if (!seconds || !std::isfinite(*seconds) || *seconds < 0 || *seconds > 360000 * 24) return "--";
  const int64_t s = std::llround(*seconds);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof(buf), "%lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                  static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  } else {
    std::snprintf(buf, sizeof(buf), "%lld:%02lld", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  }
  return buf;
}

std::optional<double> EtaSeconds(const ItemCounts& counts, std::optional<double> rate) {
  if (counts.total <= 0) return std::nullopt;
  const int64_t left = std::max<int64_t>(0, counts.total - counts.done - counts.failed);
  if (left == 0) return 0.0;
  if (!rate || *rate <= 0) return std::nullopt;
  return static_cast<double>(left) / *rate;
}

std::vector<std::string> RenderFrame(const json::value& migration, std::optional<double> rate,
                                     int width) {
  const json::value& p = Member(migration, "progress");
  const ItemCounts counts = CountItems(migration);
  std::vector<std::string> lines;
  std::string stage = Str(p, "current_stage");
  lines.push_back(Cat(Str(migration, "migration_id"), "  ",
                      Str(Member(migration, "config"), "migration_type"), "  ",
                      Str(migration, "status"), stage.empty() ? "" : "  stage ", stage));
  lines.push_back(Cat("overall ", Bar(Num(p, "overall_progress_percent"), BarWidth(width, 50)), " ",
                      Percent(Num(p, "overall_progress_percent")), "  ", FormatRate(rate), "  ETA ",
                      FormatEta(EtaSeconds(counts, rate))));
  for (const auto& s : Arr(p, "stages")) lines.push_back(StageLine(s, width));
  AddResources(migration, width, &lines);
  AddFailures(migration, counts, &lines);
  for (auto& line : lines) line = Clip(std::move(line), width);
  return lines;
}

std::string Redraw(size_t previous_lines, const std::vector<std::string>& frame) {
  std::string out;
  // Cursor to the start of the first line drawn before, then clear to the end of screen.
  if (previous_lines > 0) out += Cat("\x1b[", std::to_string(previous_lines), "F\x1b[J");
  for (const auto& line : frame) out += line + "\n";
  return out;
}

std::string RenderLine(const json::value& migration) {
  const json::value& p = Member(migration, "progress");
  const ItemCounts counts = CountItems(migration);
  char percent[16];
  std::snprintf(percent, sizeof(percent), "%.1f%%",
                std::clamp(Num(p, "overall_progress_percent"), 0.0, 100.0));
  std::string line =
      Str(migration, "migration_id") + " " + Str(migration, "status") + " " + percent;
  const std::string stage = Str(p, "current_stage");
  if (!stage.empty()) line += Cat(" stage=", stage);
  line += Cat(" items=", std::to_string(counts.done), "/", std::to_string(counts.total));
  line += Cat(" failed=", std::to_string(counts.failed));
  if (!Str(migration, "error_message").empty())
    line += Cat(" error=", Str(migration, "error_message"));
  return line;
}

}  // namespace ferry::cli
