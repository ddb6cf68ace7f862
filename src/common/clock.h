#pragma once
// Time as the API sees it: ISO-8601 UTC with millisecond precision and a 'Z' suffix.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ferry {

// Milliseconds since the Unix epoch.
using TimestampMs = int64_t;

// A source of time; injectable so tests can control it.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimestampMs NowMs() const = 0;
};

// The system wall clock.
class SystemClock final : public Clock {
 public:
  TimestampMs NowMs() const override;
};

// "2026-11-29T03:46:25.123Z"
std::string FormatIso8601(TimestampMs ms);

// Parses "YYYY-MM-DDTHH:MM:SS[.fff][Z|+00:00]"; nullopt when malformed.
std::optional<TimestampMs> ParseIso8601(std::string_view text);

}  // namespace ferry
