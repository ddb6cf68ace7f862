#include "cli/sse.h"

namespace ferry::cli {

void SseParser::Feed(std::string_view bytes) {
  for (const char c : bytes) {
    if (skip_lf_) {
      skip_lf_ = false;
      if (c == '\n') continue;
    }
    if (c == '\r' || c == '\n') {
      skip_lf_ = c == '\r';
      Line(buffer_);
      buffer_.clear();
    } else {
      buffer_ += c;
    }
  }
}

void SseParser::Line(std::string_view line) {
  if (line.empty()) {
    Dispatch();
    return;
  }
  if (line.front() == ':') {
    ++comments_;
    return;
  }
  const size_t colon = line.find(':');
  std::string_view field = line.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (field == "data") {
    if (has_data_) data_ += '\n';
    data_.append(value);
    has_data_ = true;
  } else if (field == "event") {
    event_ = std::string(value);
  } else if (field == "id" && value.find('\0') == std::string_view::npos) {
    last_id_ = std::string(value);
  }
}

void SseParser::Dispatch() {
  if (has_data_) {
    on_event_(SseEvent{last_id_, event_.empty() ? "message" : event_, data_});
  }
  event_.clear();
  data_.clear();
  has_data_ = false;
}

}  // namespace ferry::cli
