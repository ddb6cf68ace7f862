#include "storage/records/packed_vectors.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/records/record_codec.h"

namespace ferry::storage::records {
namespace {

std::vector<model::FeatureVector> Sample() {
  std::vector<model::FeatureVector> v(3);
  v[0].feature_uri = "mixpeek://text_extractor@v2/embedding";
  v[0].values = {1.0f, -0.5f, 3.25f};
  v[1].feature_uri = std::string(300, 'u');  // a URI longer than one LEB128 byte says
  v[1].values.assign(200, 0.125f);
  v[2].feature_uri = "empty";  // no dimensions
  return v;
}

TEST(PackedVectorsTest, RoundTripsInPositionOrder) {
  const auto vectors = Sample();
  std::vector<model::FeatureVector> got;
  ASSERT_TRUE(DecodePackedVectors(EncodePackedVectors(vectors), &got));
  ASSERT_EQ(got.size(), 3u);
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].feature_uri, vectors[i].feature_uri);
    EXPECT_EQ(got[i].values, vectors[i].values);
  }
  ASSERT_TRUE(DecodePackedVectors("", &got));
  EXPECT_TRUE(got.empty());
  EXPECT_EQ(EncodePackedVectors({}), "");
}

// The stored form is fixed whatever the host: float32 little-endian after LEB128 lengths.
TEST(PackedVectorsTest, StoresFloatsLittleEndian) {
  EXPECT_EQ(EncodeFloats({1.0f, -2.0f}), std::string("\x00\x00\x80\x3f\x00\x00\x00\xc0", 8));
  const std::vector<model::FeatureVector> one = {{std::string(1, 'u'), {0.5f}}};
  EXPECT_EQ(EncodePackedVectors(one), std::string("\x01u\x01\x00\x00\x00\x3f", 7));
  std::vector<float> back;
  ASSERT_TRUE(DecodeFloats(std::string("\x00\x00\x80\x3f", 4), 1, &back));
  EXPECT_EQ(back, std::vector<float>{1.0f});
  EXPECT_FALSE(DecodeFloats(std::string("\x00\x00\x80", 3), 1, &back));
}

TEST(PackedVectorsTest, TheReaderGivesTheStoredBytes) {
  const auto vectors = Sample();
  std::string packed;
  for (const auto& v : vectors) AppendPackedVector(v.feature_uri, EncodeFloats(v.values), &packed);
  EXPECT_EQ(packed, EncodePackedVectors(vectors));
  PackedVectorReader reader(packed);
  std::string_view uri, bytes;
  for (const auto& v : vectors) {
    ASSERT_TRUE(reader.Next(&uri, &bytes));
    EXPECT_EQ(uri, v.feature_uri);
    EXPECT_EQ(bytes, EncodeFloats(v.values));
  }
  EXPECT_FALSE(reader.Next(&uri, &bytes));
  EXPECT_TRUE(reader.ok());
}

TEST(PackedVectorsTest, RefusesTruncatedOrOverlongPackings) {
  const std::string packed = EncodePackedVectors(Sample());
  std::vector<model::FeatureVector> got;
  for (size_t cut = 1; cut < packed.size(); ++cut) {
    // Every strict prefix ends inside a vector except at a vector's boundary.
    const std::string prefix = packed.substr(0, cut);
    PackedVectorReader reader(prefix);
    std::string_view uri, bytes;
    size_t read = 0;
    while (reader.Next(&uri, &bytes)) ++read;
    EXPECT_EQ(reader.ok(), DecodePackedVectors(prefix, &got)) << cut;
    if (reader.ok()) {
      EXPECT_EQ(got.size(), read);
    }
  }
  EXPECT_FALSE(DecodePackedVectors(std::string("\x05"
                                               "abc",
                                               4),
                                   &got));  // URI past the end
  EXPECT_FALSE(DecodePackedVectors(std::string("\x01"
                                               "a\x02"
                                               "1234",
                                               7),
                                   &got));                           // 2 dims, 4 bytes
  EXPECT_FALSE(DecodePackedVectors(std::string(11, '\xff'), &got));  // a length never ending
}

}  // namespace
}  // namespace ferry::storage::records
