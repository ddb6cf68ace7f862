#pragma once
// TempDir: a fresh directory for a test, removed with its contents at scope exit. Shared
// by the SQLite backend's own tests.

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace ferry::storage::sqlite {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ferry-sqlite-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace ferry::storage::sqlite
