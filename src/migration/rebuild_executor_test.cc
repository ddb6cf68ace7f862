// DocumentWriter, the one writer of re_extract's pipeline: chunks queued meanwhile are
// merged per fence, a stale fencing token stays refused, and re-writing is idempotent.
#include "migration/rebuild_executor.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "storage/sqlite/sqlite_storage_engine.h"

namespace ferry::migration {
namespace {

class DocumentWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ferry_document_writer_test_XXXXXX";
    dir_ = mkdtemp(tmpl);
    auto engine = storage::sqlite::SqliteStorageEngine::Open(dir_);
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(engine).value();
    ASSERT_TRUE(engine_->CreateNamespaceData("ns_w").ok());
    auto store = engine_->OpenNamespace("ns_w");
    ASSERT_TRUE(store.ok());
    store_ = *store;
    model::Collection c;
    c.collection_id = "col_1";
    c.collection_name = "c";
    ASSERT_TRUE(store_->InsertCollection(c).ok());
  }
  void TearDown() override {
    store_.reset();
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }

  static std::vector<model::Document> Docs(int first, int n, float value) {
    std::vector<model::Document> docs;
    for (int i = first; i < first + n; ++i) {
      model::Document d;
      d.document_id = "doc_" + std::to_string(i);
      d.collection_id = "col_1";
      d.lineage.root_object_id = "obj_" + std::to_string(i);
      d.vectors = {{"mixpeek://t@v2/embedding", {value, static_cast<float>(i)}}};
      docs.push_back(d);
    }
    return docs;
  }

  std::string dir_;
  std::unique_ptr<storage::sqlite::SqliteStorageEngine> engine_;
  std::shared_ptr<storage::NamespaceStore> store_;
};

TEST_F(DocumentWriterTest, WritesEveryChunkOnceAndRewritesIdempotently) {
  DocumentWriter writer(store_);
  storage::WriteFence fence{"mig_1/1", 5};
  std::vector<DocumentWriter::Ticket> tickets;
  for (int run = 0; run < 2; ++run) {  // the batch run twice (a retry)
    for (int chunk = 0; chunk < 4; ++chunk) {
      tickets.push_back(writer.Submit(&fence, Docs(10 * chunk, 10, 1.0f)));
    }
  }
  for (const auto& t : tickets) ASSERT_TRUE(writer.Wait(t).ok());
  auto count = store_->CountDocuments("col_1");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 40);
  auto got = store_->GetDocuments("col_1", {"doc_39", "doc_0"});
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0].vectors.at(0).values, (std::vector<float>{1.0f, 39.0f}));
  EXPECT_EQ((*got)[1].vectors.size(), 1u);
}

TEST_F(DocumentWriterTest, AStaleTokenIsRefusedAndWritesNothing) {
  DocumentWriter writer(store_);
  storage::WriteFence newer{"mig_1/1", 7};
  storage::WriteFence stale{"mig_1/1", 6};
  ASSERT_TRUE(writer.Wait(writer.Submit(&newer, Docs(0, 5, 2.0f))).ok());
  auto refused = writer.Wait(writer.Submit(&stale, Docs(0, 10, 3.0f)));
  EXPECT_EQ(refused.code(), StatusCode::kLeaseLost);
  auto count = store_->CountDocuments("col_1");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 5);
  auto got = store_->GetDocuments("col_1", {"doc_0"});
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].vectors.at(0).values[0], 2.0f);  // the newer holder's rows stand
}

}  // namespace
}  // namespace ferry::migration
