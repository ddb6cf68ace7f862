#pragma once
// Static description of a feature extractor version, as the registry and the API show it.

#include <string>

#include "model/value.h"

namespace ferry::model {

struct ExtractorInfo {
  std::string name;         // "text_extractor"
  std::string version;      // "v1"
  std::string description;  // one paragraph: design of this version
  std::string input_name;   // the single input key: "text" or "image"
  std::string input_type;   // bucket schema type accepted: "text" or "image"
  int dimensions = 0;       // size of the "embedding" output
  std::string distance = "cosine";
  // JSON-Schema-like object describing accepted parameters.
  Value parameter_schema;
  // Parameters applied when the user gives none; an object.
  Value default_parameters;

  // "text_extractor_v1"
  std::string id() const { return name + "_" + version; }
  // "mixpeek://text_extractor@v1/embedding"
  std::string feature_uri() const { return "mixpeek://" + name + "@" + version + "/embedding"; }
  // Name of the vector index holding the output: "text_extractor_v1_embedding".
  std::string vector_index_name() const { return id() + "_embedding"; }
};

}  // namespace ferry::model
