#include "synthetic_text.h"

#include <array>
#include <string_view>

namespace ferry::bench {
namespace {

constexpr std::array<std::string_view, 96> kVocabulary = {
    "river",   "harbour",   "ferry",      "bridge",    "signal",    "vector",    "engine",
    "morning", "evening",   "quiet",      "crowded",   "distant",   "northern",  "southern",
    "captain", "passenger", "ticket",     "timetable", "weather",   "storm",     "calm",
    "island",  "coast",     "lighthouse", "cargo",     "container", "crane",     "dock",
    "market",  "fisherman", "net",        "boat",      "sail",      "anchor",    "rope",
    "journey", "crossing",  "delay",      "schedule",  "arrival",   "departure", "platform",
    "city",    "village",   "mountain",   "valley",    "forest",    "meadow",    "stone",
    "library", "archive",   "document",   "record",    "index",     "search",    "query",
    "image",   "colour",    "texture",    "shadow",    "light",     "window",    "door",
    "people",  "children",  "teacher",    "student",   "lesson",    "story",     "history",
    "travels", "carries",   "waits",      "leaves",    "returns",   "watches",   "remembers",
    "slowly",  "quickly",   "often",      "rarely",    "always",    "never",     "together",
    "the",     "a",         "of",         "across",    "under",     "over",      "beside",
    "and",     "with",      "from",       "toward",    "into"};

// xorshift64*: small, fast and fully deterministic across platforms.
uint64_t Next(uint64_t& state) {
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return state * 0x2545F4914F6CDD1DULL;
}

}  // namespace

std::string SyntheticText(int64_t index) {
  uint64_t state = 0x9E3779B97F4A7C15ULL * static_cast<uint64_t>(index + 1) | 1;
  const size_t target = 300 + Next(state) % 301;  // 300–600 characters
  std::string text;
  text.reserve(target + 32);
  while (text.size() < target) {
    const uint64_t words = 6 + Next(state) % 9;
    for (uint64_t w = 0; w < words && text.size() < target; ++w) {
      std::string_view word = kVocabulary[Next(state) % kVocabulary.size()];
      if (w == 0) {
        text.push_back(static_cast<char>(word[0] - 'a' + 'A'));
        text.append(word.substr(1));
      } else {
        text.push_back(' ');
        text.append(word);
      }
    }
    text.append(". ");
  }
  text.pop_back();  // trailing space
  return text;
}

}  // namespace ferry::bench
