#include "api/ui_routes.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace ferry::api {
namespace {

namespace fs = std::filesystem;

class UiFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tmp_ = fs::temp_directory_path() /
           ("ferry_ui_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(tmp_);
    root_ = tmp_ / "ui";
    fs::create_directories(root_ / "sub");
    Write(root_ / "index.html", "<!doctype html>");
    Write(root_ / "sub" / "a.js", "export {};");
    Write(tmp_ / "secret.key", "secret");
  }
  void TearDown() override { fs::remove_all(tmp_); }

  static void Write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }
  std::optional<std::string> Resolve(std::string_view rel) const {
    return ResolveUiFile(root_.string(), rel);
  }

  fs::path tmp_;
  fs::path root_;
};

TEST_F(UiFilesTest, ResolvesRegularFilesInsideTheRoot) {
  auto index = Resolve("index.html");
  ASSERT_TRUE(index.has_value());
  EXPECT_EQ(*index, fs::canonical(root_ / "index.html").string());
  auto nested = Resolve("sub/a.js");
  ASSERT_TRUE(nested.has_value());
  EXPECT_EQ(*nested, fs::canonical(root_ / "sub" / "a.js").string());
}

TEST_F(UiFilesTest, RefusesTraversalAndAbsolutePaths) {
  const std::string_view kBad[] = {"../secret.key",
                                   "..",
                                   ".",
                                   "sub/../index.html",
                                   "sub/../../secret.key",
                                   "./index.html",
                                   "/etc/passwd",
                                   "",
                                   "sub//a.js",
                                   "index.html/",
                                   "..\\secret.key",
                                   "C:secret.key",
                                   std::string_view("index.html\0x", 12)};
  for (std::string_view bad : kBad) {
    EXPECT_FALSE(Resolve(bad).has_value()) << bad;
  }
  auto abs = (tmp_ / "secret.key").string();
  EXPECT_FALSE(Resolve(abs).has_value());
}

TEST_F(UiFilesTest, RefusesMissingFilesAndDirectories) {
  EXPECT_FALSE(Resolve("missing.js").has_value());
  EXPECT_FALSE(Resolve("sub").has_value());
  EXPECT_FALSE(ResolveUiFile((tmp_ / "nowhere").string(), "index.html").has_value());
}

TEST_F(UiFilesTest, FollowsSymlinksOnlyWhenTheyStayInside) {
  fs::create_symlink(tmp_ / "secret.key", root_ / "leak.txt");
  fs::create_directory_symlink(tmp_, root_ / "up");
  fs::create_symlink(root_ / "index.html", root_ / "alias.html");
  EXPECT_FALSE(Resolve("leak.txt").has_value());
  EXPECT_FALSE(Resolve("up/secret.key").has_value());
  auto alias = Resolve("alias.html");
  ASSERT_TRUE(alias.has_value());
  EXPECT_EQ(*alias, fs::canonical(root_ / "index.html").string());
}

TEST_F(UiFilesTest, RootNamedByASymlinkStillServesItsFiles) {
  fs::create_directory_symlink(root_, tmp_ / "ui-link");
  EXPECT_TRUE(ResolveUiFile((tmp_ / "ui-link").string(), "index.html").has_value());
  EXPECT_FALSE(ResolveUiFile((tmp_ / "ui-link").string(), "../secret.key").has_value());
}

TEST(UiContentTypeTest, ByExtension) {
  EXPECT_EQ(UiContentType("/x/index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(UiContentType("app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(UiContentType("style.css"), "text/css; charset=utf-8");
  EXPECT_EQ(UiContentType("logo.svg"), "image/svg+xml");
  EXPECT_EQ(UiContentType("LICENSE"), "application/octet-stream");
  EXPECT_EQ(UiContentType("archive.tar.gz"), "application/octet-stream");
}

}  // namespace
}  // namespace ferry::api
