// Service-level tests on the real embedded storage and the built-in extractors.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <future>
#include <set>

#include "common/crypto.h"
#include "service/auth_service.h"
#include "service/batch_runner.h"
#include "service/batch_service.h"
#include "service/bucket_service.h"
#include "service/collection_service.h"
#include "service/document_builder.h"
#include "service/namespace_service.h"
#include "service/service_test_fixture.h"
#include "storage/sqlite/sqlite_storage_engine.h"

namespace ferry::service {
namespace {

TEST_F(ServiceTest, KeysAreStoredOnlyAsHashes) {
  AuthService auth(*deps_);
  auto key = auth.CreateKey("acme", std::nullopt);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->rfind("sk_", 0), 0u);
  EXPECT_TRUE(storage_->catalog().GetApiKeyByHash(Sha256Hex(*key)).ok());
  EXPECT_FALSE(storage_->catalog().GetApiKeyByHash(*key).ok());
  auto caller = auth.Authenticate("Bearer " + *key);
  ASSERT_TRUE(caller.ok());
  EXPECT_EQ(auth.Authenticate("Bearer sk_not_a_real_key_123").status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(auth.Authenticate(*key).status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(auth.Authenticate("").status().code(), StatusCode::kUnauthenticated);
}

TEST(ValidateNameTest, LengthIsCountedInCharactersAsTheSchemaCountsIt) {
  std::string accented;
  for (int i = 0; i < 100; ++i) accented += "\xc3\xa9";  // 100 x U+00E9, 200 bytes
  model::ValidationIssues issues;
  ValidateName(accented, {model::Value("body"), model::Value("namespace_name")}, &issues);
  EXPECT_TRUE(issues.empty());
  ValidateName(accented + "x", {model::Value("body"), model::Value("namespace_name")}, &issues);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].type, "string_length");
}

TEST_F(ServiceTest, TheBearerSchemeIsCaseInsensitive) {
  AuthService auth(*deps_);
  auto key = auth.CreateKey("acme", std::nullopt);
  ASSERT_TRUE(key.ok());
  for (std::string scheme : {"bearer ", "BEARER ", "bEaReR  "}) {
    auto caller = auth.Authenticate(scheme + *key);
    EXPECT_TRUE(caller.ok()) << scheme;
  }
  for (std::string bad : {"Basic ", "Bearer", "Bearerx ", "Bearer\t"}) {
    EXPECT_EQ(auth.Authenticate(bad + *key).status().code(), StatusCode::kUnauthenticated) << bad;
  }
  EXPECT_EQ(auth.Authenticate("bearer    ").status().code(), StatusCode::kUnauthenticated);
}

TEST_F(ServiceTest, CollectionTiersFollowSources) {
  auto col = [](std::string id, model::SourceType type, std::string source, bool enabled = true) {
    model::Collection c;
    c.collection_id = std::move(id);
    c.source.type = type;
    if (type == model::SourceType::kBucket) {
      c.source.bucket_ids = {source};
    } else {
      c.source.collection_id = source;
    }
    c.enabled = enabled;
    return c;
  };
  using model::SourceType;
  std::vector<model::Collection> cols = {
      col("c3", SourceType::kCollection, "c2"),    col("c1", SourceType::kBucket, "bkt_a"),
      col("c2", SourceType::kCollection, "c1"),    col("c4", SourceType::kBucket, "bkt_a", false),
      col("c5", SourceType::kBucket, "bkt_other"), col("c6", SourceType::kCollection, "c1")};
  auto tiers = CollectionTiers(cols, "bkt_a");
  ASSERT_EQ(tiers.size(), 3u);
  EXPECT_EQ(tiers[0], std::vector<std::string>({"c1"}));
  EXPECT_EQ(tiers[1], std::vector<std::string>({"c2", "c6"}));
  EXPECT_EQ(tiers[2], std::vector<std::string>({"c3"}));
}

TEST_F(ServiceTest, DocumentIdsAreAPureFunctionOfTheirSource) {
  EXPECT_EQ(DocumentIdFor("col_a", "obj_1", 0), DocumentIdFor("col_a", "obj_1", 0));
  EXPECT_NE(DocumentIdFor("col_a", "obj_1", 0), DocumentIdFor("col_a", "obj_1", 1));
  EXPECT_NE(DocumentIdFor("col_a", "obj_1", 0), DocumentIdFor("col_b", "obj_1", 0));
  EXPECT_EQ(DocumentIdFor("col_a", "obj_1", 0).size(), 4u + 24u);
}

// Regression (issue 9, re_extract at 100k): ids hashed from their source put each
// document at a random key, so every commit of a rebuilt batch dirtied a random page of
// each key index per document (~8 KiB of WAL per document, and the WAL at its inline
// checkpoint limit). Documents of consecutive sources now get consecutive ids.
TEST_F(ServiceTest, DocumentsOfConsecutiveSourcesGetConsecutiveIds) {
  std::string previous;
  for (int i = 0; i < 200; ++i) {
    char source[32];
    std::snprintf(source, sizeof source, "obj_0000000000000000%08x", 0x1000 * i);
    const std::string id = DocumentIdFor("col_a", source, 0);
    EXPECT_EQ(id.substr(0, 4), "doc_");
    EXPECT_EQ(id.size(), 4u + 24u);
    if (!previous.empty()) {
      EXPECT_LT(previous, id) << source;
    }
    previous = id;
  }
  // Chunks of one source, and the same source in another collection, do not collide.
  std::set<std::string> ids;
  for (const char* collection : {"col_a", "col_b"}) {
    for (int position = 0; position < 50; ++position) {
      ids.insert(DocumentIdFor(collection, "obj_000000000000000000000001", position));
    }
  }
  EXPECT_EQ(ids.size(), 100u);
  // A key that is no canonical id is hashed, as before.
  EXPECT_EQ(DocumentIdFor("col_a", "obj_1", 0), "doc_" + Sha256Hex("col_a|obj_1|0").substr(0, 24));
}

TEST_F(ServiceTest, CollectionPicksTheOnlyCompatibleInputWhenUnmapped) {
  Caller caller{"org_test"};
  auto h = MakeFixture(caller);
  EXPECT_EQ(collection_.extractor.input_mappings.Get("text")->as_string(), "content");
  EXPECT_NE(collection_.output_schema.Find("text"), nullptr);
}

TEST_F(ServiceTest, RecoverRunsBatchesLeftUnfinished) {
  Caller caller{"org_test"};
  auto h = MakeFixture(caller);
  BatchRunner first(*deps_, 2);
  BatchService batches(*deps_, first);
  model::ValidationIssues issues;
  model::BatchCreate bc;
  bc.object_ids = object_ids_;
  auto batch = batches.Create(h, bucket_, bc, &issues);
  ASSERT_TRUE(batch.ok());
  // Stop the first runner before it can start, as a shutdown or crash would.
  first.Shutdown();
  auto task = batches.Submit(caller, h, bucket_, batch->batch_id);
  EXPECT_EQ(task.status().code(), StatusCode::kUnavailable);
  auto stored = storage_->catalog().ListUnfinishedTasks();
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ(h.store->CountDocuments(collection_.collection_id).value(), 0);

  BatchRunner second(*deps_, 2);
  ASSERT_TRUE(second.Recover().ok());
  second.WaitIdle();
  auto done = storage_->catalog().GetTask(caller.org_id, (*stored)[0].task_id);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->status, model::TaskStatus::kCompleted);
  EXPECT_EQ(h.store->CountDocuments(collection_.collection_id).value(), 3);
  EXPECT_EQ(h.store->GetBatch(bucket_.bucket_id, batch->batch_id)->status,
            model::TaskStatus::kCompleted);
  // Running it again (a second recovery) changes nothing: ids are deterministic.
  second.Enqueue({caller.org_id,
                  h.ns.namespace_id,
                  bucket_.bucket_id,
                  batch->batch_id,
                  done->task_id,
                  {},
                  {}});
  second.WaitIdle();
  EXPECT_EQ(h.store->CountDocuments(collection_.collection_id).value(), 3);
}

TEST_F(ServiceTest, AHungExtractionFailsOnlyItsItem) {
  std::promise<void> release;
  extractors_->Register(std::make_unique<HangingExtractor>(release.get_future().share()));
  // Generous: the other items must extract within it on a busy machine (ctest -j,
  // sanitizers); only the hung one reaches it. Nothing measures time.
  deps_->item_timeout = std::chrono::milliseconds(2000);
  Caller caller{"org_test"};
  auto h = MakeFixture(caller);
  CollectionService collections(*deps_);
  model::CollectionCreate cc;
  cc.collection_name = "hangs";
  cc.source.bucket_ids = {bucket_.bucket_id};
  cc.extractor.name = "hang_extractor";
  cc.extractor.version = "v1";
  model::ValidationIssues issues;
  auto col = collections.Create(h, cc, &issues);
  ASSERT_TRUE(col.ok()) << col.status().ToString();
  BucketService buckets(*deps_);
  model::ObjectCreate oc;
  model::BlobCreate blob;
  blob.property = "content";
  blob.type = model::FieldType::kText;
  blob.data = model::Value("hang");
  oc.blobs.push_back(blob);
  object_ids_.push_back(std::move(buckets.CreateObject(h, "b", oc, &issues)).value().object_id);

  BatchRunner runner(*deps_, 1);  // one worker: the hang must not stall its other items
  BatchService batches(*deps_, runner);
  model::BatchCreate bc;
  bc.object_ids = object_ids_;
  auto batch = batches.Create(h, bucket_, bc, &issues);
  ASSERT_TRUE(batch.ok());
  auto task = batches.Submit(caller, h, bucket_, batch->batch_id);
  ASSERT_TRUE(task.ok());
  runner.WaitIdle();
  auto done = storage_->catalog().GetTask(caller.org_id, task->task_id);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->status, model::TaskStatus::kCompleted);
  EXPECT_EQ(done->additional_data.Get("items_failed")->as_int(), 1);
  auto docs = h.store->ListDocuments(col->collection_id, model::Page{0, 100}, false);
  ASSERT_TRUE(docs.ok());
  ASSERT_EQ(docs->size(), 4u);
  int failed = 0;
  for (const auto& d : *docs) {
    if (d.ingestion_status != "FAILED") continue;
    ++failed;
    EXPECT_NE(d.error->find("timed out"), std::string::npos) << *d.error;
  }
  EXPECT_EQ(failed, 1);
  release.set_value();
}

}  // namespace
}  // namespace ferry::service
