#include "process_memory.h"

#include <sys/resource.h>

#include <fstream>
#include <string>

namespace ferry::bench {
namespace {

// The value in KiB of a "Key:   1234 kB" line of /proc/self/status.
std::optional<int64_t> StatusField(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) != 0) continue;
    return std::stoll(line.substr(key.size() + 1));
  }
  return std::nullopt;
}

}  // namespace

int64_t PeakRssKib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;  // KiB on Linux
}

std::optional<int64_t> CurrentRssKib() { return StatusField("VmRSS"); }

std::optional<int64_t> HighWaterRssKib() { return StatusField("VmHWM"); }

bool ResetHighWaterRss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return out.good();
}

}  // namespace ferry::bench
