#pragma once
// Splits text into overlapping chunks of whole units (characters, words, sentences or
// paragraphs) for extractors that emit one document per chunk.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace ferry::extract {

enum class SplitBy { kNone, kCharacters, kWords, kSentences, kParagraphs };

struct ChunkOptions {
  SplitBy split_by = SplitBy::kNone;  // default: the whole text is one chunk
  int chunk_size = 1000;              // units per chunk; default 1000
  int chunk_overlap = 0;              // units shared by consecutive chunks; default 0
};

// "none", "characters", "words", "sentences", "paragraphs"; nullopt for anything else
// (including the Mixpeek values "pages" and "time_segments", which need non-text input).
std::optional<SplitBy> ParseSplitBy(std::string_view name);

// Units and how chunks are joined back together:
//   characters  UTF-8 code points, concatenated verbatim;
//   words       runs of non-whitespace, joined by " ";
//   sentences   text up to and including a run of . ! ? followed by whitespace, or up to
//               a blank line; trimmed, joined by " ";
//   paragraphs  runs of non-blank lines, trimmed, joined by "\n\n".
// Windows of chunk_size units start every chunk_size - chunk_overlap units; the last
// window is the first one that reaches the end of the text. Chunks that are empty or
// only whitespace are dropped. kNone returns the text unchanged as one chunk.
// InvalidArgument, before any chunk is built, when the windows would be more than
// kMaxDocumentsPerItem or hold more than kMaxBytesPerItem bytes together (extractor.h).
// REQUIRES: chunk_size >= 1 and 0 <= chunk_overlap < chunk_size unless kNone.
Result<std::vector<std::string>> ChunkText(std::string_view text, const ChunkOptions& options);

}  // namespace ferry::extract
