#pragma once
// Plain structs for the resources of DESIGN.md §1. No behaviour, no wire names: the
// codec maps them to and from JSON, storage persists them.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "model/taxonomy.h"
#include "model/types.h"
#include "model/value.h"

namespace ferry::model {

struct Organization {
  std::string org_id;  // "org_…"; the API's internal_id
  std::string name;
  TimestampMs created_at = 0;
};

struct ApiKey {
  std::string key_hash;  // SHA-256 hex of the full "sk_…" secret; the secret is never kept
  std::string org_id;
  std::string name;
  TimestampMs created_at = 0;
};

// A feature extractor named in a namespace's configuration.
struct ExtractorRef {
  std::string name;
  std::string version;
  Value params;  // null or object
};

struct Namespace {
  std::string namespace_id;
  std::string org_id;
  std::string namespace_name;
  std::string namespace_type = "standard";
  std::optional<std::string> description;
  std::vector<ExtractorRef> feature_extractors;
  Value payload_indexes;  // null or array, kept as given
  bool auto_create_indexes = false;
  TimestampMs created_at = 0;
  TimestampMs updated_at = 0;
};

struct SchemaField {
  std::string name;
  FieldType type = FieldType::kString;
  bool required = false;
  Value spec;  // the field's full definition as given (description, default, enum, …)
};

struct BucketSchema {
  std::vector<SchemaField> properties;
  const SchemaField* Find(const std::string& name) const {
    for (const auto& f : properties) {
      if (f.name == name) return &f;
    }
    return nullptr;
  }
};

struct Bucket {
  std::string bucket_id;
  std::string bucket_name;
  std::optional<std::string> description;
  BucketSchema schema;
  Value unique_key;  // null or object, kept as given
  Value metadata;    // object
  TimestampMs created_at = 0;
  TimestampMs updated_at = 0;
};

// Aggregates computed from a bucket's objects.
struct BucketStats {
  int64_t object_count = 0;
  int64_t total_size_bytes = 0;
  std::optional<TimestampMs> last_upload_at;
};

struct Blob {
  std::string blob_id;
  std::string property;
  FieldType type = FieldType::kString;
  std::optional<std::string> key_prefix;
  // Inline value for scalar/structured types; null when the payload is in the blob store.
  Value data;
  // SHA-256 of the payload in the blob store (text and binary types).
  std::optional<std::string> content_hash;
  int64_t size_bytes = 0;
  std::optional<std::string> mime_type;
  std::optional<std::string> filename;
  Value metadata;  // null or object
};

struct Object {
  std::string object_id;
  std::string bucket_id;
  std::optional<std::string> key_prefix;
  std::vector<Blob> blobs;
  TaskStatus status = TaskStatus::kDraft;
  std::optional<std::string> error;
  TimestampMs created_at = 0;
  TimestampMs updated_at = 0;
  const Blob* FindBlob(const std::string& property) const {
    for (const auto& b : blobs) {
      if (b.property == property) return &b;
    }
    return nullptr;
  }
};

struct FieldPassthrough {
  std::string source_path;
  std::optional<std::string> target_path;
  Value default_value;  // null when absent
  bool required = false;
};

struct CollectionExtractor {
  std::string name;
  std::string version;
  Value parameters;      // object (null when not given)
  Value input_mappings;  // object: extractor input name → source field path
  std::vector<FieldPassthrough> field_passthrough;
  bool include_all_source_fields = false;
  std::string id() const { return name + "_" + version; }
  std::string feature_uri() const { return "mixpeek://" + name + "@" + version + "/embedding"; }
};

struct CollectionSource {
  SourceType type = SourceType::kBucket;
  std::vector<std::string> bucket_ids;  // type == kBucket
  std::string collection_id;            // type == kCollection
};

struct Collection {
  std::string collection_id;
  std::string collection_name;
  std::optional<std::string> description;
  CollectionSource source;
  CollectionExtractor extractor;
  BucketSchema input_schema;
  BucketSchema output_schema;
  bool enabled = true;
  Value metadata;  // null or object
  // Root buckets feeding this collection (directly or through source collections).
  std::vector<std::string> root_bucket_ids;
  // Taxonomies run on the documents each batch writes here, in InRunOrder.
  std::vector<TaxonomyApplication> taxonomy_applications;
  TimestampMs created_at = 0;
  TimestampMs updated_at = 0;
};

struct Lineage {
  SourceType source_type = SourceType::kBucket;
  std::string root_object_id;
  std::string root_bucket_id;
  std::optional<std::string> source_object_id;      // source_type == kBucket
  std::optional<std::string> source_document_id;    // source_type == kCollection
  std::optional<std::string> source_collection_id;  // source_type == kCollection
  std::string path;                                 // "bkt_…/col_…/col_…"
};

struct FeatureVector {
  std::string feature_uri;
  std::vector<float> values;
};

struct Document {
  std::string document_id;
  std::string collection_id;
  Value fields;  // user-visible root-level fields (object)
  std::vector<FeatureVector> vectors;
  Lineage lineage;
  std::string modality;                        // "text" | "image"
  std::string ingestion_status = "COMPLETED";  // or "FAILED"
  std::optional<std::string> error;            // why extraction failed
  std::string batch_id;
  TimestampMs created_at = 0;
  TimestampMs updated_at = 0;
};

struct Batch {
  std::string batch_id;
  std::string bucket_id;
  TaskStatus status = TaskStatus::kDraft;
  std::vector<std::string> object_ids;
  std::vector<std::string> collection_ids;
  std::vector<std::vector<std::string>> dag_tiers;
  std::optional<int> current_tier;
  std::optional<std::string> error;
  std::map<std::string, int64_t> error_summary;  // error message → count
  std::optional<std::string> task_id;
  Value metadata;  // object
  TimestampMs created_at = 0;
  TimestampMs updated_at = 0;
};

struct Task {
  std::string task_id;
  std::string org_id;
  std::string namespace_id;
  std::string task_type;  // Mixpeek's TaskType spelling, e.g. "api_buckets_batches_submit"
  TaskStatus status = TaskStatus::kPending;
  Value inputs;           // null or array
  Value outputs;          // null or array
  Value additional_data;  // null or object
  std::optional<std::string> error;
  TimestampMs created_at = 0;
  TimestampMs updated_at = 0;
};

// Counts shown on a namespace.
struct NamespaceStats {
  int64_t document_count = 0;
  int64_t bucket_count = 0;
  int64_t collection_count = 0;
  int64_t object_count = 0;
};

// Pagination window for list operations.
struct Page {
  int64_t offset = 0;
  int64_t limit = 100;
};

}  // namespace ferry::model
