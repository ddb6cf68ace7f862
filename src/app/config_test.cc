#include "app/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace ferry::app {
namespace {

TEST(ConfigTest, DefaultsAreValid) {
  Config c;
  EXPECT_TRUE(c.Validate().ok());
  EXPECT_EQ(c.host(), "127.0.0.1");
  EXPECT_EQ(c.port(), 8080);
}

// Issue 11: `storage` picks PostgreSQL (TOML key, FERRY_STORAGE); anything but a
// postgresql:// URL is refused without echoing the value (it may hold a password).
TEST(ConfigTest, StorageIsEmbeddedOrAPostgresqlUrl) {
  Config c;
  EXPECT_TRUE(c.storage.empty());
  ASSERT_TRUE(ApplyTomlString("storage = \"postgresql://f@db:5432/ferry\"\n", &c).ok());
  EXPECT_EQ(c.storage, "postgresql://f@db:5432/ferry");
  EXPECT_TRUE(c.Validate().ok());
  ASSERT_TRUE(ApplyEnvironment({{"FERRY_STORAGE", "postgres://g@h/x"}}, &c).ok());
  EXPECT_EQ(c.storage, "postgres://g@h/x");
  EXPECT_TRUE(c.Validate().ok());
  c.storage = "mysql://u:hunter2@h/x";
  Status st = c.Validate();
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message().find("hunter2"), std::string::npos);
}

// Issue 12: the dashboard's directory (TOML ui_dir, FERRY_UI_DIR); unset, the `ui` folder
// beside the binary, else ../share/ferry/ui from it.
TEST(ConfigTest, UiDirComesFromFileAndEnvironment) {
  Config c;
  EXPECT_TRUE(c.ui_dir.empty());
  ASSERT_TRUE(ApplyTomlString("[server]\nui_dir = \"/srv/ferry/ui\"\n", &c).ok());
  EXPECT_EQ(c.ui_dir, "/srv/ferry/ui");
  ASSERT_TRUE(ApplyEnvironment({{"FERRY_UI_DIR", "/opt/ui"}}, &c).ok());
  EXPECT_EQ(c.ui_dir, "/opt/ui");
  EXPECT_EQ(ResolveUiDir("/opt/ui"), "/opt/ui");
  auto exe_dir = std::filesystem::read_symlink("/proc/self/exe").parent_path();
  std::string resolved = ResolveUiDir("");
  if (std::filesystem::is_directory(exe_dir / "ui")) {
    EXPECT_EQ(resolved, (exe_dir / "ui").string());
  } else {
    EXPECT_EQ(resolved, (exe_dir.parent_path() / "share" / "ferry" / "ui").string());
  }
}

TEST(ConfigTest, FileThenEnvironmentLaterWins) {
  char path[] = "/tmp/ferry_config_XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << "data_dir = \"/srv/ferry\"\nlisten = \"0.0.0.0:9000\"\n"
                         "[server]\nworkers = 3\n";
  Config c;
  ASSERT_TRUE(ApplyTomlFile(path, &c).ok());
  EXPECT_EQ(c.data_dir, "/srv/ferry");
  EXPECT_EQ(c.workers, 3u);
  ASSERT_TRUE(ApplyEnvironment({{"FERRY_LISTEN", "127.0.0.1:7000"}}, &c).ok());
  EXPECT_EQ(c.port(), 7000);
  EXPECT_EQ(c.data_dir, "/srv/ferry");
  std::remove(path);
}

TEST(ConfigTest, BadValuesAreRejectedWithTheirName) {
  Config c;
  Status st = ApplyEnvironment({{"FERRY_WORKERS", "many"}}, &c);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("workers"), std::string::npos);
  c.listen = "localhost";
  EXPECT_FALSE(c.Validate().ok());
  c.listen = "localhost:99999";
  EXPECT_FALSE(c.Validate().ok());
}

TEST(ConfigTest, ResourceCapsComeFromFileAndEnvironment) {
  char path[] = "/tmp/ferry_config_XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << "[server]\nmax_connections = 64\nmax_image_pixels = 1000000\n";
  Config c;
  EXPECT_EQ(c.max_connections, 1024u);
  EXPECT_EQ(c.max_image_pixels, 40'000'000u);
  ASSERT_TRUE(ApplyTomlFile(path, &c).ok());
  EXPECT_EQ(c.max_connections, 64u);
  EXPECT_EQ(c.max_image_pixels, 1'000'000u);
  ASSERT_TRUE(
      ApplyEnvironment({{"FERRY_MAX_CONNECTIONS", "8"}, {"FERRY_MAX_IMAGE_PIXELS", "4096"}}, &c)
          .ok());
  EXPECT_EQ(c.max_connections, 8u);
  EXPECT_EQ(c.max_image_pixels, 4096u);
  EXPECT_TRUE(c.Validate().ok());
  c.max_connections = 0;
  EXPECT_NE(c.Validate().message().find("max_connections"), std::string::npos);
  c.max_connections = 8;
  c.max_image_pixels = 0;
  EXPECT_NE(c.Validate().message().find("max_image_pixels"), std::string::npos);
  std::remove(path);
}

TEST(ConfigTest, UnknownTomlKeyIsAnError) {
  char path[] = "/tmp/ferry_config_XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << "data_dri = \"x\"\n";
  Config c;
  EXPECT_FALSE(ApplyTomlFile(path, &c).ok());
  std::remove(path);
}

TEST(ConfigTest, TomlTextIsAppliedLikeAFile) {
  Config c;
  ASSERT_TRUE(ApplyTomlString("listen = \"0.0.0.0:9000\"\n[server]\nworkers = 3\n", &c).ok());
  EXPECT_EQ(c.port(), 9000);
  EXPECT_EQ(c.workers, 3u);
  EXPECT_FALSE(ApplyTomlString("data_dri = \"x\"\n", &c).ok());
  Status bad = ApplyTomlString("listen = \n", &c);
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
}

TEST(ConfigTest, MetricsRequireAuthFromTomlAndEnvironment) {
  Config c;
  EXPECT_FALSE(c.metrics_require_auth);
  ASSERT_TRUE(ApplyTomlString("metrics_require_auth = true\n", &c).ok());
  EXPECT_TRUE(c.metrics_require_auth);
  ASSERT_TRUE(ApplyEnvironment({{"FERRY_METRICS_REQUIRE_AUTH", "0"}}, &c).ok());
  EXPECT_FALSE(c.metrics_require_auth);
  Status bad = ApplyEnvironment({{"FERRY_METRICS_REQUIRE_AUTH", "yes"}}, &c);
  EXPECT_EQ(bad.message(), "metrics_require_auth must be true or false");
}

TEST(ConfigTest, ChangeLogRetentionFromTomlAndEnvironmentWithinRange) {
  Config c;
  EXPECT_EQ(c.change_log_retention_seconds, 86400u);
  EXPECT_EQ(c.change_log_trim_interval_ms, 60000u);
  ASSERT_TRUE(ApplyTomlString("[change_log]\nchange_log_retention_seconds = 0\n"
                              "change_log_trim_interval_ms = 50\n",
                              &c)
                  .ok());
  EXPECT_EQ(c.change_log_retention_seconds, 0u);
  EXPECT_EQ(c.change_log_trim_interval_ms, 50u);
  EXPECT_TRUE(c.Validate().ok());
  ASSERT_TRUE(ApplyEnvironment({{"FERRY_CHANGE_LOG_RETENTION_SECONDS", "3600"},
                                {"FERRY_CHANGE_LOG_TRIM_INTERVAL_MS", "5"}},
                               &c)
                  .ok());
  EXPECT_EQ(c.change_log_retention_seconds, 3600u);
  EXPECT_EQ(c.Validate().message(), "change_log_trim_interval_ms must be 10-86400000");
  c.change_log_trim_interval_ms = 10;
  c.change_log_retention_seconds = 315'360'001;
  EXPECT_EQ(c.Validate().message(), "change_log_retention_seconds must be 0-315360000");
}

// Regression (fuzz/toml_config_fuzzer): a float where an integer belongs is refused; 2e33
// was converted to int64 with undefined behaviour (and read as a negative number).
TEST(ConfigTest, FloatForAnIntegerKeyIsRefused) {
  for (const char* text : {"workers = 2e33\n", "workers = 4.0\n", "workers = nan\n"}) {
    Config c;
    Status st = ApplyTomlString(text, &c);
    EXPECT_EQ(st.message(), "configuration key 'workers' has an unsupported type") << text;
  }
}

}  // namespace
}  // namespace ferry::app
