#include "cli/api_client.h"

#include "cli/text.h"
#include "codec/json_value.h"

namespace ferry::cli {
namespace json = boost::json;

namespace {

std::string StringAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::string Location(const json::value& loc) {
  if (!loc.is_array()) return "";
  std::string out;
  for (const auto& part : loc.as_array()) {
    if (!out.empty()) out += '.';
    out += part.is_string() ? std::string(part.as_string()) : json::serialize(part);
  }
  return out;
}

std::string DescribeDetail(const json::array& detail) {
  std::string out;
  for (const auto& issue : detail) {
    if (!issue.is_object()) continue;
    if (!out.empty()) out += "; ";
    const json::value* loc = issue.as_object().if_contains("loc");
    const std::string where = loc != nullptr ? Location(*loc) : "";
    out += (where.empty() ? "" : where + ": ") + StringAt(issue.as_object(), "msg");
  }
  return out;
}

}  // namespace

std::string DescribeError(int status, std::string_view body) {
  const std::string code = Cat("HTTP ", std::to_string(status));
  Result<json::value> parsed = codec::ParseBody(body);
  if (!parsed.ok() || !parsed->is_object()) return code;
  const json::object& o = parsed->as_object();
  if (const json::value* error = o.if_contains("error"); error != nullptr && error->is_object()) {
    const std::string message = StringAt(error->as_object(), "message");
    const std::string type = StringAt(error->as_object(), "type");
    if (!message.empty()) return message + " (" + (type.empty() ? "" : type + ", ") + code + ")";
  }
  if (const json::value* detail = o.if_contains("detail"); detail != nullptr) {
    if (detail->is_array())
      return DescribeDetail(detail->as_array()) + " (validation, " + code + ")";
    if (detail->is_string()) return std::string(detail->as_string()) + " (" + code + ")";
  }
  return code;
}

std::string DescribeTransportError(const Status& status, const std::string& url) {
  if (status.code() == StatusCode::kDeadlineExceeded) {
    return "the Ferry server at " + url + " did not answer in time";
  }
  if (status.code() == StatusCode::kInvalidArgument) {
    return "bad server URL " + url + " (want http://host:port or https://...)";
  }
  return "cannot reach the Ferry server at " + url + " (is ferryd running? --url / FERRY_URL)";
}

http_client::Request ApiClient::Build(const ApiRequest& request) const {
  std::string base = connection_.url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  http_client::Request out{.url = base + request.path, .body = request.body};
  out.headers.emplace_back("Accept", "application/json");
  if (!request.body.empty()) out.headers.emplace_back("Content-Type", "application/json");
  if (!connection_.api_key.empty()) {
    out.headers.emplace_back("Authorization", "Bearer " + connection_.api_key);
  }
  if (!connection_.namespace_id.empty()) {
    out.headers.emplace_back("X-Namespace", connection_.namespace_id);
  }
  return out;
}

Result<ApiReply> ApiClient::Send(const ApiRequest& request) const {
  const http_client::Request r = Build(request);
  Result<http_client::Response> response =
      request.method == http_client::Method::kPost     ? http_.Post(r)
      : request.method == http_client::Method::kDelete ? http_.Delete(r)
                                                       : http_.Get(r);
  if (!response.ok()) return response.status();
  return ApiReply{response->status, std::move(response->body)};
}

Result<ApiReply> ApiClient::Stream(const ApiRequest& request, const std::string& last_event_id,
                                   const http_client::StreamHandlers& handlers,
                                   std::chrono::milliseconds idle_timeout) const {
  http_client::Request r = Build(request);
  r.headers[0] = {"Accept", "text/event-stream"};
  if (!last_event_id.empty()) r.headers.emplace_back("Last-Event-ID", last_event_id);
  r.timeout = idle_timeout;
  Result<http_client::Response> response = http_.GetStream(r, handlers);
  if (!response.ok()) return response.status();
  return ApiReply{response->status, std::move(response->body)};
}

}  // namespace ferry::cli
