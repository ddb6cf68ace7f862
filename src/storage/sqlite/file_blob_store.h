#pragma once
// BlobStore on the local file system: DIR/ab/cdef… where "abcdef…" is the SHA-256 of the
// content (the first two hex digits fan the files out over 256 directories). Writes are
// atomic and durable: temp file in the same directory, fsync, rename, fsync directory.
// Thread-safe: concurrent Puts of the same bytes race only on an atomic rename of
// identical content.

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "storage/blob_store.h"

namespace ferry::storage::sqlite {

class FileBlobStore final : public BlobStore {
 public:
  // Uses (creating when missing) the directory `root`.
  static Result<std::unique_ptr<FileBlobStore>> Open(const std::filesystem::path& root);

  // Later calls fail with Unavailable (Contains returns false). Idempotent.
  void Close() { closed_ = true; }

  Result<std::string> Put(std::string_view bytes) override;
  Result<std::string> Get(const std::string& hash) override;
  bool Contains(const std::string& hash) override;

  // Where the blob with `hash` lives. REQUIRES: IsValidHash(hash).
  std::filesystem::path PathFor(const std::string& hash) const;
  // 64 lowercase hex digits.
  static bool IsValidHash(std::string_view hash);

 private:
  explicit FileBlobStore(std::filesystem::path root) : root_(std::move(root)) {}
  Status WriteAtomically(const std::filesystem::path& target, std::string_view bytes);

  const std::filesystem::path root_;
  std::atomic<bool> closed_{false};
};

}  // namespace ferry::storage::sqlite
