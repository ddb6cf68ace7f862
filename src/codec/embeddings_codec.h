#pragma once
// The JSON of an OpenAI-compatible POST /v1/embeddings exchange, for the HTTP extractor
// (extract/http/): the request body it sends and the response it reads back.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace ferry::codec {

// {"model": model, "input": [inputs...], "encoding_format": "float"} plus
// "dimensions" when given (only models that can shorten their output accept it).
std::string EncodeEmbeddingsRequest(const std::string& model,
                                    const std::vector<std::string>& inputs,
                                    std::optional<int> dimensions);

// The vectors of a response {"data": [{"index": i, "embedding": [...]}, ...]}, ordered
// by index. InvalidArgument when the body is not such an object, when an index is
// missing, repeated or out of range, when the count is not `expected_count`, or when a
// vector does not have `dimensions` finite numbers.
Result<std::vector<std::vector<float>>> DecodeEmbeddingsResponse(std::string_view body,
                                                                 size_t expected_count,
                                                                 int dimensions);

// A short description of an error body: error.message of {"error": {"message": ...}}
// (or {"error": "..."}, {"detail": "..."}), else the first 200 bytes of the body.
std::string DescribeEmbeddingsError(std::string_view body);

}  // namespace ferry::codec
