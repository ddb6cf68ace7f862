#include "app/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace ferry::app {
namespace {

TEST(ConfigTest, DefaultsAreValid) {
  Config c;
  EXPECT_TRUE(c.Validate().ok());
  EXPECT_EQ(c.host(), "127.0.0.1");
  EXPECT_EQ(c.port(), 8080);
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

}  // namespace
}  // namespace ferry::app
