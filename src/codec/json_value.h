#pragma once
// Conversions between Boost.JSON and model::Value, parsing and serialising bodies.

#include <boost/json.hpp>
#include <string>
#include <string_view>

#include "common/result.h"
#include "model/value.h"

namespace ferry::codec {

model::Value FromJson(const boost::json::value& j);
boost::json::value ToJson(const model::Value& v);

// Parses a request body. InvalidArgument (with the parser's reason) on malformed JSON,
// nesting deeper than limits::kJsonDepth (64) levels included.
Result<boost::json::value> ParseBody(std::string_view body);

std::string Serialize(const boost::json::value& j);

// Helpers for optional fields that must appear as null when unknown.
boost::json::value OptString(const std::optional<std::string>& s);
boost::json::value OptTime(const std::optional<int64_t>& ms);
boost::json::value Time(int64_t ms);

}  // namespace ferry::codec
