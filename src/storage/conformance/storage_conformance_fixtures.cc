// Fixture, sample resources and comparisons of the storage conformance suite.

#include "storage/conformance/storage_conformance.h"

namespace ferry::storage::testing {

using model::Value;
using model::ValueArray;
using model::ValueObject;

void StorageConformanceTest::SetUp() {
  ASSERT_OK_AND_ASSIGN(test_store_, GetParam().new_store());
  location_ = test_store_->location();
  ASSERT_OK_AND_ASSIGN(engine_, test_store_->Open());
}

void StorageConformanceTest::TearDown() {
  if (engine_ != nullptr) engine_->Close();
  engine_.reset();
  test_store_.reset();
}

void StorageConformanceTest::Restart() {
  engine_->Close();
  engine_.reset();
  ASSERT_OK_AND_ASSIGN(engine_, test_store_->Open());
}

std::shared_ptr<NamespaceStore> StorageConformanceTest::NewNamespace(const std::string& id) {
  EXPECT_OK(engine_->CreateNamespaceData(id));
  auto store = engine_->OpenNamespace(id);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? *store : nullptr;
}

void NamespaceConformanceTest::SetUp() {
  StorageConformanceTest::SetUp();
  if (HasFatalFailure()) return;
  store_ = NewNamespace("ns_test");
  ASSERT_NE(store_, nullptr);
}

void NamespaceConformanceTest::TearDown() {
  store_.reset();
  StorageConformanceTest::TearDown();
}

Value SampleValue() {
  ValueObject nested;
  nested.Set("ok", true);
  nested.Set("none", nullptr);
  nested.Set("big", int64_t{1} << 53);
  ValueObject obj;
  obj.Set("zeta", "first key, not sorted");
  obj.Set("count", 42);
  obj.Set("ratio", 1.5);
  obj.Set("tags", ValueArray{"a", "b", Value()});
  obj.Set("nested", nested);
  obj.Set("bytes", std::string("nul\0inside", 10));
  return obj;
}

model::Organization SampleOrganization(const std::string& org_id, const std::string& name) {
  return model::Organization{org_id, name, 1700000000123};
}

model::Namespace SampleNamespace(const std::string& org_id, const std::string& namespace_id,
                                 const std::string& name) {
  model::Namespace ns;
  ns.namespace_id = namespace_id;
  ns.org_id = org_id;
  ns.namespace_name = name;
  ns.namespace_type = "custom";
  ns.description = "a namespace";
  ns.feature_extractors = {{"text_extractor", "v1", SampleValue()},
                           {"image_extractor", "v2", Value()}};
  ns.payload_indexes = ValueArray{SampleValue()};
  ns.auto_create_indexes = true;
  ns.created_at = 1000;
  ns.updated_at = 2000;
  return ns;
}

model::Task SampleTask(const std::string& org_id, const std::string& task_id,
                       model::TaskStatus status) {
  model::Task t;
  t.task_id = task_id;
  t.org_id = org_id;
  t.namespace_id = "ns_1";
  t.task_type = "api_buckets_batches_submit";
  t.status = status;
  t.inputs = ValueArray{"in"};
  t.outputs = ValueArray{SampleValue()};
  t.additional_data = SampleValue();
  t.error = "boom";
  t.created_at = 10;
  t.updated_at = 20;
  return t;
}

namespace {

model::BucketSchema SampleSchema() {
  model::BucketSchema schema;
  schema.properties.push_back({"title", model::FieldType::kText, true, SampleValue()});
  schema.properties.push_back({"photo", model::FieldType::kImage, false, Value()});
  return schema;
}

}  // namespace

model::Bucket SampleBucket(const std::string& bucket_id, const std::string& name) {
  model::Bucket b;
  b.bucket_id = bucket_id;
  b.bucket_name = name;
  b.description = "bucket";
  b.schema = SampleSchema();
  ValueObject unique_key;
  unique_key.Set("fields", ValueArray{"title"});
  b.unique_key = unique_key;
  b.metadata = SampleValue();
  b.created_at = 100;
  b.updated_at = 200;
  return b;
}

std::string NumberedId(const char* prefix, int i, int width) {
  std::string digits = std::to_string(i);
  return std::string(prefix) + "_" + std::string(width - digits.size(), '0') + digits;
}

model::Object SampleObject(const std::string& bucket_id, const std::string& object_id) {
  model::Object o;
  o.object_id = object_id;
  o.bucket_id = bucket_id;
  o.key_prefix = "/prefix";
  model::Blob text;
  text.blob_id = "blob_" + object_id + "_1";
  text.property = "title";
  text.type = model::FieldType::kText;
  text.key_prefix = "/k";
  text.content_hash = std::string(64, 'a');
  text.size_bytes = 11;
  text.mime_type = "text/plain";
  text.filename = "t.txt";
  text.metadata = SampleValue();
  model::Blob inline_value;  // optionals left unset on purpose
  inline_value.blob_id = "blob_" + object_id + "_2";
  inline_value.property = "count";
  inline_value.type = model::FieldType::kInteger;
  inline_value.data = 7;
  inline_value.size_bytes = 31;
  o.blobs = {text, inline_value};
  o.status = model::TaskStatus::kCompletedWithErrors;
  o.error = "partial";
  o.created_at = 300;
  o.updated_at = 400;
  return o;
}

model::Collection SampleCollection(const std::string& collection_id, const std::string& name) {
  model::Collection c;
  c.collection_id = collection_id;
  c.collection_name = name;
  c.description = "collection";
  c.source.type = model::SourceType::kCollection;
  c.source.bucket_ids = {"bkt_1", "bkt_2"};
  c.source.collection_id = "col_src";
  c.extractor.name = "text_extractor";
  c.extractor.version = "v2";
  c.extractor.parameters = SampleValue();
  ValueObject mappings;
  mappings.Set("text", "title");
  c.extractor.input_mappings = mappings;
  c.extractor.field_passthrough = {{"title", "doc_title", Value("untitled"), true},
                                   {"tags", std::nullopt, Value(), false}};
  c.extractor.include_all_source_fields = true;
  c.input_schema = SampleSchema();
  c.output_schema.properties.push_back({"embedding", model::FieldType::kArray, false, Value()});
  c.enabled = false;
  c.metadata = SampleValue();
  c.root_bucket_ids = {"bkt_1"};
  c.created_at = 500;
  c.updated_at = 600;
  return c;
}

model::Document SampleDocument(const std::string& collection_id, const std::string& document_id,
                               const std::string& root_object_id) {
  model::Document d;
  d.document_id = document_id;
  d.collection_id = collection_id;
  d.fields = SampleValue();
  d.vectors = {{"mixpeek://text_extractor@v2/embedding", {0.5f, -1.25f, 3.0e-8f, 0.0f}},
               {"mixpeek://image_extractor@v1/embedding", {1.0f}}};
  d.lineage.source_type = model::SourceType::kCollection;
  d.lineage.root_object_id = root_object_id;
  d.lineage.root_bucket_id = "bkt_root";
  d.lineage.source_document_id = "doc_src";
  d.lineage.source_collection_id = "col_src";
  d.lineage.path = "bkt_root/col_src/" + collection_id;
  d.modality = "text";
  d.ingestion_status = "FAILED";
  d.error = "extractor failed";
  d.batch_id = "btch_1";
  d.created_at = 700;
  d.updated_at = 800;
  return d;
}

model::Batch SampleBatch(const std::string& bucket_id, const std::string& batch_id) {
  model::Batch b;
  b.batch_id = batch_id;
  b.bucket_id = bucket_id;
  b.status = model::TaskStatus::kProcessing;
  b.object_ids = {"obj_2", "obj_1"};
  b.collection_ids = {"col_1", "col_2"};
  b.dag_tiers = {{"col_1"}, {"col_2", "col_3"}, {}};
  b.current_tier = 1;
  b.error = "some failed";
  b.error_summary = {{"timeout", 3}, {"bad input", 1}};
  b.task_id = "task_1";
  b.metadata = SampleValue();
  b.created_at = 900;
  b.updated_at = 1000;
  return b;
}

namespace {

void ExpectSameSchema(const model::BucketSchema& want, const model::BucketSchema& got) {
  ASSERT_EQ(want.properties.size(), got.properties.size());
  for (size_t i = 0; i < want.properties.size(); ++i) {
    EXPECT_EQ(want.properties[i].name, got.properties[i].name);
    EXPECT_EQ(want.properties[i].type, got.properties[i].type);
    EXPECT_EQ(want.properties[i].required, got.properties[i].required);
    EXPECT_TRUE(want.properties[i].spec == got.properties[i].spec);
  }
}

void ExpectSameBlob(const model::Blob& want, const model::Blob& got) {
  EXPECT_EQ(want.blob_id, got.blob_id);
  EXPECT_EQ(want.property, got.property);
  EXPECT_EQ(want.type, got.type);
  EXPECT_EQ(want.key_prefix, got.key_prefix);
  EXPECT_TRUE(want.data == got.data);
  EXPECT_EQ(want.content_hash, got.content_hash);
  EXPECT_EQ(want.size_bytes, got.size_bytes);
  EXPECT_EQ(want.mime_type, got.mime_type);
  EXPECT_EQ(want.filename, got.filename);
  EXPECT_TRUE(want.metadata == got.metadata);
}

void ExpectSameExtractor(const model::CollectionExtractor& want,
                         const model::CollectionExtractor& got) {
  EXPECT_EQ(want.name, got.name);
  EXPECT_EQ(want.version, got.version);
  EXPECT_TRUE(want.parameters == got.parameters);
  EXPECT_TRUE(want.input_mappings == got.input_mappings);
  EXPECT_EQ(want.include_all_source_fields, got.include_all_source_fields);
  ASSERT_EQ(want.field_passthrough.size(), got.field_passthrough.size());
  for (size_t i = 0; i < want.field_passthrough.size(); ++i) {
    const auto& w = want.field_passthrough[i];
    const auto& g = got.field_passthrough[i];
    EXPECT_EQ(w.source_path, g.source_path);
    EXPECT_EQ(w.target_path, g.target_path);
    EXPECT_TRUE(w.default_value == g.default_value);
    EXPECT_EQ(w.required, g.required);
  }
}

}  // namespace

void ExpectSame(const model::Namespace& want, const model::Namespace& got) {
  EXPECT_EQ(want.namespace_id, got.namespace_id);
  EXPECT_EQ(want.org_id, got.org_id);
  EXPECT_EQ(want.namespace_name, got.namespace_name);
  EXPECT_EQ(want.namespace_type, got.namespace_type);
  EXPECT_EQ(want.description, got.description);
  ASSERT_EQ(want.feature_extractors.size(), got.feature_extractors.size());
  for (size_t i = 0; i < want.feature_extractors.size(); ++i) {
    EXPECT_EQ(want.feature_extractors[i].name, got.feature_extractors[i].name);
    EXPECT_EQ(want.feature_extractors[i].version, got.feature_extractors[i].version);
    EXPECT_TRUE(want.feature_extractors[i].params == got.feature_extractors[i].params);
  }
  EXPECT_TRUE(want.payload_indexes == got.payload_indexes);
  EXPECT_EQ(want.auto_create_indexes, got.auto_create_indexes);
  EXPECT_EQ(want.created_at, got.created_at);
  EXPECT_EQ(want.updated_at, got.updated_at);
}

void ExpectSame(const model::Task& want, const model::Task& got) {
  EXPECT_EQ(want.task_id, got.task_id);
  EXPECT_EQ(want.org_id, got.org_id);
  EXPECT_EQ(want.namespace_id, got.namespace_id);
  EXPECT_EQ(want.task_type, got.task_type);
  EXPECT_EQ(want.status, got.status);
  EXPECT_TRUE(want.inputs == got.inputs);
  EXPECT_TRUE(want.outputs == got.outputs);
  EXPECT_TRUE(want.additional_data == got.additional_data);
  EXPECT_EQ(want.error, got.error);
  EXPECT_EQ(want.created_at, got.created_at);
  EXPECT_EQ(want.updated_at, got.updated_at);
}

void ExpectSame(const model::Bucket& want, const model::Bucket& got) {
  EXPECT_EQ(want.bucket_id, got.bucket_id);
  EXPECT_EQ(want.bucket_name, got.bucket_name);
  EXPECT_EQ(want.description, got.description);
  ExpectSameSchema(want.schema, got.schema);
  EXPECT_TRUE(want.unique_key == got.unique_key);
  EXPECT_TRUE(want.metadata == got.metadata);
  EXPECT_EQ(want.created_at, got.created_at);
  EXPECT_EQ(want.updated_at, got.updated_at);
}

void ExpectSame(const model::Object& want, const model::Object& got) {
  EXPECT_EQ(want.object_id, got.object_id);
  EXPECT_EQ(want.bucket_id, got.bucket_id);
  EXPECT_EQ(want.key_prefix, got.key_prefix);
  ASSERT_EQ(want.blobs.size(), got.blobs.size());
  for (size_t i = 0; i < want.blobs.size(); ++i) ExpectSameBlob(want.blobs[i], got.blobs[i]);
  EXPECT_EQ(want.status, got.status);
  EXPECT_EQ(want.error, got.error);
  EXPECT_EQ(want.created_at, got.created_at);
  EXPECT_EQ(want.updated_at, got.updated_at);
}

void ExpectSame(const model::Collection& want, const model::Collection& got) {
  EXPECT_EQ(want.collection_id, got.collection_id);
  EXPECT_EQ(want.collection_name, got.collection_name);
  EXPECT_EQ(want.description, got.description);
  EXPECT_EQ(want.source.type, got.source.type);
  EXPECT_EQ(want.source.bucket_ids, got.source.bucket_ids);
  EXPECT_EQ(want.source.collection_id, got.source.collection_id);
  ExpectSameExtractor(want.extractor, got.extractor);
  ExpectSameSchema(want.input_schema, got.input_schema);
  ExpectSameSchema(want.output_schema, got.output_schema);
  EXPECT_EQ(want.enabled, got.enabled);
  EXPECT_TRUE(want.metadata == got.metadata);
  EXPECT_EQ(want.root_bucket_ids, got.root_bucket_ids);
  EXPECT_EQ(want.created_at, got.created_at);
  EXPECT_EQ(want.updated_at, got.updated_at);
}

void ExpectSame(const model::Document& want, const model::Document& got, bool with_vectors) {
  EXPECT_EQ(want.document_id, got.document_id);
  EXPECT_EQ(want.collection_id, got.collection_id);
  EXPECT_TRUE(want.fields == got.fields);
  if (with_vectors) {
    ASSERT_EQ(want.vectors.size(), got.vectors.size());
    for (size_t i = 0; i < want.vectors.size(); ++i) {
      EXPECT_EQ(want.vectors[i].feature_uri, got.vectors[i].feature_uri);
      EXPECT_EQ(want.vectors[i].values, got.vectors[i].values);  // bit-exact floats
    }
  } else {
    EXPECT_TRUE(got.vectors.empty());
  }
  EXPECT_EQ(want.lineage.source_type, got.lineage.source_type);
  EXPECT_EQ(want.lineage.root_object_id, got.lineage.root_object_id);
  EXPECT_EQ(want.lineage.root_bucket_id, got.lineage.root_bucket_id);
  EXPECT_EQ(want.lineage.source_object_id, got.lineage.source_object_id);
  EXPECT_EQ(want.lineage.source_document_id, got.lineage.source_document_id);
  EXPECT_EQ(want.lineage.source_collection_id, got.lineage.source_collection_id);
  EXPECT_EQ(want.lineage.path, got.lineage.path);
  EXPECT_EQ(want.modality, got.modality);
  EXPECT_EQ(want.ingestion_status, got.ingestion_status);
  EXPECT_EQ(want.error, got.error);
  EXPECT_EQ(want.batch_id, got.batch_id);
  EXPECT_EQ(want.created_at, got.created_at);
  EXPECT_EQ(want.updated_at, got.updated_at);
}

void ExpectSame(const model::Batch& want, const model::Batch& got) {
  EXPECT_EQ(want.batch_id, got.batch_id);
  EXPECT_EQ(want.bucket_id, got.bucket_id);
  EXPECT_EQ(want.status, got.status);
  EXPECT_EQ(want.object_ids, got.object_ids);
  EXPECT_EQ(want.collection_ids, got.collection_ids);
  EXPECT_EQ(want.dag_tiers, got.dag_tiers);
  EXPECT_EQ(want.current_tier, got.current_tier);
  EXPECT_EQ(want.error, got.error);
  EXPECT_EQ(want.error_summary, got.error_summary);
  EXPECT_EQ(want.task_id, got.task_id);
  EXPECT_TRUE(want.metadata == got.metadata);
  EXPECT_EQ(want.created_at, got.created_at);
  EXPECT_EQ(want.updated_at, got.updated_at);
}

}  // namespace ferry::storage::testing
