// Object updates and re-processing, batch cancel: BucketService::UpdateObject,
// object_reprocessing.h, BatchRunner::Cancel, on the real embedded storage.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "service/batch_runner.h"
#include "service/batch_service.h"
#include "service/object_reprocessing.h"
#include "service/service_test_fixture.h"

namespace ferry::service {
namespace {

class ObjectUpdateTest : public ServiceTest {
 protected:
  // Runs a batch of `ids` to the end; returns its task.
  model::Task RunBatch(BatchRunner& runner, const Caller& caller, const NamespaceHandle& h,
                       const std::vector<std::string>& ids) {
    BatchService batches(*deps_, runner);
    model::ValidationIssues issues;
    model::BatchCreate bc;
    bc.object_ids = ids;
    auto batch = batches.Create(h, bucket_, bc, &issues);
    EXPECT_TRUE(batch.ok()) << batch.status().ToString();
    auto task = batches.Submit(caller, h, bucket_, batch->batch_id);
    EXPECT_TRUE(task.ok()) << task.status().ToString();
    runner.WaitIdle();
    return storage_->catalog().GetTask(caller.org_id, task->task_id).value();
  }

  std::vector<model::Document> DocsOf(const NamespaceHandle& h, const std::string& collection_id,
                                      const std::string& object_id) {
    return h.store->ListDocumentsByRootObjects(collection_id, {object_id}).value();
  }

  static model::ObjectUpdate NewText(const std::string& text) {
    model::ObjectUpdate u;
    model::BlobCreate blob;
    blob.property = "content";
    blob.type = model::FieldType::kText;
    blob.data = model::Value(text);
    u.blobs.push_back(blob);
    return u;
  }

  // A collection fed by the fixture's collection "texts" (a second tier).
  model::Collection AddDownstream(const NamespaceHandle& h) {
    CollectionService collections(*deps_);
    model::CollectionCreate cc;
    cc.collection_name = "downstream";
    cc.source.type = model::SourceType::kCollection;
    cc.source.collection_id = collection_.collection_id;
    cc.extractor.name = "text_extractor";
    cc.extractor.version = "v1";
    model::ValidationIssues issues;
    auto col = collections.Create(h, cc, &issues);
    EXPECT_TRUE(col.ok()) << col.status().ToString();
    return *col;
  }
};

TEST_F(ObjectUpdateTest, AChangedObjectsDocumentsAreMarkedLoggedAndRebuiltFromTheNewVersion) {
  Caller caller{"org_test"};
  auto h = MakeFixture(caller);
  model::Collection down = AddDownstream(h);
  BatchRunner runner(*deps_, 2);
  RunBatch(runner, caller, h, object_ids_);
  const std::string changed = object_ids_[0];
  for (const auto* col : {&collection_, &down}) {
    auto docs = DocsOf(h, col->collection_id, changed);
    ASSERT_EQ(docs.size(), 1u);
    EXPECT_EQ(docs[0].ingestion_status, "COMPLETED");
    EXPECT_EQ(docs[0].fields.Get("text")->as_string(), "alpha beta");
  }
  const int64_t before = h.store->LatestChangeSeq().value();

  BucketService buckets(*deps_);
  model::ValidationIssues issues;
  auto updated = buckets.UpdateObject(h, "b", changed, NewText("omega psi"), &issues);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->FindBlob("content")->data.as_string(), "omega psi");
  EXPECT_EQ(h.store->GetObject(bucket_.bucket_id, changed)->FindBlob("content")->data.as_string(),
            "omega psi");

  // The write and the marks are in the change log.
  auto changes = h.store->ListChanges(before, 100).value();
  bool object_logged = false;
  int documents_logged = 0;
  for (const auto& c : changes) {
    if (c.item == storage::ChangeItem::kObject) {
      EXPECT_EQ(c.resource_id, bucket_.bucket_id);
      EXPECT_EQ(c.item_id, changed);
      EXPECT_EQ(c.op, storage::ChangeOp::kUpsert);
      object_logged = true;
    } else {
      ++documents_logged;
    }
  }
  EXPECT_TRUE(object_logged);
  EXPECT_EQ(documents_logged, 2);  // one document in each collection

  // Marked in both tiers; the other objects' documents untouched.
  for (const auto* col : {&collection_, &down}) {
    EXPECT_EQ(DocsOf(h, col->collection_id, changed)[0].ingestion_status, kReprocessingPending);
    EXPECT_EQ(DocsOf(h, col->collection_id, object_ids_[1])[0].ingestion_status, "COMPLETED");
  }

  // The next batch over the object rebuilds both tiers from the new version.
  auto task = RunBatch(runner, caller, h, {changed});
  EXPECT_EQ(task.status, model::TaskStatus::kCompleted);
  for (const auto* col : {&collection_, &down}) {
    auto docs = DocsOf(h, col->collection_id, changed);
    ASSERT_EQ(docs.size(), 1u);
    EXPECT_EQ(docs[0].ingestion_status, "COMPLETED");
    EXPECT_EQ(docs[0].fields.Get("text")->as_string(), "omega psi");
  }

  // The same content again changes nothing and logs nothing.
  const int64_t after = h.store->LatestChangeSeq().value();
  ASSERT_TRUE(buckets.UpdateObject(h, "b", changed, NewText("omega psi"), &issues).ok());
  EXPECT_EQ(h.store->LatestChangeSeq().value(), after);
}

TEST_F(ObjectUpdateTest, MarkedDocumentsARunDoesNotRewriteAreDeleted) {
  Caller caller{"org_test"};
  auto h = MakeFixture(caller);
  BatchRunner runner(*deps_, 2);
  RunBatch(runner, caller, h, object_ids_);
  // A second chunk the object's previous version had; the new version has only one.
  model::Document extra = DocsOf(h, collection_.collection_id, object_ids_[0])[0];
  extra.document_id = "doc_old_second_chunk";
  ASSERT_TRUE(h.store->UpsertDocuments({extra}).ok());
  BucketService buckets(*deps_);
  model::ValidationIssues issues;
  ASSERT_TRUE(buckets.UpdateObject(h, "b", object_ids_[0], NewText("new text"), &issues).ok());
  EXPECT_EQ(DocsOf(h, collection_.collection_id, object_ids_[0]).size(), 2u);
  RunBatch(runner, caller, h, {object_ids_[0]});
  auto docs = DocsOf(h, collection_.collection_id, object_ids_[0]);
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].fields.Get("text")->as_string(), "new text");
}

TEST_F(ObjectUpdateTest, ADownstreamRunKeepsMarksWhileItsSourceIsStillMarked) {
  Caller caller{"org_test"};
  auto h = MakeFixture(caller);
  model::Collection down = AddDownstream(h);
  BatchRunner runner(*deps_, 2);
  RunBatch(runner, caller, h, object_ids_);
  BucketService buckets(*deps_);
  model::ValidationIssues issues;
  ASSERT_TRUE(buckets.UpdateObject(h, "b", object_ids_[0], NewText("renewed"), &issues).ok());
  // Only tier 1 runs: its source documents are still marked, so nothing is derived and
  // its own marked document stays (not deleted as stale).
  BatchService batches(*deps_, runner);
  model::BatchCreate bc;
  bc.object_ids = {object_ids_[0]};
  auto batch = batches.Create(h, bucket_, bc, &issues).value();
  batch.dag_tiers = {{collection_.collection_id}, {down.collection_id}};
  batch.status = model::TaskStatus::kPending;
  batch.task_id = "task_tier1";
  ASSERT_TRUE(h.store->UpsertBatch(batch).ok());
  model::Task task;
  task.task_id = "task_tier1";
  task.org_id = caller.org_id;
  task.namespace_id = h.ns.namespace_id;
  task.task_type = "api_buckets_batches_submit";
  ASSERT_TRUE(storage_->catalog().UpsertTask(task).ok());
  runner.Enqueue(
      {caller.org_id, h.ns.namespace_id, bucket_.bucket_id, batch.batch_id, task.task_id, {}, {1}});
  runner.WaitIdle();
  auto docs = DocsOf(h, down.collection_id, object_ids_[0]);
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].ingestion_status, kReprocessingPending);
  EXPECT_EQ(docs[0].fields.Get("text")->as_string(), "alpha beta");
}

TEST_F(ObjectUpdateTest, BadUpdatesAreRefusedWithTheirLocation) {
  Caller caller{"org_test"};
  auto h = MakeFixture(caller);
  BucketService buckets(*deps_);
  model::ValidationIssues issues;
  model::ObjectUpdate u = NewText("x");
  u.blobs[0].property = "nope";
  EXPECT_EQ(buckets.UpdateObject(h, "b", object_ids_[0], u, &issues).status().code(),
            StatusCode::kInvalidArgument);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].loc[3].as_string(), "property");
  issues.clear();
  EXPECT_EQ(buckets.UpdateObject(h, "b", "obj_missing", NewText("x"), &issues).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(
      buckets.UpdateObject(h, "nobucket", object_ids_[0], NewText("x"), &issues).status().code(),
      StatusCode::kNotFound);
}

TEST_F(ObjectUpdateTest, CancelStopsARunningBatchAndNothingIsWrittenAfterIt) {
  std::promise<void> release;
  extractors_->Register(std::make_unique<HangingExtractor>(release.get_future().share()));
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
  std::vector<std::string> ids;
  for (size_t i = 0; i < 3 * BatchRunner::kChunkSize; ++i) {
    model::ObjectCreate oc;
    model::BlobCreate blob;
    blob.property = "content";
    blob.type = model::FieldType::kText;
    blob.data = model::Value("hang");
    oc.blobs.push_back(blob);
    ids.push_back(buckets.CreateObject(h, "b", oc, &issues).value().object_id);
  }
  BatchRunner runner(*deps_, 1);
  BatchService batches(*deps_, runner);
  model::BatchCreate bc;
  bc.object_ids = ids;
  auto batch = batches.Create(h, bucket_, bc, &issues).value();
  auto task = batches.Submit(caller, h, bucket_, batch.batch_id).value();
  // Wait (bounded) until the first hanging chunk runs.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (storage_->catalog().GetTask(caller.org_id, task.task_id)->status !=
             model::TaskStatus::kInProgress &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  auto cancelled = batches.Cancel(caller, h, bucket_, batch.batch_id);
  ASSERT_TRUE(cancelled.ok()) << cancelled.status().ToString();
  EXPECT_EQ(cancelled->status, model::TaskStatus::kCanceled);
  EXPECT_EQ(h.store->GetBatch(bucket_.bucket_id, batch.batch_id)->status,
            model::TaskStatus::kCanceled);
  release.set_value();
  runner.WaitIdle();
  EXPECT_EQ(storage_->catalog().GetTask(caller.org_id, task.task_id)->status,
            model::TaskStatus::kCanceled);
  EXPECT_EQ(h.store->GetBatch(bucket_.bucket_id, batch.batch_id)->status,
            model::TaskStatus::kCanceled);
  EXPECT_EQ(h.store->CountDocuments(col->collection_id).value(), 0);
  // Cancelling again: it is not running.
  EXPECT_EQ(batches.Cancel(caller, h, bucket_, batch.batch_id).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST(TransientItemErrorTest, TimeoutsAndUnavailableExtractorsAreTransient) {
  EXPECT_TRUE(IsTransientItemError("text_extractor_v1 extraction timed out after 60000 ms"));
  EXPECT_TRUE(IsTransientItemError("connection refused (gave up after 3 attempts)"));
  EXPECT_TRUE(IsTransientItemError("embedding server answered HTTP 503"));
  EXPECT_FALSE(IsTransientItemError("embedding server answered HTTP 400"));
  EXPECT_FALSE(IsTransientItemError("injected failure x"));
  EXPECT_FALSE(IsTransientItemError(""));
}

}  // namespace
}  // namespace ferry::service
