// The streaming fingerprint of stored rows (DocumentChecksummer, DocumentFingerprinter)
// against the definition on model types (DocumentFingerprint of a model::Document): both
// sides of a verification are computed one way or the other, so they must agree exactly.

#include "storage/fingerprint.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "common/ids.h"
#include "model/value.h"
#include "storage/checksum_rows.h"
#include "storage/records/record_codec.h"

namespace ferry::storage {
namespace {

using model::Value;
using model::ValueArray;
using model::ValueObject;

std::string Bytes(const std::vector<float>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
}

model::Document Sample() {
  model::Document d;
  d.document_id = "doc_00000000000000000000abcd";
  d.collection_id = "col_00000000000000000000beef";
  d.lineage.source_type = model::SourceType::kBucket;
  d.lineage.root_object_id = "obj_00000000000000000000f00d";
  d.lineage.root_bucket_id = "bkt_0000000000000000000000aa";
  d.lineage.source_object_id = "obj_00000000000000000000f00d";
  d.lineage.path = "bkt_0000000000000000000000aa/obj_00000000000000000000f00d";
  d.modality = "text";
  d.ingestion_status = "completed";
  d.error = "partial";
  ValueObject nested;
  nested.Set("z", 1.5);
  nested.Set("a", ValueArray{Value(true), Value(nullptr), Value(int64_t{-7})});
  ValueObject fields;
  fields.Set("text", "hello");
  fields.Set("_taxonomy_label", "cat");
  fields.Set("meta", Value(std::move(nested)));
  fields.Set("count", int64_t{1234567890123});
  d.fields = Value(std::move(fields));
  d.vectors.push_back({"mixpeek://text@v2/embedding", {0.5f, -1.0f, 3.25f}});
  d.vectors.push_back({"mixpeek://image@v1/embedding", {1.0f, 2.0f}});
  return d;
}

// The document as a backend row: ids as stored, fields as stored, vectors in the order
// given.
std::string Streamed(const model::Document& d, const ChecksumRequest& request,
                     const std::vector<size_t>& vector_order) {
  const std::string fields = model::EncodeValue(d.fields);
  const std::string source_type = model::SourceTypeName(d.lineage.source_type);
  ItemChecksum out;
  DocumentChecksummer sums(request, &out);
  auto opt = [](const std::optional<std::string>& s) {
    return s ? std::optional<std::string_view>(*s) : std::nullopt;
  };
  EXPECT_TRUE(
      sums.Begin(DocumentRowView{d.document_id, d.collection_id, fields, source_type,
                                 d.lineage.root_object_id, d.lineage.root_bucket_id,
                                 opt(d.lineage.source_object_id), opt(d.lineage.source_document_id),
                                 opt(d.lineage.source_collection_id), d.lineage.path, d.modality,
                                 d.ingestion_status, d.error.value_or("")})
          .ok());
  for (size_t i : vector_order) {
    sums.AddVector(d.vectors[i].feature_uri, Bytes(d.vectors[i].values));
  }
  sums.Finish();
  EXPECT_EQ(out.count, 1);
  return out.checksum.Hex();
}

std::string Expected(const model::Document& d, const FingerprintScope& scope) {
  ContentChecksum c;
  c.Add(DocumentFingerprint(d, scope));
  return c.Hex();
}

TEST(DocumentChecksummerTest, StoredRowsFingerprintAsTheModelDocumentDoes) {
  const model::Document d = Sample();
  ChecksumRequest r;
  EXPECT_EQ(Streamed(d, r, {0, 1}), Expected(d, {}));
  EXPECT_EQ(Streamed(d, r, {1, 0}), Expected(d, {}));
}

TEST(DocumentChecksummerTest, TheScopeLeavesOutFieldsVectorsAndTheError) {
  const model::Document d = Sample();
  ChecksumRequest r;
  r.scope.excluded_fields = {"count"};
  r.scope.excluded_field_prefixes = {"_taxonomy_"};
  r.scope.excluded_vector_uris = {"mixpeek://image@v1/embedding"};
  r.scope.ignore_error = true;
  EXPECT_EQ(Streamed(d, r, {1, 0}), Expected(d, r.scope));
  EXPECT_NE(Expected(d, r.scope), Expected(d, {}));
}

TEST(DocumentChecksummerTest, MappedIdsAreTheCopysIds) {
  const model::Document d = Sample();
  ChecksumRequest r;
  r.mapping = IdMapping{"mig_0000000000000000000000aa", false};
  model::Document copy = d;
  auto map = [&](const std::string& id) {
    return MapResourceId(r.mapping->migration_id, id, false);
  };
  copy.document_id = map(d.document_id);
  copy.collection_id = map(d.collection_id);
  copy.lineage.root_object_id = map(d.lineage.root_object_id);
  copy.lineage.root_bucket_id = map(d.lineage.root_bucket_id);
  copy.lineage.source_object_id = map(*d.lineage.source_object_id);
  copy.lineage.path = MapLineagePath(r.mapping->migration_id, d.lineage.path, false);
  EXPECT_EQ(Streamed(d, r, {0, 1}), Expected(copy, {}));
  EXPECT_NE(Streamed(d, r, {0, 1}), Expected(d, {}));
}

TEST(DocumentChecksummerTest, FieldsThatDoNotDecodeAreDataLoss) {
  ChecksumRequest r;
  ItemChecksum out;
  DocumentChecksummer sums(r, &out);
  std::string fields = model::EncodeValue(Sample().fields);
  fields.pop_back();
  DocumentRowView row;
  row.id = "doc_1";
  row.fields = fields;
  EXPECT_EQ(sums.Begin(row).code(), StatusCode::kDataLoss);
  row.fields = std::string_view("\x07", 1);  // no such kind
  EXPECT_EQ(sums.Begin(row).code(), StatusCode::kDataLoss);
  sums.Finish();
  EXPECT_EQ(out.count, 0);
}

// Decoding keeps the last of repeated keys; the re-encoding without a Value must too.
TEST(DocumentFingerprinterTest, RepeatedKeysKeepTheLastValueAsDecodingDoes) {
  std::string fields;
  fields.push_back(static_cast<char>(Value::Kind::kObject));
  fields.push_back(2);
  for (const char* v : {"one", "two"}) {
    fields.append("\x01k");
    fields.push_back(static_cast<char>(Value::Kind::kString));
    fields.push_back(3);
    fields.append(v);
  }
  Value decoded;
  ASSERT_TRUE(model::DecodeValue(fields, &decoded));
  model::Document d = Sample();
  d.vectors.clear();
  d.fields = decoded;
  FingerprintScope scope;
  DocumentFingerprinter f(scope);
  DocumentView view;
  view.document_id = d.document_id;
  view.collection_id = d.collection_id;
  const std::string source_type = model::SourceTypeName(d.lineage.source_type);
  view.source_type = source_type;
  view.root_object_id = d.lineage.root_object_id;
  view.root_bucket_id = d.lineage.root_bucket_id;
  view.source_object_id = *d.lineage.source_object_id;
  view.lineage_path = d.lineage.path;
  view.modality = d.modality;
  view.ingestion_status = d.ingestion_status;
  view.error = *d.error;
  ASSERT_TRUE(f.Begin(view, fields));
  unsigned char digest[kSha256Bytes];
  f.Finish(digest);
  ContentChecksum streamed;
  streamed.AddDigest(digest);
  EXPECT_EQ(streamed.Hex(), Expected(d, {}));
}

model::Object SampleObject() {
  model::Object o;
  o.object_id = "obj_00000000000000000000f00d";
  o.bucket_id = "bkt_0000000000000000000000aa";
  o.key_prefix = "/photos";
  model::Blob text;
  text.blob_id = "blob_1";
  text.property = "content";
  text.type = model::FieldType::kText;
  text.data = Value("hello world");
  text.size_bytes = 11;
  model::Blob image;
  image.blob_id = "blob_2";
  image.property = "picture";
  image.type = model::FieldType::kImage;
  image.key_prefix = "/img";
  image.content_hash = "abc123";
  image.size_bytes = 4096;
  image.mime_type = "image/png";
  image.filename = "cat.png";
  ValueObject meta;
  meta.Set("w", int64_t{64});
  meta.Set("h", ValueArray{Value(1.5), Value("x")});
  image.metadata = Value(std::move(meta));
  o.blobs = {text, image};
  return o;
}

std::string ObjectStreamed(const model::Object& o, std::string_view stored_blobs) {
  ChecksumRequest r;
  ItemChecksum out;
  ObjectChecksummer sums(r, &out);
  Status st = sums.Add(o.object_id, o.bucket_id, o.key_prefix.value_or(""), stored_blobs);
  return st.ok() ? out.checksum.Hex() : st.ToString();
}

TEST(ObjectChecksummerTest, StoredBlobsFingerprintAsTheModelObjectDoes) {
  const model::Object o = SampleObject();
  ContentChecksum want;
  want.Add(ObjectFingerprint(o));
  EXPECT_EQ(ObjectStreamed(o, records::EncodeBlobs(o.blobs)), want.Hex());
  model::Object none = o;
  none.blobs.clear();
  ContentChecksum empty;
  empty.Add(ObjectFingerprint(none));
  EXPECT_EQ(ObjectStreamed(none, records::EncodeBlobs({})), empty.Hex());
}

// What DecodeBlobs refuses, the stored fingerprint refuses too (DataLoss, never a
// fingerprint of half-read bytes).
TEST(ObjectChecksummerTest, BlobsThatDoNotDecodeAreDataLoss) {
  const model::Object o = SampleObject();
  auto refused = [&](const Value& blobs) {
    const std::string stored = model::EncodeValue(blobs);
    std::vector<model::Blob> decoded;
    EXPECT_FALSE(records::DecodeBlobs(stored, &decoded));
    ChecksumRequest r;
    ItemChecksum out;
    ObjectChecksummer sums(r, &out);
    EXPECT_EQ(sums.Add(o.object_id, o.bucket_id, "", stored).code(), StatusCode::kDataLoss);
    EXPECT_EQ(out.count, 0);
  };
  // One stored blob as EncodeBlobs writes it, edited.
  auto blob = [](const std::function<void(ValueObject*)>& edit) {
    ValueObject b;
    b.Set("blob_id", "blob_1");
    b.Set("property", "content");
    b.Set("type", "text");
    b.Set("key_prefix", "/p");
    b.Set("data", "hello");
    b.Set("size_bytes", int64_t{5});
    b.Set("metadata", Value(ValueObject{}));
    edit(&b);
    return Value(ValueArray{Value(std::move(b))});
  };
  {
    const std::string fine = model::EncodeValue(blob([](ValueObject*) {}));
    std::vector<model::Blob> decoded;
    ASSERT_TRUE(records::DecodeBlobs(fine, &decoded));
    model::Object one = o;
    one.blobs = decoded;
    ContentChecksum want;
    want.Add(ObjectFingerprint(one));
    EXPECT_EQ(ObjectStreamed(one, fine), want.Hex());
  }
  refused(Value(ValueObject{}));              // not an array
  refused(Value(ValueArray{Value("blob")}));  // an element that is no object
  for (const char* field : {"blob_id", "property", "type", "size_bytes"}) {
    refused(blob([&](ValueObject* b) { b->Erase(field); }));  // a required field missing
  }
  refused(blob([](ValueObject* b) { b->Set("type", "hologram"); }));
  refused(blob([](ValueObject* b) { b->Set("key_prefix", Value()); }));  // not a string
  refused(blob([](ValueObject* b) { b->Set("size_bytes", "5"); }));
  std::string trailing = records::EncodeBlobs(o.blobs) + "x";
  ChecksumRequest r;
  ItemChecksum out;
  ObjectChecksummer sums(r, &out);
  EXPECT_EQ(sums.Add(o.object_id, o.bucket_id, "", trailing).code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace ferry::storage
