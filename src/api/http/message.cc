#include "api/http/message.h"

#include "common/logging.h"

namespace ferry::api::http {

std::string HttpRequest::Header(std::string_view lower_name) const {
  auto it = headers.find(std::string(lower_name));
  return it == headers.end() ? std::string() : it->second;
}

std::optional<std::string> HttpRequest::QueryParam(std::string_view name) const {
  auto it = query.find(std::string(name));
  if (it == query.end()) return std::nullopt;
  return it->second;
}

HttpResponse ErrorEnvelope(int status, std::string_view type, std::string_view message) {
  HttpResponse response;
  response.status = status;
  response.body = "{\"success\": false, \"status\": " + std::to_string(status) +
                  ", \"error\": {\"message\": \"" + JsonEscape(message) + "\", \"type\": \"" +
                  JsonEscape(type) + "\", \"details\": null}}";
  return response;
}

}  // namespace ferry::api::http
