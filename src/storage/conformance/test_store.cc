#include "storage/conformance/test_store.h"

#include <stdlib.h>

#include <filesystem>
#include <utility>

namespace ferry::storage::testing {
namespace {

namespace fs = std::filesystem;

class DirectoryStore : public TestStore {
 public:
  DirectoryStore(fs::path directory, DirectoryEngineFactory open)
      : directory_(std::move(directory)), open_(std::move(open)) {}
  ~DirectoryStore() override {
    std::error_code ec;
    fs::remove_all(directory_, ec);
  }

  Result<std::unique_ptr<StorageEngine>> Open() override { return open_(directory_.string()); }
  std::string location() const override { return directory_.string(); }

 private:
  fs::path directory_;
  DirectoryEngineFactory open_;
};

Result<std::unique_ptr<TestStore>> NewDirectoryStore(const DirectoryEngineFactory& open) {
  std::error_code ec;
  const fs::path temp = fs::temp_directory_path(ec);
  if (ec) return Status::Internal("no temporary directory: " + ec.message());
  std::string pattern = (temp / "ferry-storage-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return Status::Internal("cannot create a temporary directory under " + temp.string());
  }
  return std::unique_ptr<TestStore>(std::make_unique<DirectoryStore>(pattern, open));
}

}  // namespace

BackendParam DirectoryBackend(std::string name, DirectoryEngineFactory open) {
  return BackendParam{std::move(name),
                      [open = std::move(open)] { return NewDirectoryStore(open); }};
}

}  // namespace ferry::storage::testing
