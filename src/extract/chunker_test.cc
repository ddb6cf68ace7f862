#include "extract/chunker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "extract/extractor.h"

namespace ferry::extract {
namespace {

using ::testing::ElementsAre;

using ::testing::HasSubstr;

std::vector<std::string> Chunk(std::string_view text, SplitBy by, int size, int overlap) {
  auto chunks = ChunkText(text, ChunkOptions{by, size, overlap});
  EXPECT_TRUE(chunks.ok()) << chunks.status().message();
  return chunks.ok() ? *chunks : std::vector<std::string>{};
}

Status ChunkError(std::string_view text, SplitBy by, int size, int overlap) {
  auto chunks = ChunkText(text, ChunkOptions{by, size, overlap});
  return chunks.ok() ? Status::Ok() : chunks.status();
}

TEST(ChunkerTest, NoneReturnsTextUnchanged) {
  EXPECT_THAT(Chunk("  a b\n\nc  ", SplitBy::kNone, 1, 0), ElementsAre("  a b\n\nc  "));
}

TEST(ChunkerTest, CharactersWithoutOverlap) {
  EXPECT_THAT(Chunk("abcdefghij", SplitBy::kCharacters, 4, 0), ElementsAre("abcd", "efgh", "ij"));
}

TEST(ChunkerTest, CharactersWithOverlapStopAtFirstWindowReachingEnd) {
  // Stride 3: [0,4) [3,7) [6,10); no trailing "j" window.
  EXPECT_THAT(Chunk("abcdefghij", SplitBy::kCharacters, 4, 1), ElementsAre("abcd", "defg", "ghij"));
}

TEST(ChunkerTest, CharactersCountCodePointsNotBytes) {
  EXPECT_THAT(Chunk("h\xC3\xA9llo w\xC3\xB6rld", SplitBy::kCharacters, 5, 0),
              ElementsAre("h\xC3\xA9llo", " w\xC3\xB6rl", "d"));
}

TEST(ChunkerTest, CharactersDropWhitespaceOnlyChunks) {
  EXPECT_THAT(Chunk("ab    cd", SplitBy::kCharacters, 2, 0), ElementsAre("ab", "cd"));
}

TEST(ChunkerTest, WordsWithOverlap) {
  EXPECT_THAT(Chunk("one two  three\nfour five six seven", SplitBy::kWords, 3, 1),
              ElementsAre("one two three", "three four five", "five six seven"));
}

TEST(ChunkerTest, WordsShorterThanChunkGiveOneChunk) {
  EXPECT_THAT(Chunk("  just two  ", SplitBy::kWords, 10, 5), ElementsAre("just two"));
}

TEST(ChunkerTest, SentencesWithoutOverlap) {
  EXPECT_THAT(Chunk("First one. Second one!  Third one? Fourth.", SplitBy::kSentences, 2, 0),
              ElementsAre("First one. Second one!", "Third one? Fourth."));
}

TEST(ChunkerTest, SentencesWithOverlap) {
  EXPECT_THAT(Chunk("A. B. C. D.", SplitBy::kSentences, 2, 1),
              ElementsAre("A. B.", "B. C.", "C. D."));
}

TEST(ChunkerTest, SentenceBoundariesNeedFollowingSpaceAndKeepClosers) {
  // "3.14" does not end a sentence; the closing quote stays with its sentence.
  EXPECT_THAT(Chunk("Pi is 3.14 roughly. He said \"no.\" Then left", SplitBy::kSentences, 1, 0),
              ElementsAre("Pi is 3.14 roughly.", "He said \"no.\"", "Then left"));
}

TEST(ChunkerTest, BlankLineEndsSentence) {
  EXPECT_THAT(Chunk("Heading\n\nBody text. More", SplitBy::kSentences, 1, 0),
              ElementsAre("Heading", "Body text.", "More"));
}

TEST(ChunkerTest, Paragraphs) {
  const char* text = "Para one.\n\nPara two\nstill two.\n \t\n\nPara three.\n";
  EXPECT_THAT(Chunk(text, SplitBy::kParagraphs, 1, 0),
              ElementsAre("Para one.", "Para two\nstill two.", "Para three."));
  EXPECT_THAT(
      Chunk(text, SplitBy::kParagraphs, 2, 1),
      ElementsAre("Para one.\n\nPara two\nstill two.", "Para two\nstill two.\n\nPara three."));
}

TEST(ChunkerTest, WhitespaceOnlyTextGivesNoChunks) {
  EXPECT_TRUE(Chunk(" \n\t ", SplitBy::kWords, 3, 0).empty());
  EXPECT_TRUE(Chunk(" \n\t ", SplitBy::kSentences, 3, 0).empty());
  EXPECT_TRUE(Chunk(" \n\t ", SplitBy::kParagraphs, 3, 0).empty());
  EXPECT_TRUE(Chunk(" \n\t ", SplitBy::kCharacters, 3, 0).empty());
}

// Regression: words, chunk_size 5001, chunk_overlap 5000 over a 1 MB text made ~500 000
// chunks of ~10 KB each (5 GB); refused before any chunk is built.
TEST(ChunkerTest, TooManyChunksFailTheItem) {
  std::string text;
  for (int i = 0; i < 500'000; ++i) text += "a ";
  Status st = ChunkError(text, SplitBy::kWords, 5001, 5000);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(),
            "chunk_size 5001 with chunk_overlap 5000 makes 495000 chunks of this text, above the "
            "limit of 10000 per item");
  // The limit itself is allowed: 10 000 one-character chunks, not 10 001.
  EXPECT_EQ(Chunk(std::string(kMaxDocumentsPerItem, 'x'), SplitBy::kCharacters, 1, 0).size(),
            kMaxDocumentsPerItem);
  EXPECT_THAT(
      ChunkError(std::string(kMaxDocumentsPerItem + 1, 'x'), SplitBy::kCharacters, 1, 0).message(),
      HasSubstr("makes 10001 chunks"));
}

// Few chunks can still be large: 5 001 windows of 10 000 words of 40 bytes (a 600 KB text)
// would be 2 GB, as would 10 000 windows of 10 000 four-byte characters (80 KB).
TEST(ChunkerTest, TooManyBytesOfChunksFailTheItem) {
  std::string words;
  for (int i = 0; i < 15'000; ++i) words += std::string(40, 'w') + " ";
  std::string emoji;
  for (int i = 0; i < 19'999; ++i) emoji += "\xF0\x9F\x98\x80";
  for (const Status& st : {ChunkError(words, SplitBy::kWords, 10000, 9999),
                           ChunkError(emoji, SplitBy::kCharacters, 10000, 9999)}) {
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(st.message(), HasSubstr("would hold more than 268435456 bytes together"));
  }
  // The same texts in windows that do not repeat them are fine.
  EXPECT_EQ(Chunk(words, SplitBy::kWords, 10000, 0).size(), 2u);
  EXPECT_EQ(Chunk(emoji, SplitBy::kCharacters, 10000, 5000).size(), 3u);
}

TEST(ChunkerTest, ParseSplitBy) {
  EXPECT_EQ(ParseSplitBy("words"), SplitBy::kWords);
  EXPECT_EQ(ParseSplitBy("none"), SplitBy::kNone);
  EXPECT_EQ(ParseSplitBy("pages"), std::nullopt);
  EXPECT_EQ(ParseSplitBy("Words"), std::nullopt);
}

}  // namespace
}  // namespace ferry::extract
