#pragma once
// The retriever stages this server runs, each a function from a document stream to a
// document stream. Stages run in order; before the first stage that produces documents
// the stream is "unset", and a filter, sort or limit stage then starts from every
// document of the retriever's collections (score 0), read page by page: a filter keeps
// only its matches, a limit stops reading at offset + limit, but a sort holds every
// document of the collections in memory (put a filter or feature_search before it).
//
// stage_id (Mixpeek's names where the spec has them) → parameters:
//   feature_search   {searches: [{feature_uri, query: {input_mode: "text", text} | "text",
//                     top_k = 100}], final_top_k = 25, fusion = "max" | "sum"}
//                    Each search's query text is templated ("{{inputs.query}}") and
//                    embedded with the extractor its URI names; every collection of the
//                    retriever is searched for top_k documents having that feature (only
//                    among the stream's documents when the stream is set). A document's
//                    score is the max (default) or the sum of its scores across searches;
//                    the best final_top_k are emitted, best first (ties by id).
//   attribute_filter {field, operator: eq|ne|gt|gte|lt|lte|in|contains, value}
//                    Keeps documents whose field (a dotted path into the document's
//                    fields, or document_id / collection_id) satisfies the comparison.
//                    Numbers compare as numbers, strings lexicographically; a missing
//                    field satisfies only "ne".
//   sort_attribute   {field, direction = "desc"}: stable; documents missing the field last.
//   limit            {limit, offset = 0}

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "extract/extractor.h"
#include "model/requests.h"
#include "model/retriever.h"
#include "service/namespace_service.h"
#include "service/retriever_template.h"
#include "service/vector_search.h"

namespace ferry::service {

// The largest top_k, final_top_k, limit and offset a stage takes, and the most results one
// execution returns and stores (a filter or sort over whole collections may find more).
inline constexpr int64_t kMaxTopK = 10'000;

// A document in the stream and its current score.
struct StageDocument {
  model::Document doc;
  double score = 0.0;
};

// What stages read while running. References outlive the run.
struct StageContext {
  const NamespaceHandle& h;
  const extract::ExtractorRegistry& extractors;
  VectorSearchService& vectors;
  const std::vector<std::string>& collection_ids;
  const model::Value& inputs;  // object
};

// The StageType spelling of a known stage_id; nullopt for an unknown one.
std::optional<std::string> StageTypeOf(const std::string& stage_id);

// Checks a stage (stage_id known, parameters well-formed, feature URIs naming known
// extractors). Issues are located under `loc` (the stage's location, e.g.
// ["body","stages",2]).
void ValidateStage(const model::RetrieverStage& stage, const model::ValueArray& loc,
                   const extract::ExtractorRegistry& extractors, model::ValidationIssues* issues);

// Runs one stage. REQUIRES: ValidateStage left no issues. `stream` is nullopt before the
// first producing stage. InvalidArgument when a query cannot be embedded.
Result<std::vector<StageDocument>> RunStage(const model::RetrieverStage& stage,
                                            const StageContext& ctx,
                                            std::optional<std::vector<StageDocument>> stream);

// "mixpeek://{extractor}@{version}/{output}".
struct FeatureUri {
  std::string extractor;
  std::string version;
  std::string output;
};
std::optional<FeatureUri> ParseFeatureUri(const std::string& uri);

}  // namespace ferry::service
