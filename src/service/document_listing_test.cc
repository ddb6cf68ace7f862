// documents/list with a filter (ListMatchingDocuments through CollectionService): offsets
// count matches, across the chunks the collection is read in.

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "service/service_test_fixture.h"

namespace ferry::service {
namespace {

class DocumentListingTest : public ServiceTest {
 protected:
  // `n` documents with field "n" = 0..n-1, listed in that order (created_at = n).
  void AddDocuments(const NamespaceHandle& h, int n) {
    std::vector<model::Document> docs;
    for (int i = 0; i < n; ++i) {
      model::Document d;
      char id[32];
      std::snprintf(id, sizeof(id), "doc_%05d", i);
      d.document_id = id;
      d.collection_id = collection_.collection_id;
      model::ValueObject fields;
      fields.Set("n", static_cast<int64_t>(i));
      d.fields = model::Value(std::move(fields));
      d.modality = "text";
      d.created_at = d.updated_at = 1000 + i;
      docs.push_back(std::move(d));
    }
    ASSERT_TRUE(h.store->UpsertDocuments(docs).ok());
  }

  static model::DocumentFilter AtLeast(int64_t n) {
    model::DocumentFilter f;
    f.kind = model::DocumentFilter::Kind::kCondition;
    f.field = "n";
    f.op = "gte";
    f.value = model::Value(n);
    return f;
  }

  std::vector<int64_t> Listed(const NamespaceHandle& h, const model::DocumentFilter& f,
                              int64_t offset, int64_t limit, int64_t* total) {
    CollectionService collections(*deps_);
    auto list = collections.ListDocuments(h, "texts", model::Page{offset, limit}, f);
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    *total = list->total;
    std::vector<int64_t> out;
    for (const auto& d : list->items) out.push_back(d.fields.Get("n")->as_int());
    return out;
  }
};

TEST_F(DocumentListingTest, PagesCountMatchesAcrossChunks) {
  NamespaceHandle h = MakeFixture(Caller{"org_1"});
  AddDocuments(h, 1203);
  int64_t total = 0;
  // Matches 400..1202; the page spans the 500-document chunk boundary.
  EXPECT_EQ(Listed(h, AtLeast(400), 98, 5, &total),
            (std::vector<int64_t>{498, 499, 500, 501, 502}));
  EXPECT_EQ(total, 803);
  EXPECT_EQ(Listed(h, AtLeast(400), 800, 10, &total), (std::vector<int64_t>{1200, 1201, 1202}));
  EXPECT_EQ(Listed(h, AtLeast(400), 803, 10, &total), std::vector<int64_t>{});
  EXPECT_EQ(total, 803);
  EXPECT_EQ(Listed(h, AtLeast(5000), 0, 10, &total), std::vector<int64_t>{});
  EXPECT_EQ(total, 0);
}

}  // namespace
}  // namespace ferry::service
