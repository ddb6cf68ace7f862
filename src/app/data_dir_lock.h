#pragma once
// DataDirLock: an advisory lock on DATA/ferryd.lock (flock). A running ferryd holds it
// shared for its lifetime; `ferryd move-storage` takes it exclusively, so neither starts
// while the other runs on the same embedded data directory. Released when destroyed (or
// when the process dies).

#include <optional>
#include <string>

#include "app/config.h"
#include "common/result.h"

namespace ferry::app {

class DataDirLock {
 public:
  enum Mode { kShared, kExclusive };
  // FailedPrecondition when another process holds it in a conflicting mode.
  static Result<DataDirLock> Acquire(const std::string& data_dir, Mode mode);

  DataDirLock(DataDirLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  DataDirLock& operator=(DataDirLock&&) = delete;
  DataDirLock(const DataDirLock&) = delete;
  ~DataDirLock();

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_;
};

// For a server on embedded storage: creates the data directory when missing and takes
// its lock shared. Nothing (nullopt) on PostgreSQL.
Result<std::optional<DataDirLock>> LockEmbeddedDataDir(const Config& config);

}  // namespace ferry::app
