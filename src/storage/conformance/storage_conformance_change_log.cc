// Conformance: the change log of client writes (ChangeLogStore) — one entry per item a
// client write wrote, in the write's own transaction, in sequence order; none for a write
// that failed or for a migration's fenced writes and bulk copies; paging; trims that never
// let a sequence number be given out twice; each namespace its own sequence.

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "common/clock.h"
#include "storage/conformance/storage_conformance.h"

namespace ferry::storage::testing {
namespace {

struct Seen {
  int64_t seq;
  ChangeItem item;
  std::string resource_id;
  std::string item_id;
  ChangeOp op;
  bool operator==(const Seen&) const = default;
};

std::vector<Seen> Changes(NamespaceStore& store, int64_t after = 0) {
  auto got = store.ListChanges(after, 1000);
  EXPECT_TRUE(got.ok()) << got.status().ToString();
  std::vector<Seen> out;
  if (got.ok()) {
    for (const ChangeEntry& e : *got) {
      EXPECT_GT(e.at, 0);
      out.push_back({e.seq, e.item, e.resource_id, e.item_id, e.op});
    }
  }
  return out;
}

constexpr ChangeItem kObj = ChangeItem::kObject;
constexpr ChangeItem kDoc = ChangeItem::kDocument;
constexpr ChangeOp kUp = ChangeOp::kUpsert;
constexpr ChangeOp kDel = ChangeOp::kDelete;

TEST_P(NamespaceConformanceTest, ClientWritesAreLoggedInOrderWithinTheirTransaction) {
  ASSERT_OK_AND_ASSIGN(int64_t none, store().LatestChangeSeq());
  EXPECT_EQ(none, 0);
  ASSERT_OK(store().InsertBucket(SampleBucket("bkt_1", "b1")));
  ASSERT_OK(store().InsertCollection(SampleCollection("col_1", "c1")));
  EXPECT_TRUE(Changes(store()).empty()) << "creating resources is not an item write";
  ASSERT_OK(store().InsertObject(SampleObject("bkt_1", "obj_1")));
  ASSERT_OK(
      store().UpsertObjects({SampleObject("bkt_1", "obj_2"), SampleObject("bkt_1", "obj_1")}));
  ASSERT_OK(store().UpsertDocuments({SampleDocument("col_1", "doc_1", "obj_1"),
                                     SampleDocument("col_1", "doc_2", "obj_2"),
                                     SampleDocument("col_1", "doc_3", "obj_1")}));
  ASSERT_OK(store().DeleteObject("bkt_1", "obj_2"));
  ASSERT_OK(store().DeleteDocumentsByRootObjects("col_1", {"obj_1", "obj_1", "obj_9"}));
  const std::vector<Seen> want = {
      {1, kObj, "bkt_1", "obj_1", kUp},  {2, kObj, "bkt_1", "obj_2", kUp},
      {3, kObj, "bkt_1", "obj_1", kUp},  {4, kDoc, "col_1", "doc_1", kUp},
      {5, kDoc, "col_1", "doc_2", kUp},  {6, kDoc, "col_1", "doc_3", kUp},
      {7, kObj, "bkt_1", "obj_2", kDel}, {8, kDoc, "col_1", "doc_1", kDel},
      {9, kDoc, "col_1", "doc_3", kDel},
  };
  EXPECT_EQ(Changes(store()), want);
  ASSERT_OK_AND_ASSIGN(int64_t latest, store().LatestChangeSeq());
  EXPECT_EQ(latest, 9);

  // A write that fails writes no entry (and no item): the same transaction.
  EXPECT_EQ(STATUS_CODE(store().InsertObject(SampleObject("bkt_1", "obj_1"))),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(STATUS_CODE(store().UpsertObjects(
                {SampleObject("bkt_1", "obj_5"), SampleObject("bkt_none", "obj_6")})),
            StatusCode::kNotFound);
  EXPECT_EQ(STATUS_CODE(store().DeleteObject("bkt_1", "obj_2")), StatusCode::kNotFound);
  EXPECT_EQ(STATUS_CODE(store().UpsertDocuments({SampleDocument("col_1", "doc_7", "obj_1"),
                                                 SampleDocument("col_none", "doc_8", "obj_1")})),
            StatusCode::kNotFound);
  EXPECT_EQ(STATUS_CODE(store().GetObject("bkt_1", "obj_5")), StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(latest, store().LatestChangeSeq());
  EXPECT_EQ(latest, 9);
  EXPECT_EQ(Changes(store()).size(), 9u);

  // A migration's fenced writes are not client writes.
  ASSERT_OK(store().UpsertObjectsFenced({"mig_1/1", 1}, {SampleObject("bkt_1", "obj_m")}));
  ASSERT_OK(
      store().UpsertDocumentsFenced({"mig_1/1", 1}, {SampleDocument("col_1", "doc_m", "obj_m")}));
  ASSERT_OK_AND_ASSIGN(latest, store().LatestChangeSeq());
  EXPECT_EQ(latest, 9);
}

TEST_P(NamespaceConformanceTest, ChangesPageAndTrimsNeverReuseASequence) {
  ASSERT_OK(store().InsertBucket(SampleBucket("bkt_1", "b1")));
  for (int i = 1; i <= 5; ++i) {
    ASSERT_OK(store().InsertObject(SampleObject("bkt_1", "obj_" + std::to_string(i))));
  }
  ASSERT_OK_AND_ASSIGN(auto page, store().ListChanges(2, 2));
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].seq, 3);
  EXPECT_EQ(page[1].item_id, "obj_4");
  EXPECT_EQ(STATUS_CODE(store().ListChanges(0, 0)), StatusCode::kInvalidArgument);

  ASSERT_OK_AND_ASSIGN(int64_t trimmed, store().TrimChanges(3));
  EXPECT_EQ(trimmed, 3);
  EXPECT_EQ(Changes(store()).front().seq, 4);
  ASSERT_OK_AND_ASSIGN(trimmed, store().TrimChanges(100));
  EXPECT_EQ(trimmed, 2);
  EXPECT_TRUE(Changes(store()).empty());
  ASSERT_OK_AND_ASSIGN(int64_t latest, store().LatestChangeSeq());
  EXPECT_EQ(latest, 5) << "a trim does not lower the last sequence";
  ASSERT_OK(store().DeleteObject("bkt_1", "obj_1"));
  EXPECT_EQ(Changes(store()), (std::vector<Seen>{{6, kObj, "bkt_1", "obj_1", kDel}}));
}

TimestampMs WallNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST_P(NamespaceConformanceTest, PausedWritesFailAndWriteNothingUntilThePauseEnds) {
  ASSERT_OK(store().InsertBucket(SampleBucket("bkt_1", "b1")));
  ASSERT_OK(store().InsertCollection(SampleCollection("col_1", "c1")));
  ASSERT_OK(store().InsertObject(SampleObject("bkt_1", "obj_1")));
  ASSERT_OK(store().UpsertDocuments({SampleDocument("col_1", "doc_1", "obj_1")}));
  ASSERT_OK(store().PauseWrites(WallNowMs() + 60'000));
  EXPECT_EQ(STATUS_CODE(store().InsertObject(SampleObject("bkt_1", "obj_2"))),
            StatusCode::kWritesPaused);
  EXPECT_EQ(STATUS_CODE(store().UpsertObjects({SampleObject("bkt_1", "obj_3")})),
            StatusCode::kWritesPaused);
  EXPECT_EQ(STATUS_CODE(store().DeleteObject("bkt_1", "obj_1")), StatusCode::kWritesPaused);
  EXPECT_EQ(STATUS_CODE(store().UpsertDocuments({SampleDocument("col_1", "doc_2", "obj_1")})),
            StatusCode::kWritesPaused);
  EXPECT_EQ(STATUS_CODE(store().DeleteDocumentsByRootObjects("col_1", {"obj_1"})),
            StatusCode::kWritesPaused);
  DocumentSelection all;
  all.ids = {"doc_1"};
  EXPECT_EQ(STATUS_CODE(store().DeleteDocuments("col_1", all)), StatusCode::kWritesPaused);
  // Nothing was written: items and log as before the pause.
  EXPECT_EQ(STATUS_CODE(store().GetObject("bkt_1", "obj_2")), StatusCode::kNotFound);
  EXPECT_OK(store().GetObject("bkt_1", "obj_1").status());
  EXPECT_OK(store().GetDocument("col_1", "doc_1", false).status());
  ASSERT_OK_AND_ASSIGN(int64_t latest, store().LatestChangeSeq());
  EXPECT_EQ(latest, 2);
  // A migration's own writes are not paused.
  ASSERT_OK(store().UpsertObjectsFenced({"mig_1/1", 1}, {SampleObject("bkt_1", "obj_m")}));
  // Lifting the pause (or a pause that has ended) lets writes through again.
  ASSERT_OK(store().PauseWrites(0));
  ASSERT_OK(store().InsertObject(SampleObject("bkt_1", "obj_2")));
  ASSERT_OK(store().PauseWrites(WallNowMs() - 1));
  ASSERT_OK(store().DeleteObject("bkt_1", "obj_2"));
  ASSERT_OK_AND_ASSIGN(latest, store().LatestChangeSeq());
  EXPECT_EQ(latest, 4);
}

TEST_P(StorageConformanceTest, APauseHoldsOnlyItsOwnNamespace) {
  auto a = NewNamespace("ns_a");
  auto b = NewNamespace("ns_b");
  for (auto* s : {a.get(), b.get()}) ASSERT_OK(s->InsertBucket(SampleBucket("bkt_1", "b1")));
  ASSERT_OK(a->PauseWrites(WallNowMs() + 60'000));
  EXPECT_EQ(STATUS_CODE(a->InsertObject(SampleObject("bkt_1", "obj_1"))),
            StatusCode::kWritesPaused);
  ASSERT_OK(b->InsertObject(SampleObject("bkt_1", "obj_1")));
}

// The entries' write times, by seq.
std::vector<TimestampMs> WriteTimes(NamespaceStore& store) {
  std::vector<TimestampMs> out;
  auto got = store.ListChanges(0, 1000);
  EXPECT_TRUE(got.ok()) << got.status().ToString();
  if (got.ok()) {
    for (const ChangeEntry& e : *got) out.push_back(e.at);
  }
  return out;
}

TEST_P(NamespaceConformanceTest, ATimeBoundedTrimRemovesOnlyEntriesBothOldAndLowEnough) {
  ASSERT_OK(store().InsertBucket(SampleBucket("bkt_1", "b1")));
  for (int i = 1; i <= 3; ++i) {
    ASSERT_OK(store().InsertObject(SampleObject("bkt_1", "obj_" + std::to_string(i))));
  }
  std::vector<TimestampMs> first = WriteTimes(store());
  ASSERT_EQ(first.size(), 3u);
  const TimestampMs first_max = *std::max_element(first.begin(), first.end());
  // The next writes get a later write time (entries carry the wall clock in ms).
  while (SystemClock().NowMs() <= first_max) {
  }
  for (int i = 4; i <= 5; ++i) {
    ASSERT_OK(store().InsertObject(SampleObject("bkt_1", "obj_" + std::to_string(i))));
  }
  const TimestampMs first_min = *std::min_element(first.begin(), first.end());
  ASSERT_OK_AND_ASSIGN(int64_t trimmed, store().TrimChangesWrittenBefore(100, first_min));
  EXPECT_EQ(trimmed, 0) << "nothing was written before the earliest entry";
  ASSERT_OK_AND_ASSIGN(trimmed, store().TrimChangesWrittenBefore(2, first_max + 1));
  EXPECT_EQ(trimmed, 2) << "old enough, but only up to seq 2";
  EXPECT_EQ(Changes(store()).front().seq, 3);
  ASSERT_OK_AND_ASSIGN(trimmed, store().TrimChangesWrittenBefore(100, first_max + 1));
  EXPECT_EQ(trimmed, 1) << "low enough, but entries 4 and 5 are younger";
  EXPECT_EQ(Changes(store()), (std::vector<Seen>{{4, kObj, "bkt_1", "obj_4", kUp},
                                                 {5, kObj, "bkt_1", "obj_5", kUp}}));
  ASSERT_OK_AND_ASSIGN(trimmed, store().TrimChangesWrittenBefore(4, SystemClock().NowMs() + 1));
  EXPECT_EQ(trimmed, 1);
  ASSERT_OK_AND_ASSIGN(int64_t latest, store().LatestChangeSeq());
  EXPECT_EQ(latest, 5) << "a trim does not lower the last sequence";
  ASSERT_OK(store().DeleteObject("bkt_1", "obj_1"));
  EXPECT_EQ(Changes(store()).back().seq, 6);
}

TEST_P(StorageConformanceTest, EachNamespaceHasItsOwnChangeSequence) {
  auto a = NewNamespace("ns_a");
  auto b = NewNamespace("ns_b");
  for (auto* s : {a.get(), b.get()}) ASSERT_OK(s->InsertBucket(SampleBucket("bkt_1", "b1")));
  ASSERT_OK(a->InsertObject(SampleObject("bkt_1", "obj_1")));
  ASSERT_OK(a->InsertObject(SampleObject("bkt_1", "obj_2")));
  ASSERT_OK(b->InsertObject(SampleObject("bkt_1", "obj_3")));
  EXPECT_EQ(Changes(*a).size(), 2u);
  EXPECT_EQ(Changes(*b), (std::vector<Seen>{{1, kObj, "bkt_1", "obj_3", kUp}}));
  // A dropped namespace's log goes with it.
  b.reset();
  ASSERT_OK(engine().DropNamespaceData("ns_b"));
  auto again = NewNamespace("ns_b");
  ASSERT_OK_AND_ASSIGN(int64_t latest, again->LatestChangeSeq());
  EXPECT_EQ(latest, 0);
}

}  // namespace
}  // namespace ferry::storage::testing
