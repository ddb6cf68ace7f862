#include "extract/http/http_extractor_config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace ferry::extract::http {
namespace {

HttpExtractorConfig Valid() {
  HttpExtractorConfig c;
  c.name = "openai_small";
  c.base_url = "http://127.0.0.1:9/v1";
  c.model = "text-embedding-3-small";
  c.dimensions = 8;
  return c;
}

void ExpectInvalid(const HttpExtractorConfig& c, const std::string& needle) {
  Status st = c.Validate();
  ASSERT_FALSE(st.ok()) << needle;
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find(needle), std::string::npos) << st.message();
}

TEST(HttpExtractorConfigTest, ValidConfigPasses) { EXPECT_TRUE(Valid().Validate().ok()); }

TEST(HttpExtractorConfigTest, EachBadFieldIsNamed) {
  auto c = Valid();
  c.base_url = "";
  ExpectInvalid(c, "base_url is required");
  c = Valid();
  c.base_url = "ftp://x/v1";
  ExpectInvalid(c, "base_url must start with http:// or https://");
  c = Valid();
  c.base_url = "https://user:pw@host/v1";
  ExpectInvalid(c, "must not contain credentials");
  c = Valid();
  c.dimensions = 0;
  ExpectInvalid(c, "dimensions must be 1-65536, got 0");
  c = Valid();
  c.model = "";
  ExpectInvalid(c, "model is required");
  c = Valid();
  c.name = "Bad Name";
  ExpectInvalid(c, "name must be");
  c = Valid();
  c.version = "v/1";
  ExpectInvalid(c, "version must be");
  c = Valid();
  c.batch_size = 0;
  ExpectInvalid(c, "batch_size must be 1-2048");
  c = Valid();
  c.max_retries = 21;
  ExpectInvalid(c, "max_retries must be 0-20");
  c = Valid();
  c.timeout_seconds = 0;
  ExpectInvalid(c, "timeout_seconds must be");
  c = Valid();
  c.backoff_max_ms = 10;
  ExpectInvalid(c, "backoff_max_ms must be 250-600000");
  c = Valid();
  // (std::string, not a literal: GCC 12's -Wrestrict misfires on short literal assigns.)
  c.api_key_env = std::string("FERRY_KEY");
  c.api_key_file = std::string("/run/key");
  ExpectInvalid(c, "not both");
}

TEST(HttpExtractorConfigTest, ApiKeyFromEnvironmentByName) {
  auto c = Valid();
  c.api_key_env = "MY_KEY";
  auto key = ResolveApiKey(c, [](const char* name) -> const char* {
    return std::string(name) == "MY_KEY" ? "sk-secret" : nullptr;
  });
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*key, "sk-secret");
  auto missing = ResolveApiKey(c, [](const char*) -> const char* { return nullptr; });
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("MY_KEY"), std::string::npos);
}

TEST(HttpExtractorConfigTest, ApiKeyFromFileWithoutTrailingNewline) {
  std::string path = ::testing::TempDir() + "/key_" + std::to_string(getpid());
  std::ofstream(path) << "sk-from-file\n";
  auto c = Valid();
  c.api_key_file = path;
  auto key = ResolveApiKey(c, [](const char*) -> const char* { return nullptr; });
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(*key, "sk-from-file");
  std::remove(path.c_str());
  auto gone = ResolveApiKey(c, [](const char*) -> const char* { return nullptr; });
  EXPECT_EQ(gone.status().code(), StatusCode::kFailedPrecondition);
}

TEST(HttpExtractorConfigTest, NoKeyReferenceMeansNoKey) {
  auto key = ResolveApiKey(Valid(), [](const char*) -> const char* { return "x"; });
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*key, "");
}

}  // namespace
}  // namespace ferry::extract::http
