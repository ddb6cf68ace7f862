// PostgreSQL's document writes beyond the conformance suite: a collection's version
// (GetCollectionVersion) waits for the document writes in flight — a write's write_seq is
// taken when it runs, not when it commits, so a version read between the two would miss
// it for good (pg_ns_rows.h, the collection's write lock) — and an edit's client-side
// work is not cut short by the pool's idle-transaction timeout.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "storage/conformance/storage_conformance.h"
#include "storage/postgres/pg_storage_engine.h"
#include "storage/postgres/pg_test_support.h"

namespace ferry::storage::postgres {
namespace {

using storage::testing::SampleCollection;
using storage::testing::SampleDocument;

class PgDocumentWritesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.url = testing::TestClusterUrl();
    options_.schema = testing::UniqueSchema();
    options_.pool_size = 4;
    options_.idle_transaction_timeout_ms = 300;
    auto engine = PgStorageEngine::Open(options_, std::string(32, 'k'));
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(*engine);
    ASSERT_TRUE(engine_->CreateNamespaceData("ns_a").ok());
    store_ = engine_->OpenNamespace("ns_a").value();
    ASSERT_TRUE(store_->InsertCollection(SampleCollection("col_1", "c")).ok());
    ASSERT_TRUE(store_->UpsertDocuments({SampleDocument("col_1", "doc_1", "obj_1")}).ok());
  }
  void TearDown() override {
    store_.reset();
    engine_.reset();
    testing::DropSchema(options_.url, options_.schema);
  }
  PgOptions options_;
  std::unique_ptr<PgStorageEngine> engine_;
  std::shared_ptr<NamespaceStore> store_;
};

// An edit holds its collection's write lock until it commits; a version read that comes
// meanwhile returns only after the commit.
TEST_F(PgDocumentWritesTest, AVersionReadWaitsForTheWritesInFlight) {
  std::mutex mu;
  std::condition_variable cv;
  bool editing = false;
  std::atomic<bool> committed{false};
  std::atomic<bool> read_after_commit{false};
  std::thread reader;
  DocumentSelection which;
  which.ids = {"doc_1"};
  auto edited = store_->EditDocuments("col_1", which, [&](model::Document* d) -> Result<bool> {
    if (!reader.joinable()) {
      reader = std::thread([&] {
        auto v = store_->GetCollectionVersion("col_1");
        EXPECT_TRUE(v.ok()) << v.status().ToString();
        read_after_commit = committed.load();
        std::lock_guard<std::mutex> lock(mu);
        editing = false;
        cv.notify_all();
      });
    }
    {
      // Bounded: the read must not get through while this edit is open.
      std::unique_lock<std::mutex> lock(mu);
      editing = true;
      cv.wait_for(lock, std::chrono::seconds(1), [&] { return !editing; });
    }
    d->fields.mutable_object().Set("tag", "edited");
    committed = true;  // the commit follows this callback (set a little early, on purpose:
                       // a read that returned before it saw no commit either way)
    return true;
  });
  reader.join();
  ASSERT_TRUE(edited.ok()) << edited.status().ToString();
  EXPECT_TRUE(read_after_commit);
}

// An edit's work between its statements (decoding, filtering and editing a large
// selection) may outlast the idle-transaction timeout meant for frozen processes.
TEST_F(PgDocumentWritesTest, AnEditsClientSideWorkOutlastsTheIdleTransactionTimeout) {
  DocumentSelection which;
  which.where = [](const model::Document&) {
    // Stands for decoding and filtering a large collection: longer than the 300 ms timeout.
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    return true;
  };
  auto edited = store_->EditDocuments("col_1", which, [](model::Document* d) -> Result<bool> {
    d->fields.mutable_object().Set("tag", "slow");
    return true;
  });
  ASSERT_TRUE(edited.ok()) << edited.status().ToString();
  auto d = store_->GetDocument("col_1", "doc_1", false);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->fields.Get("tag")->as_string(), "slow");
  auto deleted = store_->DeleteDocuments("col_1", which);
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_EQ(deleted->size(), 1u);
}

}  // namespace
}  // namespace ferry::storage::postgres
