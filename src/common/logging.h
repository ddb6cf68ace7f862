#pragma once
// Structured JSON logs (one object per line) on stderr, built on spdlog.
// A Logger is created by app/ and passed down; there is no global logger.

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spdlog {
class logger;
}

namespace ferry {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// Key/value pairs attached to a log line; values are written as JSON strings.
using LogFields = std::vector<std::pair<std::string, std::string>>;

class Logger {
 public:
  // Writes to stderr at `min_level` and above.
  explicit Logger(LogLevel min_level = LogLevel::kInfo);
  ~Logger();

  // Thread-safe.
  void Log(LogLevel level, std::string_view message, const LogFields& fields = {}) const;
  void Info(std::string_view m, const LogFields& f = {}) const { Log(LogLevel::kInfo, m, f); }
  void Warn(std::string_view m, const LogFields& f = {}) const { Log(LogLevel::kWarn, m, f); }
  void Error(std::string_view m, const LogFields& f = {}) const { Log(LogLevel::kError, m, f); }

 private:
  std::shared_ptr<spdlog::logger> sink_;
  LogLevel min_level_;
};

// Parses "debug" | "info" | "warn" | "error"; defaults to info.
LogLevel ParseLogLevel(std::string_view name);

// Escapes `s` for inclusion inside a JSON string literal.
std::string JsonEscape(std::string_view s);

}  // namespace ferry
