#include "app/data_dir_lock.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

namespace ferry::app {
namespace {

namespace fs = std::filesystem;

class DataDirLockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "ferry-lock-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string dir_;
};

TEST_F(DataDirLockTest, ServersShareItAndAMoveExcludesThem) {
  {
    auto first = DataDirLock::Acquire(dir_, DataDirLock::kShared);
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    auto second = DataDirLock::Acquire(dir_, DataDirLock::kShared);
    ASSERT_TRUE(second.ok()) << second.status().ToString();
    auto move = DataDirLock::Acquire(dir_, DataDirLock::kExclusive);
    ASSERT_FALSE(move.ok());
    EXPECT_EQ(move.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_NE(move.status().message().find("in use"), std::string::npos);
    EXPECT_EQ(move.status().message().find(dir_), std::string::npos);
  }
  auto move = DataDirLock::Acquire(dir_, DataDirLock::kExclusive);
  ASSERT_TRUE(move.ok()) << move.status().ToString();
  auto server = DataDirLock::Acquire(dir_, DataDirLock::kShared);
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(DataDirLockTest, AServerOnPostgresTakesNoLock) {
  Config config;
  config.data_dir = dir_;
  config.storage = "postgresql://u@localhost:1/db";
  auto exclusive = DataDirLock::Acquire(dir_, DataDirLock::kExclusive);
  ASSERT_TRUE(exclusive.ok());
  auto lock = LockEmbeddedDataDir(config);
  ASSERT_TRUE(lock.ok()) << lock.status().ToString();
  EXPECT_FALSE(lock->has_value());
  config.storage.clear();
  EXPECT_EQ(LockEmbeddedDataDir(config).status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace ferry::app
