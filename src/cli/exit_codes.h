#pragma once
// The exit codes of `ferry` (documented in its --help and src/cli/README.md).

#include <string_view>

namespace ferry::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitMigrationFailed = 1;     // watch: the migration ended `failed`
inline constexpr int kExitInvalidConfig = 1;       // validate: the config is not valid
inline constexpr int kExitMigrationCancelled = 2;  // watch: the migration ended `cancelled`
inline constexpr int kExitHttpError = 3;           // the server answered with an error
inline constexpr int kExitUnreachable = 4;         // no answer from the server
inline constexpr int kExitUsage = 64;              // bad flag or argument (EX_USAGE)
inline constexpr int kExitInterrupted = 130;       // Ctrl-C while watching

// The exit code of `watch` for a terminal migration status: 0 completed, 1 failed,
// 2 cancelled; -1 for any other status (not terminal).
inline int ExitCodeForStatus(std::string_view status) {
  if (status == "completed") return kExitOk;
  if (status == "failed") return kExitMigrationFailed;
  if (status == "cancelled") return kExitMigrationCancelled;
  return -1;
}

}  // namespace ferry::cli
