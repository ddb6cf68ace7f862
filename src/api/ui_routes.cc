#include "api/ui_routes.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <system_error>
#include <utility>

#include "api/handler_support.h"

namespace ferry::api {

namespace fs = std::filesystem;

namespace {

// Larger files are not part of the dashboard.
constexpr std::uintmax_t kMaxFileBytes = 4 * 1024 * 1024;
constexpr char kPrefix[] = "/ui/";
constexpr char kCsp[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

bool SafeSegment(std::string_view s) {
  if (s.empty() || s == "." || s == "..") return false;
  return s.find_first_of(std::string_view("\\:\0", 3)) == std::string_view::npos;
}

bool SafeRelative(std::string_view relative) {
  if (relative.empty() || relative.front() == '/') return false;
  size_t start = 0;
  while (true) {
    size_t slash = relative.find('/', start);
    std::string_view segment = relative.substr(start, slash - start);
    if (!SafeSegment(segment)) return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

http::HttpResponse NotFound(std::string_view path) {
  return http::ErrorEnvelope(404, "NotFound", "no dashboard file at " + std::string(path));
}

void AddUiHeaders(http::HttpResponse& r) {
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.headers.emplace_back("Content-Security-Policy", kCsp);
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
}

http::HttpResponse ServeFile(const std::string& root, const std::string& request_path) {
  std::string_view relative(request_path);
  relative.remove_prefix(sizeof(kPrefix) - 1);
  if (relative.empty()) relative = "index.html";
  auto file = ResolveUiFile(root, relative);
  std::error_code ec;
  if (!file || fs::file_size(*file, ec) > kMaxFileBytes || ec) return NotFound(request_path);
  std::ifstream in(*file, std::ios::binary);
  std::ostringstream body;
  body << in.rdbuf();
  if (!in.good() && !in.eof()) return NotFound(request_path);
  http::HttpResponse r;
  r.content_type = UiContentType(*file);
  r.body = std::move(body).str();
  AddUiHeaders(r);
  return r;
}

http::RouteFn UiRoute(ApiContext& ctx, std::shared_ptr<const std::string> root) {
  return [&ctx, root](http::HttpRequest req, http::PathParams, http::Responder respond) {
    if (req.path == "/ui") {
      http::HttpResponse r;
      r.status = 301;
      r.content_type = "text/plain; charset=utf-8";
      r.body = "moved to /ui/\n";
      r.headers.emplace_back("Location", "/ui/");
      respond(std::move(r));
      return;
    }
    std::string request_id = req.request_id;
    RunOnHandlerPool(
        ctx, std::move(request_id),
        [root, path = std::move(req.path)]() { return ServeFile(*root, path); },
        std::move(respond));
  };
}

}  // namespace

std::optional<std::string> ResolveUiFile(const std::string& root, std::string_view relative) {
  if (!SafeRelative(relative)) return std::nullopt;
  std::error_code ec;
  fs::path base = fs::canonical(root, ec);
  if (ec) return std::nullopt;
  fs::path file = fs::canonical(base / fs::path(std::string(relative)), ec);
  if (ec) return std::nullopt;
  // Inside the root after following every symlink: the root is a proper prefix.
  auto [root_end, unused] = std::mismatch(base.begin(), base.end(), file.begin(), file.end());
  if (root_end != base.end() || file == base) return std::nullopt;
  if (!fs::is_regular_file(file, ec) || ec) return std::nullopt;
  return file.string();
}

std::string UiContentType(std::string_view file_name) {
  static const std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".json", "application/json"},
      {".txt", "text/plain; charset=utf-8"},
      {".md", "text/plain; charset=utf-8"},
  };
  size_t dot = file_name.rfind('.');
  if (dot != std::string_view::npos) {
    std::string_view ext = file_name.substr(dot);
    for (const auto& [e, type] : kTypes) {
      if (e == ext) return std::string(type);
    }
  }
  return "application/octet-stream";
}

void RegisterUiRoutes(http::Router& router, ApiContext& ctx, std::string ui_dir) {
  auto root = std::make_shared<const std::string>(std::move(ui_dir));
  // "/ui" also matches "/ui/" (the router ignores one trailing slash).
  router.Add("GET", "/ui", UiRoute(ctx, root));
  router.Add("GET", "/ui/{file}", UiRoute(ctx, root));
  router.Add("GET", "/ui/{folder}/{file}", UiRoute(ctx, root));
}

}  // namespace ferry::api
