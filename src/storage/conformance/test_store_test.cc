// The directory store that directory-based backends give the conformance suite.

#include "storage/conformance/test_store.h"

#include <filesystem>
#include <fstream>
#include <vector>

#include "storage/conformance/storage_conformance.h"

namespace ferry::storage::testing {
namespace {

namespace fs = std::filesystem;

TEST(DirectoryBackendTest, GivesEachTestAFreshDirectoryAndRemovesItWithItsContents) {
  std::vector<std::string> opened;
  const BackendParam backend = DirectoryBackend(
      "dir", [&](const std::string& directory) -> Result<std::unique_ptr<StorageEngine>> {
        opened.push_back(directory);
        return Status::Unavailable("no engine in this test");
      });
  EXPECT_EQ(backend.name, "dir");
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<TestStore> first, backend.new_store());
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<TestStore> second, backend.new_store());
  const fs::path directory = first->location();
  EXPECT_TRUE(fs::is_directory(directory));
  EXPECT_TRUE(fs::is_empty(directory));
  EXPECT_NE(second->location(), first->location());

  // Every Open (the first, and each restart) is over the same directory.
  EXPECT_EQ(STATUS_CODE(first->Open()), StatusCode::kUnavailable);
  EXPECT_EQ(STATUS_CODE(first->Open()), StatusCode::kUnavailable);
  EXPECT_EQ(opened, (std::vector<std::string>{directory.string(), directory.string()}));

  fs::create_directories(directory / "ns");
  std::ofstream(directory / "ns" / "data") << "bytes";
  first.reset();
  EXPECT_FALSE(fs::exists(directory));
  EXPECT_TRUE(fs::is_directory(second->location()));
}

}  // namespace
}  // namespace ferry::storage::testing
