#pragma once
// The query templates of retriever stages: "{{inputs.NAME}}" placeholders filled from an
// execution's inputs.

#include <cstddef>
#include <string>

#include "common/result.h"
#include "model/value.h"

namespace ferry::service {

// The most bytes a template may render to. Each placeholder adds its input again, so
// without a limit a template of 100 000 placeholders over a 1 MB input rendered 100 GB.
// 1 MiB holds any query worth embedding, and a document field of up to that size mapped
// once (taxonomy enrichment). docs/api-limits.md.
inline constexpr size_t kMaxRenderedTemplateBytes = size_t{1024} * 1024;

// Replaces every "{{inputs.NAME}}" (also "{{INPUT.NAME}}", spaces allowed) with the input
// NAME: strings as is, numbers and booleans as text, absent and other values as "".
// InvalidArgument when the result would be longer than kMaxRenderedTemplateBytes (checked
// before each piece is appended: the text never grows past it).
Result<std::string> RenderTemplate(const std::string& text, const model::Value& inputs);

}  // namespace ferry::service
