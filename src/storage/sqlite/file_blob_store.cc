#include "storage/sqlite/file_blob_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

#include "common/crypto.h"
#include "storage/sqlite/private_files.h"

namespace ferry::storage::sqlite {
namespace {

namespace fs = std::filesystem;

Status ErrnoStatus(int error, const std::string& what) {
  std::string message = what + ": " + std::strerror(error);
  if (error == ENOSPC || error == EDQUOT) return Status::ResourceExhausted(std::move(message));
  return Status::Internal(std::move(message));
}

// Closes a file descriptor on scope exit.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }
  // Closes now, reporting the error close() can surface for buffered writes.
  int Close() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

Status WriteAll(int fd, std::string_view bytes, const std::string& what) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(errno, "write " + what);
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

// Makes a directory entry change (create, rename) durable.
Status SyncDirectory(const fs::path& dir) {
  FileDescriptor fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  // Messages name no path (they reach clients and logs): "blob store directory".
  if (fd.get() < 0) return ErrnoStatus(errno, "open blob store directory");
  if (::fsync(fd.get()) != 0) return ErrnoStatus(errno, "fsync blob store directory");
  return Status::Ok();
}

Status EnsureDirectory(const fs::path& dir) {
  std::error_code ec;
  if (fs::create_directories(dir, ec)) {
    // 0700 whatever the umask (data at rest is private; see private_files.h).
    if (::chmod(dir.c_str(), 0700) != 0) {
      return ErrnoStatus(errno, "set permissions of blob store directory");
    }
    return SyncDirectory(dir.parent_path());
  }
  if (ec) return ErrnoStatus(ec.value(), "create blob store directory");
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<FileBlobStore>> FileBlobStore::Open(const fs::path& root) {
  FERRY_RETURN_IF_ERROR(EnsureDirectory(root));
  FERRY_RETURN_IF_ERROR(MakePrivateDirectory(root, "blob store directory"));  // if it existed
  return std::unique_ptr<FileBlobStore>(new FileBlobStore(root));
}

bool FileBlobStore::IsValidHash(std::string_view hash) {
  if (hash.size() != 64) return false;
  for (char c : hash) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

fs::path FileBlobStore::PathFor(const std::string& hash) const {
  return root_ / hash.substr(0, 2) / hash.substr(2);
}

Result<std::string> FileBlobStore::Put(std::string_view bytes) {
  if (closed_) return Status::Unavailable("blob store closed");
  std::string hash = Sha256Hex(bytes);
  fs::path target = PathFor(hash);
  std::error_code ec;
  if (fs::exists(target, ec)) return hash;  // same name, same bytes: already stored
  FERRY_RETURN_IF_ERROR(EnsureDirectory(target.parent_path()));
  FERRY_RETURN_IF_ERROR(WriteAtomically(target, bytes));
  return hash;
}

Status FileBlobStore::WriteAtomically(const fs::path& target, std::string_view bytes) {
  std::string temp = (target.parent_path() / ".tmp-XXXXXX").string();
  FileDescriptor fd(::mkostemp(temp.data(), O_CLOEXEC));
  const std::string what = "blob " + target.filename().string();
  if (fd.get() < 0) return ErrnoStatus(errno, "create temporary file for " + what);
  Status status = WriteAll(fd.get(), bytes, what);
  if (status.ok() && ::fsync(fd.get()) != 0) status = ErrnoStatus(errno, "fsync " + what);
  if (status.ok() && fd.Close() != 0) status = ErrnoStatus(errno, "close " + what);
  if (status.ok() && ::rename(temp.c_str(), target.c_str()) != 0) {
    status = ErrnoStatus(errno, "rename " + what);
  }
  if (!status.ok()) {
    ::unlink(temp.c_str());
    return status;
  }
  return SyncDirectory(target.parent_path());
}

Result<std::string> FileBlobStore::Get(const std::string& hash) {
  if (closed_) return Status::Unavailable("blob store closed");
  if (!IsValidHash(hash)) return Status::InvalidArgument("not a SHA-256 hex digest: " + hash);
  fs::path path = PathFor(hash);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return Status::NotFound("blob not found: " + hash);
    return Status::Internal("cannot open blob " + hash);
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return Status::Internal("read failed: blob " + hash);
  std::string bytes = std::move(content).str();
  if (Sha256Hex(bytes) != hash) {
    return Status::DataLoss("blob content does not match its hash: " + hash);
  }
  return bytes;
}

bool FileBlobStore::Contains(const std::string& hash) {
  if (closed_ || !IsValidHash(hash)) return false;
  std::error_code ec;
  return fs::exists(PathFor(hash), ec);
}

}  // namespace ferry::storage::sqlite
