#pragma once
// Plumbing shared by the handlers: authentication, running handler bodies on the handler
// pool, body and query parsing, X-Namespace resolution.

#include <boost/json.hpp>
#include <functional>
#include <optional>
#include <string_view>

#include "api/api_context.h"
#include "api/http/router.h"
#include "api/responses.h"

namespace ferry::api {

// What a handler body sees.
struct Request {
  const http::HttpRequest& http;
  const http::PathParams& params;
  service::Caller caller;

  const std::string& Param(const std::string& name) const { return params.at(name); }
};

// A handler body: a small free function from the request to its response.
using HandlerFn = http::HttpResponse (*)(ApiContext& ctx, const Request& req);

// Runs `fn` on the handler pool after checking the API key (401 otherwise). Any
// exception escaping it becomes a 500; the server never goes down for one request.
http::RouteFn Authenticated(ApiContext& ctx, HandlerFn fn);
// Same, without authentication.
http::RouteFn Public(ApiContext& ctx, HandlerFn fn);
// Runs `body` on the handler pool and answers with its response: an exception escaping
// it is logged with `request_id` and answered 500; a pool that no longer takes work
// (shutdown) is answered 503 at once. What Authenticated and Public run on.
void RunOnHandlerPool(ApiContext& ctx, std::string request_id,
                      std::function<http::HttpResponse()> body, http::Responder respond);

// The JSON body; an empty body counts as {} when `allow_empty`, and is otherwise a 422
// (loc ["body"], type missing, as FastAPI answers). On malformed JSON sets *error to a 400
// and returns nullopt.
std::optional<boost::json::value> ParseJson(const http::HttpRequest& req, bool allow_empty,
                                            http::HttpResponse* error);

// limit (1–1000, default 10), offset (0–10000) or cursor from the query string.
model::Page ParsePage(const http::HttpRequest& req, model::ValidationIssues* issues);
// An integer query parameter within [min, max]; nullopt when absent or invalid (issue).
std::optional<int64_t> QueryInt(const http::HttpRequest& req, const char* name, int64_t min,
                                int64_t max, model::ValidationIssues* issues);
// A boolean as pydantic reads one from a query string, case-insensitively: true/false,
// 1/0, yes/no, on/off, t/f, y/n. nullopt for anything else.
std::optional<bool> ParseBoolWord(std::string_view word);
// A boolean query parameter (ParseBoolWord), `fallback` when absent.
bool QueryBool(const http::HttpRequest& req, const char* name, bool fallback,
               model::ValidationIssues* issues);

// Resolves the X-Namespace header (id or name). InvalidArgument when missing,
// NotFound when unknown to the caller's organization.
Result<service::NamespaceHandle> RequireNamespace(ApiContext& ctx, const Request& req);

}  // namespace ferry::api

// Inside a handler body: bind the value of a Result or return its error response.
#define API_ASSIGN_OR_RESPOND(lhs, expr)                                   \
  auto FERRY_CONCAT(_r_, __LINE__) = (expr);                               \
  if (!FERRY_CONCAT(_r_, __LINE__).ok()) {                                 \
    return ::ferry::api::FromStatus(FERRY_CONCAT(_r_, __LINE__).status()); \
  }                                                                        \
  lhs = std::move(FERRY_CONCAT(_r_, __LINE__)).value()
