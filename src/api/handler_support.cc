#include "api/handler_support.h"

#include <cctype>
#include <charconv>
#include <exception>
#include <string>

#include "codec/json_reader.h"
#include "codec/json_value.h"

namespace ferry::api {

void RunOnHandlerPool(ApiContext& ctx, std::string request_id,
                      std::function<http::HttpResponse()> body, http::Responder respond) {
  auto work = [&ctx, request_id = std::move(request_id), body = std::move(body), respond]() {
    http::HttpResponse response;
    try {
      response = body();
    } catch (const std::exception& e) {
      ctx.logger.Error("handler failed", {{"request_id", request_id}, {"error", e.what()}});
      response = FromStatus(Status::Internal("internal error"));
    }
    respond(std::move(response));
  };
  if (!ctx.handler_pool.Submit(work)) {
    respond(FromStatus(Status::Unavailable("server is shutting down")));
  }
}

namespace {

http::RouteFn Wrap(ApiContext& ctx, HandlerFn fn, bool authenticate) {
  return [&ctx, fn, authenticate](http::HttpRequest req, http::PathParams params,
                                  http::Responder respond) {
    std::string request_id = req.request_id;
    RunOnHandlerPool(
        ctx, std::move(request_id),
        [&ctx, fn, authenticate, req = std::move(req), params = std::move(params)]() {
          service::Caller caller;
          if (authenticate) {
            auto who = ctx.auth.Authenticate(req.Header("authorization"));
            if (!who.ok()) return FromStatus(who.status());
            caller = *who;
          }
          return fn(ctx, Request{req, params, caller});
        },
        std::move(respond));
  };
}

}  // namespace

http::RouteFn Authenticated(ApiContext& ctx, HandlerFn fn) { return Wrap(ctx, fn, true); }

http::RouteFn Public(ApiContext& ctx, HandlerFn fn) { return Wrap(ctx, fn, false); }

std::optional<boost::json::value> ParseJson(const http::HttpRequest& req, bool allow_empty,
                                            http::HttpResponse* error) {
  bool blank = req.body.find_first_not_of(" \t\r\n") == std::string::npos;
  if (blank) {
    if (allow_empty) return boost::json::value(boost::json::object{});
    // FastAPI's answer to a required body that was not sent.
    *error =
        Unprocessable({{model::ValueArray{model::Value("body")}, "Field required", "missing"}});
    return std::nullopt;
  }
  auto parsed = codec::ParseBody(req.body);
  if (!parsed.ok()) {
    *error = FromStatus(parsed.status());
    return std::nullopt;
  }
  return std::move(parsed).value();
}

std::optional<int64_t> QueryInt(const http::HttpRequest& req, const char* name, int64_t min,
                                int64_t max, model::ValidationIssues* issues) {
  auto raw = req.QueryParam(name);
  if (!raw) return std::nullopt;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), v);
  if (ec != std::errc() || ptr != raw->data() + raw->size()) {
    issues->push_back(codec::QueryIssue(name, "Input should be a valid integer", "int_parsing"));
    return std::nullopt;
  }
  if (v < min) {
    issues->push_back(
        codec::QueryIssue(name, "Input should be greater than or equal to " + std::to_string(min),
                          "greater_than_equal"));
    return std::nullopt;
  }
  if (v > max) {
    issues->push_back(codec::QueryIssue(
        name, "Input should be less than or equal to " + std::to_string(max), "less_than_equal"));
    return std::nullopt;
  }
  return v;
}

model::Page ParsePage(const http::HttpRequest& req, model::ValidationIssues* issues) {
  model::Page page;
  page.limit = QueryInt(req, "limit", 1, 1000, issues).value_or(10);
  page.offset = QueryInt(req, "offset", 0, 10000, issues).value_or(0);
  // Cursors are the offset of the next page, as handed out in pagination.next_cursor.
  if (auto cursor = QueryInt(req, "cursor", 0, INT32_MAX, issues)) page.offset = *cursor;
  return page;
}

std::optional<bool> ParseBoolWord(std::string_view word) {
  static constexpr std::string_view kTrue[] = {"true", "1", "yes", "on", "t", "y"};
  static constexpr std::string_view kFalse[] = {"false", "0", "no", "off", "f", "n"};
  std::string lower(word);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view w : kTrue) {
    if (lower == w) return true;
  }
  for (std::string_view w : kFalse) {
    if (lower == w) return false;
  }
  return std::nullopt;
}

bool QueryBool(const http::HttpRequest& req, const char* name, bool fallback,
               model::ValidationIssues* issues) {
  auto raw = req.QueryParam(name);
  if (!raw) return fallback;
  if (auto b = ParseBoolWord(*raw)) return *b;
  issues->push_back(codec::QueryIssue(name, "Input should be a valid boolean", "bool_parsing"));
  return fallback;
}

Result<service::NamespaceHandle> RequireNamespace(ApiContext& ctx, const Request& req) {
  std::string ident = req.http.Header("x-namespace");
  if (ident.empty()) {
    return Status::InvalidArgument("X-Namespace header is required (namespace id or name)");
  }
  return ctx.namespaces.Resolve(req.caller, ident);
}

}  // namespace ferry::api
