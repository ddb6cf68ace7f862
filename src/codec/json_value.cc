#include "codec/json_value.h"

#include "codec/limits.h"
#include "common/clock.h"

namespace ferry::codec {

namespace json = boost::json;

model::Value FromJson(const json::value& j) {
  switch (j.kind()) {
    case json::kind::null:
      return model::Value();
    case json::kind::bool_:
      return model::Value(j.get_bool());
    case json::kind::int64:
      return model::Value(j.get_int64());
    case json::kind::uint64: {
      uint64_t u = j.get_uint64();
      if (u <= static_cast<uint64_t>(INT64_MAX)) return model::Value(static_cast<int64_t>(u));
      return model::Value(static_cast<double>(u));
    }
    case json::kind::double_:
      return model::Value(j.get_double());
    case json::kind::string:
      return model::Value(std::string(j.get_string()));
    case json::kind::array: {
      model::ValueArray arr;
      arr.reserve(j.get_array().size());
      for (const auto& e : j.get_array()) arr.push_back(FromJson(e));
      return model::Value(std::move(arr));
    }
    case json::kind::object: {
      model::ValueObject obj;
      for (const auto& [k, e] : j.get_object()) obj.Set(std::string(k), FromJson(e));
      return model::Value(std::move(obj));
    }
  }
  return model::Value();
}

json::value ToJson(const model::Value& v) {
  switch (v.kind()) {
    case model::Value::Kind::kNull:
      return nullptr;
    case model::Value::Kind::kBool:
      return v.as_bool();
    case model::Value::Kind::kInt:
      return v.as_int();
    case model::Value::Kind::kDouble:
      return v.as_double();
    case model::Value::Kind::kString:
      return json::string(v.as_string());
    case model::Value::Kind::kArray: {
      json::array arr;
      arr.reserve(v.as_array().size());
      for (const auto& e : v.as_array()) arr.push_back(ToJson(e));
      return arr;
    }
    case model::Value::Kind::kObject: {
      json::object obj;
      for (const auto& [k, e] : v.as_object()) obj[k] = ToJson(e);
      return obj;
    }
  }
  return nullptr;
}

Result<json::value> ParseBody(std::string_view body) {
  json::parse_options opts;
  opts.max_depth = limits::kJsonDepth;
  boost::system::error_code ec;
  json::value v = json::parse(body, ec, {}, opts);
  if (ec) return Status::InvalidArgument("malformed JSON body: " + ec.message());
  return v;
}

std::string Serialize(const json::value& j) { return json::serialize(j); }

json::value OptString(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  return json::string(*s);
}

json::value Time(int64_t ms) { return json::string(FormatIso8601(ms)); }

json::value OptTime(const std::optional<int64_t>& ms) {
  if (!ms) return nullptr;
  return Time(*ms);
}

}  // namespace ferry::codec
