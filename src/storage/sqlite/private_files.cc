#include "storage/sqlite/private_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "common/crypto.h"

namespace ferry::storage::sqlite {
namespace {

namespace fs = std::filesystem;

constexpr mode_t kPrivateDirectoryMode = 0700;
constexpr mode_t kPrivateFileMode = 0600;

Status ErrnoStatus(int error, const std::string& what) {
  std::string message = what + ": " + std::strerror(error);
  if (error == ENOSPC || error == EDQUOT) return Status::ResourceExhausted(std::move(message));
  return Status::Internal(std::move(message));
}

// chmod that tolerates an absent file.
Status ChmodIfExists(const std::string& path, mode_t mode, const std::string& what) {
  if (::chmod(path.c_str(), mode) == 0 || errno == ENOENT) return Status::Ok();
  return ErrnoStatus(errno, "set permissions of " + what);
}

Status WriteKeyFile(int fd, const std::string& key) {
  size_t done = 0;
  while (done < key.size()) {
    ssize_t n = ::write(fd, key.data() + done, key.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(errno, "write secret key file");
    done += static_cast<size_t>(n);
  }
  if (::fchmod(fd, kPrivateFileMode) != 0) return ErrnoStatus(errno, "chmod secret key file");
  if (::fsync(fd) != 0) return ErrnoStatus(errno, "fsync secret key file");
  return Status::Ok();
}

Result<std::string> ReadKeyFile(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "open secret key file");
  std::string key(kAeadKeyBytes + 1, '\0');
  ssize_t n;
  do {
    n = ::read(fd, key.data(), key.size());
  } while (n < 0 && errno == EINTR);
  const int read_errno = errno;
  ::close(fd);
  if (n < 0) return ErrnoStatus(read_errno, "read secret key file");
  if (static_cast<size_t>(n) != kAeadKeyBytes) {
    return Status::DataLoss("secret key file does not hold a 32-byte key");
  }
  key.resize(kAeadKeyBytes);
  FERRY_RETURN_IF_ERROR(ChmodIfExists(path.string(), kPrivateFileMode, "secret key file"));
  return key;
}

// Writes a fresh key next to `path` and links it into place; EEXIST means another opener
// won the race, and its key is the one to use.
Status CreateKeyFile(const fs::path& path) {
  FERRY_ASSIGN_OR_RETURN(std::string key, RandomBytes(kAeadKeyBytes));
  std::string temp = path.string() + ".tmp-XXXXXX";
  int fd = ::mkostemp(temp.data(), O_CLOEXEC);  // mode 0600
  if (fd < 0) return ErrnoStatus(errno, "create secret key file");
  Status status = WriteKeyFile(fd, key);
  ::close(fd);
  if (status.ok() && ::link(temp.c_str(), path.c_str()) != 0 && errno != EEXIST) {
    status = ErrnoStatus(errno, "link secret key file");
  }
  ::unlink(temp.c_str());
  FERRY_RETURN_IF_ERROR(status);
  int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return ErrnoStatus(errno, "open data directory");
  const int rc = ::fsync(dir);
  const int sync_errno = errno;
  ::close(dir);
  if (rc != 0) return ErrnoStatus(sync_errno, "fsync data directory");
  return Status::Ok();
}

}  // namespace

Status MakePrivateDirectory(const fs::path& dir, const std::string& what) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::Internal("create " + what + ": " + ec.message());
  if (::chmod(dir.c_str(), kPrivateDirectoryMode) != 0) {
    return ErrnoStatus(errno, "set permissions of " + what);
  }
  return Status::Ok();
}

Status MakeDatabaseFilesPrivate(const std::string& path, bool create) {
  const std::string what = "database " + fs::path(path).stem().string();
  if (create) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, kPrivateFileMode);
    if (fd < 0) return ErrnoStatus(errno, "create " + what);
    ::close(fd);
  }
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    FERRY_RETURN_IF_ERROR(ChmodIfExists(path + suffix, kPrivateFileMode, what));
  }
  return Status::Ok();
}

Result<std::string> LoadOrCreateSecretKey(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) FERRY_RETURN_IF_ERROR(CreateKeyFile(path));
  return ReadKeyFile(path);
}

}  // namespace ferry::storage::sqlite
