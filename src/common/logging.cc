#include "common/logging.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "common/clock.h"

namespace ferry {

Logger::Logger(LogLevel min_level)
    : sink_(std::make_shared<spdlog::logger>("ferry",
                                             std::make_shared<spdlog::sinks::stderr_sink_mt>())),
      min_level_(min_level) {
  sink_->set_pattern("%v");
  sink_->flush_on(spdlog::level::info);
}

Logger::~Logger() = default;

void Logger::Log(LogLevel level, std::string_view message, const LogFields& fields) const {
  if (level < min_level_) return;
  static constexpr const char* kNames[] = {"debug", "info", "warn", "error"};
  std::string line = "{\"ts\":\"" + FormatIso8601(SystemClock().NowMs()) + "\",\"level\":\"" +
                     kNames[static_cast<int>(level)] + "\",\"msg\":\"" + JsonEscape(message) + "\"";
  for (const auto& [k, v] : fields) {
    line += ",\"" + JsonEscape(k) + "\":\"" + JsonEscape(v) + "\"";
  }
  line += "}";
  sink_->info(line);
}

LogLevel ParseLogLevel(std::string_view name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "warn") return LogLevel::kWarn;
  if (name == "error") return LogLevel::kError;
  return LogLevel::kInfo;
}

std::string JsonEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

}  // namespace ferry
