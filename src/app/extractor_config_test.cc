// [[extractors.http]] in the TOML config: parsing, validation, registration.
#include "app/extractor_config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "app/config.h"

namespace ferry::app {
namespace {

class ExtractorConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ferry_xconfig_XXXXXX";
    int fd = mkstemp(tmpl);
    ASSERT_GE(fd, 0);
    close(fd);
    path_ = tmpl;
  }
  void TearDown() override { std::remove(path_.c_str()); }

  // Applies `toml` and validates; the first error, or Ok.
  Status Load(const std::string& toml, Config* c) {
    std::ofstream(path_) << toml;
    FERRY_RETURN_IF_ERROR(ApplyTomlFile(path_, c));
    return c->Validate();
  }

  std::string path_;
};

constexpr const char* kTwo = R"(
listen = "127.0.0.1:9000"
[[extractors.http]]
name = "openai_small"
version = "v2"
base_url = "https://api.example.com/v1"
model = "text-embedding-3-small"
dimensions = 1536
send_dimensions = true
api_key_env = "OPENAI_API_KEY"
batch_size = 64
timeout_seconds = 20
connect_timeout_seconds = 3
max_retries = 6
backoff_initial_ms = 100
backoff_max_ms = 2000

[[extractors.http]]
name = "local"
base_url = "http://127.0.0.1:8000/v1"
model = "bge"
dimensions = 384
api_key_file = "/run/secrets/embed"
)";

TEST_F(ExtractorConfigTest, HttpEntriesAreRead) {
  Config c;
  ASSERT_TRUE(Load(kTwo, &c).ok());
  EXPECT_EQ(c.port(), 9000);
  ASSERT_EQ(c.http_extractors.size(), 2u);
  const auto& a = c.http_extractors[0];
  EXPECT_EQ(a.name, "openai_small");
  EXPECT_EQ(a.version, "v2");
  EXPECT_EQ(a.dimensions, 1536);
  EXPECT_TRUE(a.send_dimensions);
  EXPECT_EQ(a.api_key_env, "OPENAI_API_KEY");
  EXPECT_EQ(a.batch_size, 64);
  EXPECT_EQ(a.timeout_seconds, 20);
  EXPECT_EQ(a.connect_timeout_seconds, 3);
  EXPECT_EQ(a.max_retries, 6);
  EXPECT_EQ(a.backoff_initial_ms, 100);
  EXPECT_EQ(a.backoff_max_ms, 2000);
  const auto& b = c.http_extractors[1];
  EXPECT_EQ(b.version, "v1");
  EXPECT_EQ(b.batch_size, 16);
  EXPECT_EQ(b.api_key_file, "/run/secrets/embed");
}

TEST_F(ExtractorConfigTest, ErrorsNameTheEntryAndKey) {
  struct Case {
    const char* toml;
    const char* message;
  };
  const Case cases[] = {
      {"[[extractors.http]]\nname=\"x\"\nmodel=\"m\"\ndimensions=8\n",
       "extractors.http[0]: base_url is required"},
      {"[[extractors.http]]\nname=\"x\"\nbase_url=\"http://h/v1\"\nmodel=\"m\"\ndimensions=0\n",
       "extractors.http[0]: dimensions must be 1-65536, got 0"},
      {"[[extractors.http]]\nname=\"x\"\nbase_url=\"http://h/v1\"\nmodel=\"m\"\n"
       "dimensions=\"big\"\n",
       "extractors.http[0].dimensions must be an integer"},
      {"[[extractors.http]]\nname=\"x\"\nbase_url=\"http://h/v1\"\nmodel=\"m\"\ndimensions=4\n"
       "api_key=\"sk-plain\"\n",
       "extractors.http[0].api_key is not accepted"},
      {"[[extractors.http]]\nname=\"x\"\ncolour=1\n",
       "unknown configuration key "
       "'extractors.http[0].colour'"},
      {"[extractors]\nhttp = 3\n", "extractors.http must be an array of tables"},
      {"[extractors.grpc]\nx = 1\n", "unknown configuration key 'extractors.grpc'"},
      {"[[extractors.http]]\nname=\"x\"\nbase_url=\"http://h/v1\"\nmodel=\"m\"\ndimensions=4\n"
       "[[extractors.http]]\nname=\"x\"\nbase_url=\"http://h/v1\"\nmodel=\"m\"\ndimensions=4\n",
       "extractors.http[1]: x@v1 is declared twice"},
  };
  for (const auto& tc : cases) {
    Config c;
    Status st = Load(tc.toml, &c);
    ASSERT_FALSE(st.ok()) << tc.toml;
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(st.message().find(tc.message), std::string::npos) << st.message();
  }
}

TEST_F(ExtractorConfigTest, RegistrationResolvesTheKeyAndRefusesBuiltins) {
  Logger logger(LogLevel::kError);
  Config c;
  ASSERT_TRUE(Load(kTwo, &c).ok());
  c.http_extractors.resize(1);
  c.http_extractors[0].api_key_env = "FERRY_TEST_UNSET_KEY_VARIABLE";
  unsetenv("FERRY_TEST_UNSET_KEY_VARIABLE");
  auto registry = extract::ExtractorRegistry::CreateBuiltin();
  Status missing = RegisterHttpExtractors(c, *registry, logger);
  EXPECT_EQ(missing.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(missing.message().find("FERRY_TEST_UNSET_KEY_VARIABLE"), std::string::npos);

  setenv("FERRY_TEST_UNSET_KEY_VARIABLE", "sk-test", 1);
  ASSERT_TRUE(RegisterHttpExtractors(c, *registry, logger).ok());
  const auto* fx = registry->Find("openai_small", "v2");
  ASSERT_NE(fx, nullptr);
  EXPECT_EQ(fx->info().dimensions, 1536);
  EXPECT_EQ(fx->max_batch_size(), 64u);

  c.http_extractors[0].name = "text_extractor";
  c.http_extractors[0].version = "v1";
  EXPECT_NE(RegisterHttpExtractors(c, *registry, logger).message().find("built-in"),
            std::string::npos);
  unsetenv("FERRY_TEST_UNSET_KEY_VARIABLE");
}

}  // namespace
}  // namespace ferry::app
