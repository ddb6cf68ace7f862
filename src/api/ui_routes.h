#pragma once
// The web dashboard's static files (ui/ in the repository), served under /ui/ without
// authentication: the pages hold no data, every API call they make carries the user's key.
//   GET /ui        → 301 to /ui/
//   GET /ui/       → index.html
//   GET /ui/{path} → the file at `path` below the ui directory (one sub-folder level)
// Paths are resolved safely: no "..", "." or empty segments, no absolute paths, no
// backslashes or NULs, nothing outside the directory after following symlinks, only
// regular files. Anything else is a 404 envelope. Files are read on the handler pool.

#include <optional>
#include <string>
#include <string_view>

#include "api/api_context.h"
#include "api/http/router.h"

namespace ferry::api {

// Registers the routes above, serving files from `ui_dir`.
void RegisterUiRoutes(http::Router& router, ApiContext& ctx, std::string ui_dir);

// The file `relative` (a "/"-separated path below the root, already percent-decoded)
// names inside `root`, as a canonical path; nullopt when it is unsafe, missing, outside
// `root` (also through a symlink) or not a regular file.
std::optional<std::string> ResolveUiFile(const std::string& root, std::string_view relative);

// Content-Type for a file name by its extension ("application/octet-stream" if unknown).
std::string UiContentType(std::string_view file_name);

}  // namespace ferry::api
