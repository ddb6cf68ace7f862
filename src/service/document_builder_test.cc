// DocumentBuilder with an extractor that batches: group sizes, order, and a hung batch
// failing only the items it carried.
#include "service/document_builder.h"

#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <stdexcept>

#include "extract/text_extractor.h"
#include "service/item_limits.h"

namespace ferry::service {
namespace {

class NoBlobs final : public storage::BlobStore {
 public:
  Result<std::string> Put(std::string_view) override { return Status::Internal("unused"); }
  Result<std::string> Get(const std::string&) override { return Status::NotFound("none"); }
  bool Contains(const std::string&) override { return false; }
};

// pair_extractor@v1: text in, two dimensions out.
extract::ExtractorInfo PairInfo() {
  extract::ExtractorInfo info;
  info.name = "pair_extractor";
  info.version = "v1";
  info.input_name = "text";
  info.input_type = "text";
  info.dimensions = 2;
  return info;
}

// Batches of up to 2; the vector is (length of text, 1); hangs on a batch holding "hang".
class PairExtractor final : public extract::FeatureExtractor {
 public:
  explicit PairExtractor(std::shared_future<void> release)
      : info_(PairInfo()), release_(std::move(release)) {}
  const extract::ExtractorInfo& info() const override { return info_; }
  Status ValidateParameters(const model::Value&) const override { return Status::Ok(); }
  Result<std::vector<extract::ExtractedDocument>> Extract(const extract::ExtractorInput&,
                                                          const model::Value&) const override {
    return Status::Internal("only batches expected");
  }
  std::vector<Result<std::vector<extract::ExtractedDocument>>> ExtractBatch(
      const std::vector<extract::ExtractorInput>& inputs, const model::Value&) const override {
    std::vector<Result<std::vector<extract::ExtractedDocument>>> out;
    {
      std::lock_guard<std::mutex> lock(mu_);
      sizes.push_back(inputs.size());
    }
    for (const auto& in : inputs) {
      if (in.text == "hang") release_.wait();
      out.push_back(std::vector<extract::ExtractedDocument>{
          {model::Value(), {static_cast<float>(in.text.size()), 1.0f}}});
    }
    return out;
  }
  size_t max_batch_size() const override { return 2; }

  mutable std::mutex mu_;
  mutable std::vector<size_t> sizes;

 private:
  extract::ExtractorInfo info_;
  std::shared_future<void> release_;
};

model::Object TextObject(const std::string& id, const std::string& text) {
  model::Object o;
  o.object_id = id;
  o.bucket_id = "bkt";
  model::Blob b;
  b.property = "content";
  b.type = model::FieldType::kText;
  b.data = model::Value(text);
  o.blobs.push_back(b);
  return o;
}

model::Collection PairCollection() {
  model::Collection c;
  c.collection_id = "col";
  c.extractor.name = "pair_extractor";
  c.extractor.version = "v1";
  model::ValueObject mappings;
  mappings.Set("text", "content");
  c.extractor.input_mappings = model::Value(std::move(mappings));
  return c;
}

// How long a hung batch is waited for. The other batches must finish within it on a busy
// machine (ctest -j, sanitizers), so it is generous; the tests never measure time.
constexpr std::chrono::milliseconds kHangTimeout{2000};

TEST(DocumentBuilderTest, ObjectsGoToTheExtractorInBatchesInOrder) {
  std::promise<void> never;
  PairExtractor fx(never.get_future().share());
  NoBlobs blobs;
  model::Collection col = PairCollection();
  DocumentBuilder builder(col, fx, blobs, 1, "batch", std::chrono::milliseconds(5000));
  model::Object no_input = TextObject("o2", "x");
  no_input.blobs[0].property = "other";  // nothing for this collection
  auto built = builder.FromObjects({TextObject("o0", "a"), TextObject("o1", "bb"), no_input,
                                    TextObject("o3", "cccc"), TextObject("o4", "ddddd")});
  ASSERT_TRUE(built.ok());
  EXPECT_EQ(fx.sizes, (std::vector<size_t>{2, 2}));
  ASSERT_EQ(built->size(), 5u);
  EXPECT_TRUE((*built)[2].empty());
  EXPECT_EQ((*built)[3][0].vectors[0].values[0], 4.0f);
  EXPECT_EQ((*built)[4][0].lineage.source_object_id, "o4");
}

TEST(DocumentBuilderTest, AHungBatchFailsOnlyItsItems) {
  std::promise<void> release;
  PairExtractor fx(release.get_future().share());
  NoBlobs blobs;
  model::Collection col = PairCollection();
  DocumentBuilder builder(col, fx, blobs, 1, "batch", kHangTimeout);
  auto built = builder.FromObjects({TextObject("o0", "hang"), TextObject("o1", "b"),
                                    TextObject("o2", "cc"), TextObject("o3", "d")});
  ASSERT_TRUE(built.ok());
  for (int i : {0, 1}) {
    ASSERT_EQ((*built)[i][0].ingestion_status, "FAILED");
    EXPECT_NE((*built)[i][0].error->find("(batch of 2) timed out"), std::string::npos);
  }
  for (int i : {2, 3}) EXPECT_NE((*built)[i][0].ingestion_status, "FAILED");
  release.set_value();
}

// On a pool the items of a stream extract in parallel; Take hands them out in item
// order, chunk by chunk, exactly as FromObjects does without a pool.
TEST(DocumentBuilderTest, AStreamOnAPoolYieldsWhatFromObjectsYields) {
  std::promise<void> never;
  PairExtractor fx(never.get_future().share());
  NoBlobs blobs;
  model::Collection col = PairCollection();
  std::vector<model::Object> objects;
  for (int i = 0; i < 9; ++i) {
    objects.push_back(TextObject("o" + std::to_string(i), std::string(i + 1, 'x')));
  }
  objects[4].blobs[0].property = "other";  // nothing for this collection
  DocumentBuilder serial(col, fx, blobs, 1, "batch", std::chrono::milliseconds(5000));
  auto want = serial.FromObjects(objects);
  ASSERT_TRUE(want.ok());

  TimeoutPool pool(3, std::chrono::milliseconds(5000));
  DocumentBuilder pooled(col, fx, blobs, 1, "batch", std::chrono::milliseconds(5000), &pool);
  auto stream = pooled.StartFromObjects(objects);
  ASSERT_TRUE(stream.ok());
  std::vector<std::vector<model::Document>> got;
  for (size_t n : {2, 3, 10}) {
    for (auto& docs : stream->Take(n)) got.push_back(std::move(docs));
  }
  EXPECT_EQ(stream->remaining(), 0u);
  ASSERT_EQ(got.size(), want->size());
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i].size(), (*want)[i].size()) << i;
    for (size_t k = 0; k < got[i].size(); ++k) {
      EXPECT_EQ(got[i][k].document_id, (*want)[i][k].document_id);
      EXPECT_EQ(got[i][k].vectors[0].values, (*want)[i][k].vectors[0].values);
    }
  }
}

// A Take given a stop returns, once the stop says so, the items whose extraction has
// ended (here the first two calls' four items), and the stream goes on from there.
TEST(DocumentBuilderTest, AStoppedTakeReturnsTheItemsExtractedSoFar) {
  std::promise<void> release;
  PairExtractor fx(release.get_future().share());
  NoBlobs blobs;
  model::Collection col = PairCollection();
  TimeoutPool pool(1, std::chrono::seconds(30));  // calls run one after the other
  DocumentBuilder builder(col, fx, blobs, 1, "batch", std::chrono::seconds(30), &pool);
  std::vector<model::Object> objects;
  for (const char* text : {"a", "b", "c", "d", "hang", "f"}) {
    objects.push_back(TextObject(std::string("o_") + text, text));
  }
  auto stream = builder.StartFromObjects(objects);
  ASSERT_TRUE(stream.ok());
  // Stop once the third call (the hung one) has started: the first two have ended.
  auto third_started = [&] {
    std::lock_guard<std::mutex> lock(fx.mu_);
    return fx.sizes.size() >= 3;
  };
  auto first = stream->Take(6, third_started);
  ASSERT_EQ(first.size(), 4u);
  EXPECT_EQ(first[3][0].lineage.root_object_id, "o_d");
  EXPECT_EQ(stream->remaining(), 2u);
  EXPECT_TRUE(stream->Take(6, [] { return true; }).empty());  // the hung call still runs
  release.set_value();
  auto rest = stream->Take(6);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[1][0].lineage.root_object_id, "o_f");
  EXPECT_NE(rest[0][0].ingestion_status, "FAILED");
}

TEST(DocumentBuilderTest, OnAPoolAHungBatchFailsOnlyItsItems) {
  std::promise<void> release;
  PairExtractor fx(release.get_future().share());
  NoBlobs blobs;
  model::Collection col = PairCollection();
  TimeoutPool pool(2, kHangTimeout);
  DocumentBuilder builder(col, fx, blobs, 1, "batch", std::chrono::seconds(30), &pool);
  auto built = builder.FromObjects({TextObject("o0", "a"), TextObject("o1", "b"),
                                    TextObject("o2", "hang"), TextObject("o3", "d")});
  ASSERT_TRUE(built.ok());
  for (int i : {2, 3}) {
    ASSERT_EQ((*built)[i][0].ingestion_status, "FAILED");
    EXPECT_NE((*built)[i][0].error->find("(batch of 2) timed out"), std::string::npos);
  }
  for (int i : {0, 1}) EXPECT_NE((*built)[i][0].ingestion_status, "FAILED");
  EXPECT_EQ(pool.abandoned(), 1);
  release.set_value();
}

// One document per input; throws std::out_of_range on the text "throw", as a bug would.
class ThrowingExtractor final : public extract::FeatureExtractor {
 public:
  ThrowingExtractor() : info_(PairInfo()) {}
  const extract::ExtractorInfo& info() const override { return info_; }
  Status ValidateParameters(const model::Value&) const override { return Status::Ok(); }
  Result<std::vector<extract::ExtractedDocument>> Extract(const extract::ExtractorInput& in,
                                                          const model::Value&) const override {
    if (in.text == "throw") throw std::out_of_range("index 0 of an empty list");
    return std::vector<extract::ExtractedDocument>{{model::Value(), {1.0f, 0.0f}}};
  }

 private:
  extract::ExtractorInfo info_;
};

// Regression: an exception in an extraction call (on a TimeoutRunner helper thread or a
// TimeoutPool worker) reached std::terminate and ended the server. Now it fails its item.
TEST(DocumentBuilderTest, AnExtractorThatThrowsFailsOnlyItsItem) {
  ThrowingExtractor fx;
  NoBlobs blobs;
  model::Collection col = PairCollection();
  TimeoutPool pool(2, std::chrono::seconds(30));
  DocumentBuilder serial(col, fx, blobs, 1, "batch", std::chrono::seconds(30));
  DocumentBuilder pooled(col, fx, blobs, 1, "batch", std::chrono::seconds(30), &pool);
  for (DocumentBuilder* builder : {&serial, &pooled}) {
    auto built = builder->FromObjects({TextObject("o0", "throw"), TextObject("o1", "fine")});
    ASSERT_TRUE(built.ok());
    ASSERT_EQ((*built)[0].size(), 1u);
    EXPECT_EQ((*built)[0][0].ingestion_status, "FAILED");
    EXPECT_EQ(*(*built)[0][0].error,
              "pair_extractor_v1 extraction call failed: internal error (std::out_of_range)");
    ASSERT_EQ((*built)[1].size(), 1u);
    EXPECT_NE((*built)[1][0].ingestion_status, "FAILED");
  }
  EXPECT_EQ(pool.abandoned(), 0);
}

// Regression: chunk_size 1000 characters with include_all_source_fields copied a 4 MB text
// into each of its 4 000 chunks (16 GB). That item fails; the next one is built.
TEST(DocumentBuilderTest, ChunksRepeatingEverySourceFieldFailOnlyTheirItem) {
  auto fx = extract::NewTextExtractorV1();
  NoBlobs blobs;
  model::Collection col = PairCollection();
  col.extractor.name = "text_extractor";
  col.extractor.include_all_source_fields = true;
  model::ValueObject params;
  params.Set("split_by", "characters");
  params.Set("chunk_size", 1000);
  col.extractor.parameters = model::Value(std::move(params));
  DocumentBuilder builder(col, *fx, blobs, 1, "batch", std::chrono::seconds(60));
  auto built = builder.FromObjects(
      {TextObject("big", std::string(4 * 1024 * 1024, 'x')), TextObject("small", "a b c")});
  ASSERT_TRUE(built.ok());
  ASSERT_EQ((*built)[0].size(), 1u);
  EXPECT_EQ((*built)[0][0].ingestion_status, "FAILED");
  EXPECT_NE((*built)[0][0].error->find("the 4195 documents of the item would hold more than "
                                       "268435456 bytes of fields together"),
            std::string::npos)
      << *(*built)[0][0].error;
  ASSERT_EQ((*built)[1].size(), 1u);
  EXPECT_NE((*built)[1][0].ingestion_status, "FAILED");
  EXPECT_EQ((*built)[1][0].fields.Get("content")->as_string(), "a b c");
}

TEST(DocumentBuilderTest, AnItemMakesAtMostTheLimitOfDocuments) {
  std::vector<extract::ExtractedDocument> docs(extract::kMaxDocumentsPerItem);
  EXPECT_TRUE(CheckItemOutput(docs, 100).ok());
  docs.emplace_back();
  Status st = CheckItemOutput(docs, 100);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(), "the item makes 10001 documents, above the limit of 10000 per item");
}

}  // namespace
}  // namespace ferry::service
