#pragma once
// Feature extractors: deterministic CPU functions from one source item (text or image
// bytes) to one or more documents, each with a unit-length float32 vector named
// "embedding". Versions of one extractor differ in design and dimension, so vectors of
// different versions never mix.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "model/extractor_info.h"
#include "model/value.h"

namespace ferry::extract {

// What one source item may produce, whatever the extractor: an item whose documents would
// be more than kMaxDocumentsPerItem, or hold more than kMaxBytesPerItem bytes of fields
// together, fails (InvalidArgument) and its batch goes on. Chunking multiplies an input
// (overlapping windows repeat units; include_all_source_fields repeats every source field
// in every chunk), so without them a 1 MB text could cost gigabytes. docs/api-limits.md.
inline constexpr size_t kMaxDocumentsPerItem = 10'000;
inline constexpr size_t kMaxBytesPerItem = size_t{256} * 1024 * 1024;

// What an extractor reads from a source object or document.
struct ExtractorInput {
  // Text content (for text extractors).
  std::string text;
  // Raw encoded bytes (for image extractors: JPEG or PNG).
  std::string bytes;
  // Declared MIME type, possibly empty; decoders sniff the bytes regardless.
  std::string mime_type;
};

// One output document of an extraction.
struct ExtractedDocument {
  // Fields the extractor contributes to the document, e.g. {"text": <chunk>,
  // "chunk_index": 0} for text, {"width": W, "height": H} for images.
  model::Value fields;
  // Unit-length (L2 norm 1 ± 1e-5) vector of ExtractorInfo::dimensions floats.
  std::vector<float> embedding;
};

// Static description of an extractor version (defined in model/ so the codec can show it).
using ExtractorInfo = model::ExtractorInfo;

class FeatureExtractor {
 public:
  virtual ~FeatureExtractor() = default;
  virtual const ExtractorInfo& info() const = 0;

  // Checks user parameters (an object or null) against this version's parameter
  // schema. InvalidArgument names the offending parameter, e.g.
  // "parameters.chunk_size must be between 1 and 10000".
  virtual Status ValidateParameters(const model::Value& params) const = 0;

  // Extracts documents from one input. REQUIRES: ValidateParameters(params).ok().
  // InvalidArgument when the input cannot be used (empty text, undecodable image);
  // the message says why. Deterministic: same input and params → same output.
  // Thread-safe (const, no shared mutable state).
  virtual Result<std::vector<ExtractedDocument>> Extract(const ExtractorInput& input,
                                                         const model::Value& params) const = 0;

  // Extracts several inputs: one result per input, in order; a bad input fails only its
  // own result. Extractors backed by a remote model send them in few requests; the
  // default calls Extract on each. Same requirements and guarantees as Extract.
  virtual std::vector<Result<std::vector<ExtractedDocument>>> ExtractBatch(
      const std::vector<ExtractorInput>& inputs, const model::Value& params) const;

  // Most inputs worth passing to one ExtractBatch call; 1 means batching gains nothing.
  virtual size_t max_batch_size() const { return 1; }

  // Throughput in items per second when the extractor knows it better than a local
  // benchmark would (a remote model); nullopt means "measure me by running Extract".
  virtual std::optional<double> KnownItemsPerSecond() const { return std::nullopt; }
};

// Settings of the built-in extractors.
struct BuiltinExtractorOptions {
  // Images whose header declares more pixels fail their item before decoding. Default
  // 40 MP (image_decoder.h kDefaultMaxImagePixels). REQUIRES: >= 1.
  int64_t max_image_pixels = 40'000'000;
};

// Owns every built-in extractor version. Immutable after construction; thread-safe.
class ExtractorRegistry {
 public:
  // A registry holding text_extractor v1/v2 and image_extractor v1/v2.
  static std::unique_ptr<ExtractorRegistry> CreateBuiltin(
      const BuiltinExtractorOptions& options = {});

  void Register(std::unique_ptr<FeatureExtractor> extractor);
  // nullptr when unknown.
  const FeatureExtractor* Find(const std::string& name, const std::string& version) const;
  // True if some version of `name` exists.
  bool HasName(const std::string& name) const;
  // Known versions of `name`, ascending.
  std::vector<std::string> Versions(const std::string& name) const;
  // All extractors, ordered by (name, version).
  std::vector<const FeatureExtractor*> List() const;

 private:
  std::vector<std::unique_ptr<FeatureExtractor>> extractors_;
};

}  // namespace ferry::extract
