// Conformance: one upsert call larger than a backend writes in one statement — every row
// round-trips whatever its position, NULLs and non-ASCII text included, and of an id given
// twice in one call (in one statement or in two) the last row wins.

#include <map>
#include <string>
#include <vector>

#include "storage/conformance/storage_conformance.h"

namespace ferry::storage::testing {
namespace {

// More rows than one statement takes on any backend (PostgreSQL: 1000).
constexpr int kRows = 2600;

std::string RowId(const char* prefix, int i) { return NumberedId(prefix, i, 4); }

// Every row differs from its neighbours; every 7th leaves its optional fields unset.
model::Document VariedDocument(int i) {
  model::Document d = SampleDocument("col_1", RowId("doc", i), RowId("obj", i % 97));
  model::ValueObject fields;
  fields.Set("n", model::Value(int64_t{i}));
  fields.Set("text", model::Value("héllo wörld " + d.document_id));
  d.fields = model::Value(std::move(fields));
  d.vectors = {{"mixpeek://text_extractor@v2/embedding", {static_cast<float>(i), -0.5f}}};
  if (i % 5 == 0) d.vectors.clear();
  d.lineage.path = "bkt_root/ünïcode/col_1";
  d.created_at = 1000 + i;
  d.updated_at = 2000 + i;
  if (i % 7 == 0) {
    d.lineage.source_document_id.reset();
    d.lineage.source_collection_id.reset();
    d.error.reset();
  }
  return d;
}

model::Object VariedObject(int i, const std::string& bucket_id) {
  model::Object o = SampleObject(bucket_id, RowId("obj", i));
  o.blobs[0].content_hash = std::string(63, 'a') + static_cast<char>('a' + i % 20);
  o.blobs[0].size_bytes = i;
  o.created_at = 100 + i;
  if (i % 7 == 0) {
    o.key_prefix.reset();
    o.error.reset();
    o.blobs[0].content_hash.reset();
  }
  return o;
}

TEST_P(NamespaceConformanceTest, AnUpsertOfManyDocumentsKeepsEveryRowAndTheLastOfEachId) {
  ASSERT_OK(store().InsertCollection(SampleCollection("col_1", "c")));
  std::vector<model::Document> docs;
  for (int i = 0; i < kRows; ++i) docs.push_back(VariedDocument(i));
  // doc_0005 again far later (another statement), doc_0010 again right after itself.
  model::Document later = VariedDocument(5);
  later.fields = model::Value("replaced");
  later.vectors = {{"mixpeek://text_extractor@v2/embedding", {9.0f}}};
  docs.insert(docs.begin() + 1500, later);
  model::Document next = VariedDocument(10);
  next.error = "second";
  docs.insert(docs.begin() + 11, next);
  ASSERT_OK(store().UpsertDocuments(docs));

  std::map<std::string, model::Document> want;
  for (const auto& d : docs) want[d.document_id] = d;  // the last of each id
  ASSERT_OK_AND_ASSIGN(int64_t count, store().CountDocuments("col_1"));
  EXPECT_EQ(count, kRows);
  std::map<std::string, model::Document> got;
  for (int64_t offset = 0; offset < kRows; offset += 1000) {
    ASSERT_OK_AND_ASSIGN(auto page,
                         store().ListDocuments("col_1", model::Page{offset, 1000}, true));
    for (auto& d : page) got[d.document_id] = std::move(d);
  }
  ASSERT_EQ(got.size(), want.size());
  for (const auto& [id, d] : want) ExpectSame(d, got.at(id));
  EXPECT_EQ(got.at("doc_0005").fields, model::Value("replaced"));
  EXPECT_EQ(got.at("doc_0010").error, std::optional<std::string>("second"));
}

TEST_P(NamespaceConformanceTest, AnUpsertOfManyObjectsKeepsEveryRowAndTheLastOfEachId) {
  ASSERT_OK(store().InsertBucket(SampleBucket("bkt_1", "a")));
  ASSERT_OK(store().InsertBucket(SampleBucket("bkt_2", "b")));
  std::vector<model::Object> objects;
  for (int i = 0; i < kRows; ++i) objects.push_back(VariedObject(i, "bkt_1"));
  // obj_0003 moves to the other bucket in a later statement of the same call; obj_0020
  // comes again right after itself.
  objects.insert(objects.begin() + 2100, VariedObject(3, "bkt_2"));
  model::Object again = VariedObject(20, "bkt_1");
  again.error = "second";
  objects.insert(objects.begin() + 21, again);
  ASSERT_OK(store().UpsertObjects(objects));

  ASSERT_OK_AND_ASSIGN(int64_t in_first, store().CountObjects("bkt_1"));
  ASSERT_OK_AND_ASSIGN(int64_t in_second, store().CountObjects("bkt_2"));
  EXPECT_EQ(in_first, kRows - 1);
  EXPECT_EQ(in_second, 1);
  std::vector<std::string> ids;
  for (int i = 0; i < kRows; ++i) ids.push_back(RowId("obj", i));
  ASSERT_OK_AND_ASSIGN(auto got, store().GetObjects("bkt_1", ids));
  ASSERT_EQ(got.size(), static_cast<size_t>(kRows - 1));
  for (const auto& o : got) {
    ExpectSame(
        o.object_id == "obj_0020" ? again : VariedObject(std::stoi(o.object_id.substr(4)), "bkt_1"),
        o);
  }
  ASSERT_OK_AND_ASSIGN(model::Object moved, store().GetObject("bkt_2", "obj_0003"));
  ExpectSame(VariedObject(3, "bkt_2"), moved);

  // The content hashes: 20 distinct ones (the sample's inline value has none).
  ASSERT_OK_AND_ASSIGN(auto hashes, store().ListBlobHashes());
  EXPECT_EQ(hashes.size(), 20u);
}

}  // namespace
}  // namespace ferry::storage::testing
