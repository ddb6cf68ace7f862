#include "codec/embeddings_codec.h"

#include <cmath>

#include "codec/json_value.h"

namespace ferry::codec {

namespace json = boost::json;

namespace {

Status Bad(const std::string& what) {
  return Status::InvalidArgument("embedding server response: " + what);
}

Result<std::vector<float>> DecodeVector(const json::value& v, size_t index, int dimensions) {
  const std::string where = "data[" + std::to_string(index) + "].embedding";
  if (!v.is_array()) return Bad(where + " is not an array of numbers");
  const json::array& a = v.as_array();
  if (a.size() != static_cast<size_t>(dimensions)) {
    return Bad(where + " has " + std::to_string(a.size()) + " dimensions, expected " +
               std::to_string(dimensions));
  }
  std::vector<float> out;
  out.reserve(a.size());
  for (const json::value& x : a) {
    if (!x.is_number()) return Bad(where + " holds a non-number");
    double d = x.to_number<double>();
    if (!std::isfinite(d)) return Bad(where + " holds a non-finite number");
    out.push_back(static_cast<float>(d));
  }
  return out;
}

}  // namespace

std::string EncodeEmbeddingsRequest(const std::string& model,
                                    const std::vector<std::string>& inputs,
                                    std::optional<int> dimensions) {
  json::array input;
  for (const auto& s : inputs) input.emplace_back(json::string(s));
  json::object body{{"model", model}, {"input", std::move(input)}, {"encoding_format", "float"}};
  if (dimensions) body["dimensions"] = *dimensions;
  return Serialize(body);
}

Result<std::vector<std::vector<float>>> DecodeEmbeddingsResponse(std::string_view body,
                                                                 size_t expected_count,
                                                                 int dimensions) {
  auto parsed = ParseBody(body);
  if (!parsed.ok()) return Bad("not JSON (" + parsed.status().message() + ")");
  const json::object* root = parsed->if_object();
  const json::value* data = root != nullptr ? root->if_contains("data") : nullptr;
  if (data == nullptr || !data->is_array()) return Bad("no \"data\" array");
  const json::array& items = data->as_array();
  if (items.size() != expected_count) {
    return Bad(std::to_string(items.size()) + " embeddings for " + std::to_string(expected_count) +
               " inputs");
  }
  std::vector<std::vector<float>> out(expected_count);
  std::vector<bool> seen(expected_count, false);
  for (size_t i = 0; i < items.size(); ++i) {
    const json::object* item = items[i].if_object();
    if (item == nullptr) return Bad("data[" + std::to_string(i) + "] is not an object");
    // "index" is optional in some servers' answers; then the position is the index.
    size_t index = i;
    if (const json::value* idx = item->if_contains("index")) {
      if (!idx->is_int64() || idx->as_int64() < 0 ||
          static_cast<size_t>(idx->as_int64()) >= expected_count) {
        return Bad("data[" + std::to_string(i) + "].index is not an input position");
      }
      index = static_cast<size_t>(idx->as_int64());
    }
    if (seen[index]) return Bad("index " + std::to_string(index) + " appears twice");
    seen[index] = true;
    const json::value* emb = item->if_contains("embedding");
    if (emb == nullptr) return Bad("data[" + std::to_string(i) + "] has no embedding");
    FERRY_ASSIGN_OR_RETURN(out[index], DecodeVector(*emb, i, dimensions));
  }
  return out;
}

std::string DescribeEmbeddingsError(std::string_view body) {
  auto parsed = ParseBody(body);
  if (parsed.ok() && parsed->is_object()) {
    const json::object& root = parsed->as_object();
    const json::value* err = root.if_contains("error");
    if (err == nullptr) err = root.if_contains("detail");
    if (err != nullptr && err->is_string()) return std::string(err->as_string());
    if (err != nullptr && err->is_object()) {
      const json::value* msg = err->as_object().if_contains("message");
      if (msg != nullptr && msg->is_string()) return std::string(msg->as_string());
    }
  }
  return std::string(body.substr(0, 200));
}

}  // namespace ferry::codec
