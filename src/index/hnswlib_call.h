#pragma once
// Internal to index/: includes hnswlib and turns its exceptions into Status. hnswlib
// throws std::runtime_error for every failure (full graph, unknown label, corrupt file,
// "Not enough memory") and may throw std::bad_alloc; callers wrap each call in
// CallHnswlib so no exception crosses the index layer.
//
// Include from exactly one .cc (hnsw_index.cc): hnswlib 0.6.2 defines non-inline
// functions and globals in its headers, so a second includer breaks the link.

#include <hnswlib/hnswlib.h>

#include <exception>
#include <new>
#include <string>
#include <string_view>

#include "common/status.h"

namespace ferry::index {

// Runs `fn` (a callable returning void) and maps what it throws: out-of-memory to
// ResourceExhausted, anything else to `code` (Internal unless the caller knows better).
template <typename Fn>
Status CallHnswlib(std::string_view what, Fn&& fn, StatusCode code = StatusCode::kInternal) {
  try {
    fn();
    return Status::Ok();
  } catch (const std::bad_alloc&) {
    return Status::ResourceExhausted(std::string(what) + ": out of memory");
  } catch (const std::exception& e) {
    const std::string message = std::string(what) + ": " + e.what();
    if (message.find("Not enough memory") != std::string::npos) {
      return Status::ResourceExhausted(message);
    }
    return Status(code, message);
  }
}

}  // namespace ferry::index
