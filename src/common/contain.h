#pragma once
// Containment at the entry points of threads and queued tasks. An exception escaping the
// work of a background thread (std::bad_alloc, std::out_of_range from a bug, anything an
// extractor throws) would reach std::terminate and end the whole server. Contain turns it
// into an Internal status for the one item, batch or job the work was for, which the
// caller records like any other failure. Use it where a thread, task or call begins —
// ThreadPool tasks, thread loops, TimeoutRunner calls — not around every call inside.

#include <string_view>
#include <type_traits>
#include <utility>

#include "common/logging.h"
#include "common/status.h"

namespace ferry {

namespace internal {
// The Internal status for the exception being handled: "<what> failed: internal error
// (<exception type>)". Names the type only, never what(): a message may hold server paths
// or data. Logs the same at error level when `logger` is not null.
// REQUIRES: called from inside a catch handler.
Status ContainedException(const Logger* logger, std::string_view what) noexcept;
}  // namespace internal

// Runs `fn` (returning Status or void) and returns its status; an exception escaping it
// becomes Internal (see above). `what` names the work in a few fixed words ("batch",
// "extraction call"), not its data. `logger` may be null (no log line).
template <typename Fn>
Status Contain(const Logger* logger, std::string_view what, Fn&& fn) noexcept {
  try {
    if constexpr (std::is_void_v<std::invoke_result_t<Fn&>>) {
      fn();
      return Status::Ok();
    } else {
      return fn();
    }
  } catch (...) {
    return internal::ContainedException(logger, what);
  }
}

}  // namespace ferry
