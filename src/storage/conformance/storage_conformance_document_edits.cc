// Conformance: the client document writes EditDocuments and DeleteDocuments: selection by
// ids or predicate, one transaction each, and the collection's write mark.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/conformance/storage_conformance.h"

namespace ferry::storage::testing {
namespace {

std::vector<std::string> DocIds(const std::vector<model::Document>& docs) {
  std::vector<std::string> ids;
  for (const auto& d : docs) ids.push_back(d.document_id);
  return ids;
}

// col_1 with doc_1..doc_3 (field "n" = 1..3), col_2 with doc_9.
Status SeedDocuments(NamespaceStore& store) {
  FERRY_RETURN_IF_ERROR(store.InsertCollection(SampleCollection("col_1", "c1")));
  FERRY_RETURN_IF_ERROR(store.InsertCollection(SampleCollection("col_2", "c2")));
  std::vector<model::Document> docs;
  for (int i = 1; i <= 3; ++i) {
    model::Document d = SampleDocument("col_1", "doc_" + std::to_string(i), "obj_1");
    model::ValueObject fields;
    fields.Set("n", i);
    d.fields = model::Value(std::move(fields));
    docs.push_back(d);
  }
  docs.push_back(SampleDocument("col_2", "doc_9", "obj_1"));
  return store.UpsertDocuments(docs);
}

DocumentEdit SetTag(const std::string& tag) {
  return [tag](model::Document* d) -> Result<bool> {
    d->fields.mutable_object().Set("tag", tag);
    d->updated_at = 5000;
    return true;
  };
}

int64_t N(NamespaceStore& store, const std::string& id) {
  auto d = store.GetDocument("col_1", id, false);
  return d.ok() ? d->fields.Get("n")->as_int() : -1;
}

std::string Tag(NamespaceStore& store, const std::string& collection, const std::string& id) {
  auto d = store.GetDocument(collection, id, false);
  if (!d.ok()) return "(absent)";
  const model::Value* tag = d->fields.Get("tag");
  return tag == nullptr ? "" : tag->as_string();
}

// Counts arrivals; Await waits (boundedly) for `n` of them. A race test's edit waits here
// for a rival that the store must keep out until the edit commits: with the store's
// locking right the wait times out, without it the rival gets in and the test fails.
class Rendezvous {
 public:
  void Arrive() {
    std::lock_guard<std::mutex> lock(mu_);
    ++arrived_;
    cv_.notify_all();
  }
  void Await(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(1), [&] { return arrived_ >= n; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int arrived_ = 0;
};

// Two edits of doc_1 at once, each setting its own key; true when both keys survive.
bool BothConcurrentEditsSurvive(NamespaceStore& store, bool with_vectors) {
  Rendezvous read;
  auto edit = [&](const std::string& key) {
    DocumentSelection which;
    which.ids = {"doc_1"};
    which.with_vectors = with_vectors;
    return store.EditDocuments("col_1", which, [&, key](model::Document* d) -> Result<bool> {
      read.Arrive();
      read.Await(2);  // a second reader in here would edit what the first overwrites
      d->fields.mutable_object().Set(key, true);
      return true;
    });
  };
  Status other;
  std::thread rival([&] { other = edit("b").status(); });
  Status mine = edit("a").status();
  rival.join();
  auto d = store.GetDocument("col_1", "doc_1", false);
  EXPECT_TRUE(mine.ok() && other.ok()) << mine.ToString() << " / " << other.ToString();
  return d.ok() && d->fields.Get("a") != nullptr && d->fields.Get("b") != nullptr;
}

}  // namespace

// Concurrent edits of one document (two requests, or two processes on a shared store)
// apply one after the other: neither loses the other's change.
TEST_P(NamespaceConformanceTest, DocumentEditConcurrentEditsOfOneDocumentBothSurvive) {
  ASSERT_OK(SeedDocuments(store()));
  EXPECT_TRUE(BothConcurrentEditsSurvive(store(), false));
  EXPECT_TRUE(BothConcurrentEditsSurvive(store(), true));
}

// A delete that comes while an edit (PATCH, PUT: edits with vectors) holds the document
// waits for it, and the document stays deleted: the edit never writes it back.
TEST_P(NamespaceConformanceTest, DocumentEditAnEditRacingADeleteNeverBringsItBack) {
  ASSERT_OK(SeedDocuments(store()));
  Rendezvous deleted;
  Status deleting;
  std::thread rival;
  DocumentSelection which;
  which.ids = {"doc_1"};
  which.with_vectors = true;
  auto edited = store().EditDocuments("col_1", which, [&](model::Document* d) -> Result<bool> {
    if (!rival.joinable()) {  // once, even if the store reruns the edit
      rival = std::thread([&] {
        deleting = store().DeleteDocuments("col_1", which).status();
        deleted.Arrive();
      });
    }
    deleted.Await(1);  // the delete must not get past this edit's read
    d->fields.mutable_object().Set("tag", "edited");
    return true;
  });
  rival.join();
  ASSERT_OK(edited.status());
  ASSERT_OK(deleting);
  EXPECT_EQ(Tag(store(), "col_1", "doc_1"), "(absent)");
}

TEST_P(NamespaceConformanceTest,
       DocumentEditEditByIdsWritesOnlyThoseOfTheCollectionInRequestOrder) {
  ASSERT_OK(SeedDocuments(store()));
  DocumentSelection which;
  which.ids = {"doc_3", "doc_missing", "doc_1", "doc_9", "doc_3"};
  ASSERT_OK_AND_ASSIGN(auto written, store().EditDocuments("col_1", which, SetTag("x")));
  EXPECT_EQ(DocIds(written), (std::vector<std::string>{"doc_3", "doc_1"}));
  EXPECT_TRUE(written[0].vectors.empty());
  EXPECT_EQ(Tag(store(), "col_1", "doc_1"), "x");
  EXPECT_EQ(Tag(store(), "col_1", "doc_2"), "");
  EXPECT_EQ(Tag(store(), "col_1", "doc_3"), "x");
  EXPECT_EQ(Tag(store(), "col_2", "doc_9"), "");  // another collection's document is not selected
  ASSERT_OK_AND_ASSIGN(model::Document got, store().GetDocument("col_1", "doc_1", true));
  EXPECT_EQ(got.updated_at, 5000);
  EXPECT_EQ(got.vectors.size(), 2u);  // a fields-only edit keeps the vectors
  EXPECT_EQ(got.lineage.root_object_id, "obj_1");
}

TEST_P(NamespaceConformanceTest, DocumentEditEditByPredicateOverTheWholeCollection) {
  ASSERT_OK(SeedDocuments(store()));
  DocumentSelection which;
  which.where = [](const model::Document& d) { return d.fields.Get("n")->as_int() >= 2; };
  ASSERT_OK_AND_ASSIGN(auto written, store().EditDocuments("col_1", which, SetTag("big")));
  EXPECT_EQ(DocIds(written), (std::vector<std::string>{"doc_2", "doc_3"}));
  EXPECT_EQ(Tag(store(), "col_1", "doc_1"), "");
  EXPECT_EQ(Tag(store(), "col_1", "doc_2"), "big");
  EXPECT_EQ(Tag(store(), "col_1", "doc_3"), "big");
}

TEST_P(NamespaceConformanceTest, DocumentEditEditReturningFalseWritesNothingForThatDocument) {
  ASSERT_OK(SeedDocuments(store()));
  DocumentSelection which;
  ASSERT_OK_AND_ASSIGN(
      auto written, store().EditDocuments("col_1", which, [](model::Document* d) -> Result<bool> {
        if (d->document_id != "doc_2") return false;
        d->fields.mutable_object().Set("tag", "two");
        return true;
      }));
  EXPECT_EQ(DocIds(written), (std::vector<std::string>{"doc_2"}));
  EXPECT_EQ(Tag(store(), "col_1", "doc_1"), "");
  EXPECT_EQ(Tag(store(), "col_1", "doc_2"), "two");
}

TEST_P(NamespaceConformanceTest, DocumentEditAFailingEditRollsBackTheWholeCall) {
  ASSERT_OK(SeedDocuments(store()));
  DocumentSelection which;
  which.ids = {"doc_1", "doc_2", "doc_3"};
  auto result = store().EditDocuments("col_1", which, [](model::Document* d) -> Result<bool> {
    if (d->document_id == "doc_3") return Status::InvalidArgument("refused");
    d->fields.mutable_object().Set("tag", "partial");
    return true;
  });
  EXPECT_EQ(STATUS_CODE(result), StatusCode::kInvalidArgument);
  EXPECT_EQ(Tag(store(), "col_1", "doc_1"), "");
  EXPECT_EQ(Tag(store(), "col_1", "doc_2"), "");
}

TEST_P(NamespaceConformanceTest, DocumentEditEditWithVectorsReplacesThem) {
  ASSERT_OK(SeedDocuments(store()));
  DocumentSelection which;
  which.ids = {"doc_2"};
  which.with_vectors = true;
  ASSERT_OK_AND_ASSIGN(
      auto written, store().EditDocuments("col_1", which, [](model::Document* d) -> Result<bool> {
        EXPECT_EQ(d->vectors.size(), 2u);
        d->vectors = {{"mixpeek://text_extractor@v2/embedding", {7.0f, 8.0f}}};
        return true;
      }));
  ASSERT_EQ(written.size(), 1u);
  ASSERT_OK_AND_ASSIGN(model::Document got, store().GetDocument("col_1", "doc_2", true));
  ASSERT_EQ(got.vectors.size(), 1u);
  EXPECT_EQ(got.vectors[0].values, (std::vector<float>{7.0f, 8.0f}));
  EXPECT_EQ(N(store(), "doc_2"), 2);
}

TEST_P(NamespaceConformanceTest, DocumentEditEditsAndDeletesMoveTheCollectionsWriteMark) {
  ASSERT_OK(SeedDocuments(store()));
  ASSERT_OK_AND_ASSIGN(auto before, store().GetCollectionVersion("col_1"));
  DocumentSelection which;
  which.ids = {"doc_1"};
  ASSERT_OK(store().EditDocuments("col_1", which, SetTag("x")).status());
  ASSERT_OK_AND_ASSIGN(auto edited, store().GetCollectionVersion("col_1"));
  EXPECT_GT(edited.write_mark, before.write_mark);
  ASSERT_OK(store().DeleteDocuments("col_1", which).status());
  ASSERT_OK_AND_ASSIGN(auto deleted, store().GetCollectionVersion("col_1"));
  EXPECT_GT(deleted.write_mark, edited.write_mark);
  EXPECT_EQ(deleted.document_count, 2);
}

TEST_P(NamespaceConformanceTest, DocumentEditDeleteByIdsAndByPredicate) {
  ASSERT_OK(SeedDocuments(store()));
  DocumentSelection by_ids;
  by_ids.ids = {"doc_2", "doc_missing", "doc_9"};
  ASSERT_OK_AND_ASSIGN(auto deleted, store().DeleteDocuments("col_1", by_ids));
  EXPECT_EQ(deleted, (std::vector<std::string>{"doc_2"}));
  EXPECT_EQ(N(store(), "doc_2"), -1);
  EXPECT_EQ(Tag(store(), "col_2", "doc_9"), "");  // still there
  ASSERT_OK_AND_ASSIGN(auto vectors, store().GetDocuments("col_1", {"doc_2"}));
  EXPECT_TRUE(vectors.empty());

  DocumentSelection where;
  where.where = [](const model::Document& d) { return d.fields.Get("n")->as_int() == 3; };
  ASSERT_OK_AND_ASSIGN(deleted, store().DeleteDocuments("col_1", where));
  EXPECT_EQ(deleted, (std::vector<std::string>{"doc_3"}));
  ASSERT_OK_AND_ASSIGN(int64_t count, store().CountDocuments("col_1"));
  EXPECT_EQ(count, 1);

  ASSERT_OK_AND_ASSIGN(deleted, store().DeleteDocuments("col_1", DocumentSelection{}));
  EXPECT_EQ(deleted, (std::vector<std::string>{"doc_1"}));
  ASSERT_OK_AND_ASSIGN(count, store().CountAllDocuments());
  EXPECT_EQ(count, 1);
}

// Client writes: EditDocuments and DeleteDocuments log one entry per written document, in
// their own transaction (a failed edit logs nothing).
TEST_P(NamespaceConformanceTest, DocumentEditAndDeleteAppendToTheChangeLog) {
  ASSERT_OK(SeedDocuments(store()));
  ASSERT_OK_AND_ASSIGN(int64_t start, store().LatestChangeSeq());
  DocumentSelection which;
  which.ids = {"doc_2", "doc_1", "doc_missing"};
  ASSERT_OK(store().EditDocuments("col_1", which, SetTag("x")).status());
  auto failing = [](model::Document*) -> Result<bool> { return Status::Internal("no"); };
  EXPECT_FALSE(store().EditDocuments("col_1", which, failing).ok());
  DocumentSelection one;
  one.ids = {"doc_3"};
  ASSERT_OK(store().DeleteDocuments("col_1", one).status());
  ASSERT_OK_AND_ASSIGN(auto log, store().ListChanges(start, 100));
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].item_id, "doc_2");
  EXPECT_EQ(log[1].item_id, "doc_1");
  EXPECT_EQ(log[2].item_id, "doc_3");
  for (const auto& e : log) {
    EXPECT_EQ(e.item, ChangeItem::kDocument);
    EXPECT_EQ(e.resource_id, "col_1");
  }
  EXPECT_EQ(log[0].op, ChangeOp::kUpsert);
  EXPECT_EQ(log[2].op, ChangeOp::kDelete);
}

}  // namespace ferry::storage::testing
