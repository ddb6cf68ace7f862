#pragma once
// Router: the route table. Maps (method, path pattern) to a route function, e.g.
//   router.Add("GET", "/v1/buckets/{bucket_identifier}/objects/{object_identifier}", fn);
// Matching is per path segment; a literal segment takes precedence over a {param} segment
// at the same position, falling back to the param when the literal branch leads nowhere. So
// "/v1/collections/features/extractors" beats "/v1/collections/{collection_identifier}/…".
// One trailing slash is ignored, in patterns and paths alike.
//
// Thread safety: Add() must not race with anything; Find() and Routes() are const and may
// run concurrently once the table is built.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/http/message.h"

namespace ferry::api::http {

// Parameter name (without braces) → the path segment it matched (already percent-decoded).
using PathParams = std::map<std::string, std::string>;
using RouteFn = std::function<void(HttpRequest, PathParams, Responder)>;

class Router {
 public:
  struct Match {
    // The route for (method, path), or null. Points into the Router; valid until the next
    // Add() or the Router's destruction.
    const RouteFn* fn = nullptr;
    PathParams params;
    // The matched route's pattern as given to Add (e.g. "/v1/buckets/{bucket_identifier}"),
    // or null. Points into the Router like `fn`.
    const std::string* pattern = nullptr;
    // True if some route matches the path, with any method. So fn == null && path_known
    // means 405 Method Not Allowed, and fn == null && !path_known means 404.
    bool path_known = false;
  };

  Router();
  ~Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;

  // Registers `fn` for `method` (exact, e.g. "GET") and `pattern` (starting with '/'; a
  // segment written "{name}" captures one non-empty path segment). Registering the same
  // method and pattern again replaces the earlier function.
  void Add(std::string method, std::string pattern, RouteFn fn);

  Match Find(std::string_view method, std::string_view path) const;

  // Every registered (method, pattern), in registration order, patterns as given to Add.
  std::vector<std::pair<std::string, std::string>> Routes() const;

 private:
  struct Node;
  using Captures = std::vector<std::string_view>;

  bool FindIn(const Node& node, const std::vector<std::string_view>& segments, size_t index,
              std::string_view method, Captures& captures, Match& match) const;

  std::unique_ptr<Node> root_;
  std::vector<std::pair<std::string, std::string>> routes_;
};

}  // namespace ferry::api::http
