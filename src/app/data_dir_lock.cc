#include "app/data_dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "storage/sqlite/private_files.h"

namespace ferry::app {

Result<DataDirLock> DataDirLock::Acquire(const std::string& data_dir, Mode mode) {
  const std::string path = (std::filesystem::path(data_dir) / "ferryd.lock").string();
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status::Unavailable(std::string("cannot open the data directory's lock file: ") +
                               std::strerror(errno));
  }
  if (::flock(fd, (mode == kExclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return Status::FailedPrecondition(
          mode == kExclusive
              ? "the data directory is in use by a running ferryd; stop it first"
              : "the data directory is being moved (ferryd move-storage); wait for it to end");
    }
    return Status::Unavailable(std::string("cannot lock the data directory: ") +
                               std::strerror(err));
  }
  return DataDirLock(fd);
}

Result<std::optional<DataDirLock>> LockEmbeddedDataDir(const Config& config) {
  if (!config.storage.empty()) return std::optional<DataDirLock>();
  FERRY_RETURN_IF_ERROR(storage::sqlite::MakePrivateDirectory(config.data_dir, "data directory"));
  FERRY_ASSIGN_OR_RETURN(DataDirLock lock,
                         DataDirLock::Acquire(config.data_dir, DataDirLock::kShared));
  return std::optional<DataDirLock>(std::move(lock));
}

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace ferry::app
