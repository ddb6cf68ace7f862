#include "api/http/router.h"

#include <algorithm>

namespace ferry::api::http {
namespace {

// Splits "/a/b/" into {"a", "b"}. Interior empty segments are kept ("/a//b" → {"a", "", "b"})
// so they never match a parameter; "/" and "" give no segments.
std::vector<std::string_view> SplitPath(std::string_view path) {
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  std::vector<std::string_view> segments;
  if (path.empty()) return segments;
  for (;;) {
    size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) return segments;
    path.remove_prefix(slash + 1);
  }
}

bool IsParam(std::string_view segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

struct Router::Node {
  struct Route {
    RouteFn fn;
    std::vector<std::string> param_names;  // in path order
    std::string pattern;
  };
  std::map<std::string, std::unique_ptr<Node>, std::less<>> literals;
  std::unique_ptr<Node> param;
  std::map<std::string, Route, std::less<>> methods;
};

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

void Router::Add(std::string method, std::string pattern, RouteFn fn) {
  Node* node = root_.get();
  std::vector<std::string> param_names;
  for (std::string_view segment : SplitPath(pattern)) {
    std::unique_ptr<Node>* child;
    if (IsParam(segment)) {
      param_names.emplace_back(segment.substr(1, segment.size() - 2));
      child = &node->param;
    } else {
      child = &node->literals[std::string(segment)];
    }
    if (!*child) *child = std::make_unique<Node>();
    node = child->get();
  }
  node->methods[method] = Node::Route{std::move(fn), std::move(param_names), pattern};
  auto entry = std::make_pair(std::move(method), std::move(pattern));
  if (std::find(routes_.begin(), routes_.end(), entry) == routes_.end()) {
    routes_.push_back(std::move(entry));
  }
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
  Match match;
  Captures captures;
  FindIn(*root_, SplitPath(path), 0, method, captures, match);
  return match;
}

// Depth-first, literal child before param child; returns true once a route for `method`
// is found, recording in `match.path_known` any route met for another method on the way.
bool Router::FindIn(const Node& node, const std::vector<std::string_view>& segments, size_t index,
                    std::string_view method, Captures& captures, Match& match) const {
  if (index == segments.size()) {
    if (node.methods.empty()) return false;
    match.path_known = true;
    auto route = node.methods.find(method);
    if (route == node.methods.end()) return false;
    match.fn = &route->second.fn;
    match.pattern = &route->second.pattern;
    for (size_t i = 0; i < captures.size(); ++i) {
      match.params[route->second.param_names[i]] = std::string(captures[i]);
    }
    return true;
  }
  std::string_view segment = segments[index];
  auto literal = node.literals.find(segment);
  if (literal != node.literals.end() &&
      FindIn(*literal->second, segments, index + 1, method, captures, match)) {
    return true;
  }
  if (!node.param || segment.empty()) return false;
  captures.push_back(segment);
  if (FindIn(*node.param, segments, index + 1, method, captures, match)) return true;
  captures.pop_back();
  return false;
}

std::vector<std::pair<std::string, std::string>> Router::Routes() const { return routes_; }

}  // namespace ferry::api::http
