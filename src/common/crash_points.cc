#include "common/crash_points.h"

#include <csignal>
#include <cstdlib>

namespace ferry {

Result<std::unique_ptr<CrashPoints>> CrashPoints::Parse(std::string_view spec) {
  auto points = std::make_unique<CrashPoints>();
  while (!spec.empty()) {
    size_t comma = spec.find(',');
    std::string_view item = spec.substr(0, comma);
    spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
    size_t eq = item.find('=');
    if (eq == 0 || eq == std::string_view::npos) {
      return Status::InvalidArgument("crash point '" + std::string(item) + "' is not name=N");
    }
    std::string count(item.substr(eq + 1));
    char* end = nullptr;
    long long n = std::strtoll(count.c_str(), &end, 10);
    if (count.empty() || *end != '\0' || n < 1) {
      return Status::InvalidArgument("crash point '" + std::string(item) + "' needs N >= 1");
    }
    points->remaining_[std::string(item.substr(0, eq))] = std::make_unique<std::atomic<int64_t>>(n);
  }
  return points;
}

void CrashPoints::Reached(std::string_view name) const {
  if (remaining_.empty()) return;
  auto it = remaining_.find(name);
  if (it == remaining_.end()) return;
  if (it->second->fetch_sub(1) == 1) std::raise(SIGKILL);
}

}  // namespace ferry
