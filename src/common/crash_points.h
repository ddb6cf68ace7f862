#pragma once
// CrashPoints: named places where a crash test makes the process kill itself (SIGKILL)
// at an exact moment — inside a bulk copy slice before its commit, inside the writer's
// transaction — which an outside kill with a random delay hits only by chance. Armed by a
// spec "name=N[,name=N…]": the N-th time `name` is reached (counting from 1), the process
// raises SIGKILL. Unarmed (the default, an empty spec) it costs one branch. app/ reads
// the spec from FERRY_CRASH_POINTS and passes the object down; it is never global.
// Thread-safe.

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace ferry {

class CrashPoints {
 public:
  CrashPoints() = default;
  // InvalidArgument for a malformed spec.
  static Result<std::unique_ptr<CrashPoints>> Parse(std::string_view spec);

  // Counts a visit of `name`; kills the process on the armed visit.
  void Reached(std::string_view name) const;

 private:
  std::map<std::string, std::unique_ptr<std::atomic<int64_t>>, std::less<>> remaining_;
};

}  // namespace ferry
