#pragma once
// A Server-Sent Events parser (the WHATWG event-stream format): bytes in, in any pieces;
// complete events out. Comment lines (": keep-alive") are counted, not events. Pure.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace ferry::cli {

struct SseEvent {
  std::string id;     // the event's id (the last one seen when the event has none)
  std::string event;  // "message" when the event named none
  std::string data;   // data lines joined with '\n'
};

class SseParser {
 public:
  explicit SseParser(std::function<void(const SseEvent&)> on_event)
      : on_event_(std::move(on_event)) {}

  // Feeds a piece of the stream; calls on_event for every event it completes.
  void Feed(std::string_view bytes);
  int64_t comments() const { return comments_; }

 private:
  void Line(std::string_view line);
  void Dispatch();

  std::function<void(const SseEvent&)> on_event_;
  std::string buffer_;
  bool skip_lf_ = false;  // the last line ended with CR: a following LF belongs to it
  std::string last_id_;
  std::string event_;
  std::string data_;
  bool has_data_ = false;
  int64_t comments_ = 0;
};

}  // namespace ferry::cli
