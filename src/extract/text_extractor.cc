#include "extract/text_extractor.h"

#include <cmath>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "extract/chunker.h"
#include "extract/feature_math.h"
#include "extract/parameters.h"

namespace ferry::extract {
namespace {

// Seeds keep feature families apart: the unigram "new" and the trigram "new" must not
// share buckets by construction.
constexpr uint64_t kTrigramSeed = 0x7431;
constexpr uint64_t kUnigramSeed = 0x7521;
constexpr uint64_t kBigramSeed = 0x7522;
constexpr uint64_t kFourgramSeed = 0x7541;

// v2 layout: word features first, then the character 4-gram block.
constexpr size_t kV2WordDims = 320;
constexpr double kV2BigramWeight = 0.7;  // pairs refine, words carry the meaning
constexpr double kV2CharBlockWeight = 0.5;

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
// Hand-written ASCII classes: <cctype> depends on the process locale.
bool IsAsciiAlnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsAsciiPunct(unsigned char c) { return c > ' ' && c < 0x7F && !IsAsciiAlnum(c); }
// Bytes >= 0x80 belong to UTF-8 letters, so non-ASCII text still forms words.
bool IsWordByte(unsigned char c) { return c >= 0x80 || IsAsciiAlnum(c); }
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

// Whitespace-separated tokens, lowercased, with surrounding punctuation removed unless
// the token is nothing but punctuation ("hello," -> "hello", "!!!" stays).
std::vector<std::string> SpaceTokens(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    size_t start = i;
    while (i < text.size() && !IsSpace(text[i])) ++i;
    if (i == start) break;
    size_t b = start, e = i;
    while (b < e && IsAsciiPunct(text[b])) ++b;
    while (e > b && IsAsciiPunct(text[e - 1])) --e;
    if (b == e) {
      b = start;
      e = i;
    }
    out.push_back(LowerAscii(text.substr(b, e - b)));
  }
  return out;
}

// Maximal runs of word bytes, lowercased.
std::vector<std::string> WordTokens(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !IsWordByte(text[i])) ++i;
    size_t start = i;
    while (i < text.size() && IsWordByte(text[i])) ++i;
    if (i > start) out.push_back(LowerAscii(text.substr(start, i - start)));
  }
  return out;
}

double SublinearTf(int count) { return 1.0 + std::log(static_cast<double>(count)); }

// Adds every n-gram of `s` with weight 1 + ln(count).
void AddCharNgrams(std::string_view s, size_t n, uint64_t seed, std::span<double> out) {
  std::map<std::string_view, int> counts;
  for (size_t i = 0; i + n <= s.size(); ++i) ++counts[s.substr(i, n)];
  for (const auto& [gram, count] : counts) AddHashedFeature(gram, seed, SublinearTf(count), out);
}

void AddWordNgrams(const std::vector<std::string>& words, std::span<double> out) {
  std::map<std::string, int> unigrams, bigrams;
  for (size_t i = 0; i < words.size(); ++i) {
    ++unigrams[words[i]];
    if (i + 1 < words.size()) ++bigrams[words[i] + " " + words[i + 1]];
  }
  for (const auto& [w, c] : unigrams) AddHashedFeature(w, kUnigramSeed, SublinearTf(c), out);
  for (const auto& [w, c] : bigrams) {
    AddHashedFeature(w, kBigramSeed, kV2BigramWeight * SublinearTf(c), out);
  }
}

}  // namespace

std::vector<float> EmbedTextV1(std::string_view text) {
  std::vector<double> v(kTextV1Dimensions, 0.0);
  for (const std::string& token : SpaceTokens(text)) {
    const std::string padded = "<" + token + ">";
    for (size_t i = 0; i + 3 <= padded.size(); ++i) {
      AddHashedFeature(std::string_view(padded).substr(i, 3), kTrigramSeed, 1.0, v);
    }
  }
  return ToUnitFloats(std::move(v));
}

std::vector<float> EmbedTextV2(std::string_view text) {
  std::vector<double> v(kTextV2Dimensions, 0.0);
  std::span<double> words(v.data(), kV2WordDims);
  std::span<double> chars(v.data() + kV2WordDims, v.size() - kV2WordDims);
  AddWordNgrams(WordTokens(text), words);
  NormalizeL2(words);

  std::string normalized = " ";
  for (const std::string& token : SpaceTokens(text)) normalized += token + " ";
  AddCharNgrams(normalized, 4, kFourgramSeed, chars);
  if (NormalizeL2(chars)) {
    for (double& x : chars) x *= kV2CharBlockWeight;
  }
  return ToUnitFloats(std::move(v));
}

namespace {

const std::vector<std::string_view> kSplitByValues = {
    "characters", "words", "sentences", "paragraphs", "pages", "time_segments", "none"};
constexpr int64_t kMaxChunkSize = 10000;
constexpr int64_t kMaxChunkOverlap = 5000;
constexpr int64_t kDefaultChunkSize = 1000;

// Parses TextExtractorParams (Mixpeek names). extractor_type, source_type and language
// are accepted for compatibility and do not change the output.
Result<ChunkOptions> ParseTextParams(const model::Value& params) {
  FERRY_ASSIGN_OR_RETURN(ParameterReader reader, ParameterReader::Create(params));
  FERRY_RETURN_IF_ERROR(reader.CheckKnownKeys(
      {"split_by", "chunk_size", "chunk_overlap", "extractor_type", "source_type", "language"}));
  FERRY_RETURN_IF_ERROR(reader.String("extractor_type", {"text_extractor"}, "").status());
  FERRY_RETURN_IF_ERROR(reader.String("source_type", {"text"}, "").status());
  FERRY_RETURN_IF_ERROR(reader.String("language", {}, "").status());
  FERRY_ASSIGN_OR_RETURN(std::string split_by, reader.String("split_by", kSplitByValues, "none"));
  std::optional<SplitBy> parsed = ParseSplitBy(split_by);
  if (!parsed) {
    return Status::InvalidArgument("parameters.split_by \"" + split_by +
                                   "\" is not supported for text input");
  }
  FERRY_ASSIGN_OR_RETURN(int64_t size,
                         reader.Int("chunk_size", 1, kMaxChunkSize, kDefaultChunkSize));
  FERRY_ASSIGN_OR_RETURN(int64_t overlap, reader.Int("chunk_overlap", 0, kMaxChunkOverlap, 0));
  ChunkOptions options;
  options.split_by = *parsed;
  options.chunk_size = static_cast<int>(size);
  options.chunk_overlap = static_cast<int>(overlap);
  if (options.split_by != SplitBy::kNone && options.chunk_overlap >= options.chunk_size) {
    return Status::InvalidArgument(
        "parameters.chunk_overlap must be less than parameters.chunk_size");
  }
  return options;
}

model::Value TextParameterSchema() {
  std::vector<std::string_view> supported;
  for (std::string_view s : kSplitByValues) {
    if (ParseSplitBy(s)) supported.push_back(s);
  }
  model::ValueObject props;
  props.Set("split_by", StringProperty(supported, "none"));
  props.Set("chunk_size", IntegerProperty(1, kMaxChunkSize, kDefaultChunkSize));
  props.Set("chunk_overlap", IntegerProperty(0, kMaxChunkOverlap, 0));
  props.Set("extractor_type", StringProperty({"text_extractor"}, nullptr));
  props.Set("source_type", StringProperty({"text"}, nullptr));
  props.Set("language", StringProperty({}, nullptr));
  return ObjectSchema(std::move(props));
}

model::Value TextDefaultParameters() {
  model::ValueObject o;
  o.Set("split_by", "none");
  o.Set("chunk_size", kDefaultChunkSize);
  o.Set("chunk_overlap", 0);
  return o;
}

bool IsBlank(std::string_view text) {
  for (char c : text) {
    if (!IsSpace(c)) return false;
  }
  return true;
}

using EmbedFn = std::vector<float> (*)(std::string_view);

class TextExtractor final : public FeatureExtractor {
 public:
  TextExtractor(ExtractorInfo info, EmbedFn embed) : info_(std::move(info)), embed_(embed) {}

  const ExtractorInfo& info() const override { return info_; }

  Status ValidateParameters(const model::Value& params) const override {
    return ParseTextParams(params).status();
  }

  Result<std::vector<ExtractedDocument>> Extract(const ExtractorInput& input,
                                                 const model::Value& params) const override {
    FERRY_ASSIGN_OR_RETURN(ChunkOptions options, ParseTextParams(params));
    if (IsBlank(input.text)) return Status::InvalidArgument("text input is empty");
    FERRY_ASSIGN_OR_RETURN(std::vector<std::string> chunks, ChunkText(input.text, options));
    std::vector<ExtractedDocument> docs;
    docs.reserve(chunks.size());
    for (size_t i = 0; i < chunks.size(); ++i) {
      ExtractedDocument doc;
      doc.embedding = embed_(chunks[i]);
      model::ValueObject fields;
      fields.Set("text", std::move(chunks[i]));
      if (options.split_by != SplitBy::kNone) {
        fields.Set("chunk_index", static_cast<int64_t>(i));
        fields.Set("chunk_count", static_cast<int64_t>(chunks.size()));
      }
      doc.fields = std::move(fields);
      docs.push_back(std::move(doc));
    }
    return docs;
  }

 private:
  ExtractorInfo info_;
  EmbedFn embed_;
};

ExtractorInfo TextInfo(std::string version, int dimensions, std::string description) {
  ExtractorInfo info;
  info.name = "text_extractor";
  info.version = std::move(version);
  info.description = std::move(description);
  info.input_name = "text";
  info.input_type = "text";
  info.dimensions = dimensions;
  info.parameter_schema = TextParameterSchema();
  info.default_parameters = TextDefaultParameters();
  return info;
}

}  // namespace

std::unique_ptr<FeatureExtractor> NewTextExtractorV1() {
  return std::make_unique<TextExtractor>(
      TextInfo("v1", kTextV1Dimensions,
               "Character-trigram hashing embedding, 256 dimensions. The text is split on "
               "whitespace, each word ASCII-lowercased, stripped of surrounding punctuation "
               "and padded with '<' and '>'; every character trigram adds +1 or -1 (sign from "
               "the hash) to one of 256 buckets chosen by a stable 64-bit hash (FNV-1a with a "
               "Murmur finaliser). The vector is L2-normalised. Tolerant of typos and "
               "inflection, blind to word order. Deterministic, CPU only."),
      &EmbedTextV1);
}

std::unique_ptr<FeatureExtractor> NewTextExtractorV2() {
  return std::make_unique<TextExtractor>(
      TextInfo("v2", kTextV2Dimensions,
               "Word n-gram hashing embedding, 384 dimensions. Words (runs of letters and "
               "digits, ASCII-lowercased) and adjacent word pairs are weighted by sublinear "
               "term frequency 1 + ln(tf), pairs at 0.7, and signed-hashed into the first 320 "
               "dimensions; character 4-grams of the whitespace-normalised text fill the last "
               "64 dimensions at half weight. Each block is L2-normalised, then the whole "
               "vector. Captures local word order; not comparable with v1. Deterministic, CPU "
               "only."),
      &EmbedTextV2);
}

}  // namespace ferry::extract
