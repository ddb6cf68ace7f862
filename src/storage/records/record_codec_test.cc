// The record encodings on their own, without any backend.

#include "storage/records/record_codec.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ferry::storage::records {
namespace {

TEST(RecordCodecTest, FloatsAreLittleEndianAndChecked) {
  EXPECT_EQ(EncodeFloats({1.0f}), std::string("\x00\x00\x80\x3f", 4));
  std::vector<float> out;
  EXPECT_TRUE(DecodeFloats(std::string("\x00\x00\x80\x3f", 4), 1, &out));
  EXPECT_EQ(out, std::vector<float>{1.0f});
  EXPECT_FALSE(DecodeFloats("abc", 1, &out));
  model::BucketSchema schema;
  EXPECT_FALSE(DecodeSchema("not an encoded value", &schema));
}

}  // namespace
}  // namespace ferry::storage::records
