#include "extract/chunker.h"

#include <algorithm>
#include <cstddef>
#include <string>

#include "extract/extractor.h"

namespace ferry::extract {
namespace {

using Units = std::vector<std::string_view>;

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool IsTerminator(char c) { return c == '.' || c == '!' || c == '?'; }
// Closing quotes and brackets stay with the sentence they end: `He said "no."`.
bool IsCloser(char c) { return c == '"' || c == '\'' || c == ')' || c == ']'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

void AddTrimmed(std::string_view s, Units* out) {
  s = Trim(s);
  if (!s.empty()) out->push_back(s);
}

// True if the line starting at `pos` holds only whitespace up to its '\n'.
bool IsBlankLineAt(std::string_view text, size_t pos) {
  for (; pos < text.size() && text[pos] != '\n'; ++pos) {
    if (!IsSpace(text[pos])) return false;
  }
  return pos < text.size();
}

Units SplitCharacters(std::string_view text) {
  Units out;
  size_t start = 0;
  for (size_t i = 1; i <= text.size(); ++i) {
    // A code point ends where the next non-continuation byte (not 10xxxxxx) begins.
    if (i == text.size() || (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      out.push_back(text.substr(start, i - start));
      start = i;
    }
  }
  return out;
}

Units SplitWords(std::string_view text) {
  Units out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    const size_t start = i;
    while (i < text.size() && !IsSpace(text[i])) ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

Units SplitSentences(std::string_view text) {
  Units out;
  size_t start = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (IsTerminator(text[i])) {
      size_t end = i;
      while (end < text.size() && IsTerminator(text[end])) ++end;
      while (end < text.size() && IsCloser(text[end])) ++end;
      if (end == text.size() || IsSpace(text[end])) {
        AddTrimmed(text.substr(start, end - start), &out);
        start = end;
      }
      i = end;
      continue;
    }
    // A blank line ends a sentence too, so headings do not merge with what follows.
    if (text[i] == '\n' && IsBlankLineAt(text, i + 1)) {
      AddTrimmed(text.substr(start, i - start), &out);
      start = i + 1;
    }
    ++i;
  }
  AddTrimmed(text.substr(start), &out);
  return out;
}

Units SplitParagraphs(std::string_view text) {
  Units out;
  size_t para_start = std::string_view::npos;
  size_t line_start = 0;
  while (line_start <= text.size()) {
    size_t line_end = text.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = text.size();
    const bool blank = Trim(text.substr(line_start, line_end - line_start)).empty();
    if (!blank && para_start == std::string_view::npos) para_start = line_start;
    if (blank && para_start != std::string_view::npos) {
      AddTrimmed(text.substr(para_start, line_start - para_start), &out);
      para_start = std::string_view::npos;
    }
    line_start = line_end + 1;
  }
  if (para_start != std::string_view::npos) AddTrimmed(text.substr(para_start), &out);
  return out;
}

// Windows of `size` units starting every `stride` units, up to the first that reaches the
// end (REQUIRES: 1 <= stride <= size).
size_t WindowCount(size_t units, size_t size, size_t stride) {
  if (units == 0) return 0;
  if (units <= size) return 1;
  return 1 + (units - size + stride - 1) / stride;
}

// Bytes of every window joined by `separator`, in one pass (a running sum over the units
// a window holds); stops counting once past `limit`.
size_t WindowBytes(const Units& units, size_t size, size_t stride, size_t separator, size_t limit) {
  size_t total = 0;
  size_t window = 0;  // bytes of units [begin, added)
  size_t added = 0;
  for (size_t begin = 0; begin < units.size() && total <= limit; begin += stride) {
    const size_t end = std::min(begin + size, units.size());
    for (; added < end; ++added) window += units[added].size();
    total += window + (end - begin - 1) * separator;
    if (end == units.size()) break;
    for (size_t i = begin; i < begin + stride; ++i) window -= units[i].size();
  }
  return total;
}

Status CheckWindows(const Units& units, const ChunkOptions& options, std::string_view separator) {
  const size_t size = static_cast<size_t>(options.chunk_size);
  const size_t stride = size - static_cast<size_t>(options.chunk_overlap);
  const size_t count = WindowCount(units.size(), size, stride);
  if (count > kMaxDocumentsPerItem) {
    return Status::InvalidArgument("chunk_size " + std::to_string(size) + " with chunk_overlap " +
                                   std::to_string(options.chunk_overlap) + " makes " +
                                   std::to_string(count) +
                                   " chunks of this text, above the limit of " +
                                   std::to_string(kMaxDocumentsPerItem) + " per item");
  }
  const size_t bytes = WindowBytes(units, size, stride, separator.size(), kMaxBytesPerItem);
  if (bytes > kMaxBytesPerItem) {
    return Status::InvalidArgument(
        "the chunks of this text would hold more than " + std::to_string(kMaxBytesPerItem) +
        " bytes together, the limit per item (chunk_overlap repeats text in each next chunk)");
  }
  return Status::Ok();
}

Result<std::vector<std::string>> Window(const Units& units, const ChunkOptions& options,
                                        std::string_view separator) {
  FERRY_RETURN_IF_ERROR(CheckWindows(units, options, separator));
  std::vector<std::string> chunks;
  const size_t size = static_cast<size_t>(options.chunk_size);
  const size_t stride = size - static_cast<size_t>(options.chunk_overlap);
  for (size_t begin = 0; begin < units.size(); begin += stride) {
    const size_t end = std::min(begin + size, units.size());
    std::string chunk;
    for (size_t i = begin; i < end; ++i) {
      if (i > begin) chunk += separator;
      chunk += units[i];
    }
    if (!Trim(chunk).empty()) chunks.push_back(std::move(chunk));
    if (end == units.size()) break;
  }
  return chunks;
}

}  // namespace

std::optional<SplitBy> ParseSplitBy(std::string_view name) {
  if (name == "none") return SplitBy::kNone;
  if (name == "characters") return SplitBy::kCharacters;
  if (name == "words") return SplitBy::kWords;
  if (name == "sentences") return SplitBy::kSentences;
  if (name == "paragraphs") return SplitBy::kParagraphs;
  return std::nullopt;
}

Result<std::vector<std::string>> ChunkText(std::string_view text, const ChunkOptions& options) {
  switch (options.split_by) {
    case SplitBy::kNone:
      return std::vector<std::string>{std::string(text)};
    case SplitBy::kCharacters:
      return Window(SplitCharacters(text), options, "");
    case SplitBy::kWords:
      return Window(SplitWords(text), options, " ");
    case SplitBy::kSentences:
      return Window(SplitSentences(text), options, " ");
    case SplitBy::kParagraphs:
      return Window(SplitParagraphs(text), options, "\n\n");
  }
  return std::vector<std::string>{};
}

}  // namespace ferry::extract
