#pragma once
// Resident memory of this process, from getrusage and /proc/self.

#include <cstdint>
#include <optional>

namespace ferry::bench {

// Peak resident set size of the whole process so far (getrusage ru_maxrss), in KiB.
// Monotonic: compare different N only across separate processes.
int64_t PeakRssKib();

// Current resident set size (VmRSS), in KiB; nullopt when /proc is unavailable.
std::optional<int64_t> CurrentRssKib();

// High-water mark of the resident set (VmHWM), in KiB; nullopt when unavailable.
std::optional<int64_t> HighWaterRssKib();

// Resets VmHWM to the current RSS (writes "5" to /proc/self/clear_refs, Linux ≥ 4.0),
// so a phase's own peak can be read afterwards. False when the kernel refuses.
bool ResetHighWaterRss();

}  // namespace ferry::bench
