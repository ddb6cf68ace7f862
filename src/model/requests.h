#pragma once
// What callers ask of the services, already decoded from the wire: plain structs with
// std::optional for fields the caller may leave out.

#include <optional>
#include <string>
#include <vector>

#include "model/resources.h"
#include "model/value.h"

namespace ferry::model {

// One problem with a request, located by path (e.g. ["body","blobs",0,"data"]).
// Mirrors the {loc, msg, type} items of a 422 response and of migration validation.
struct ValidationIssue {
  ValueArray loc;
  std::string msg;
  std::string type;
};
using ValidationIssues = std::vector<ValidationIssue>;

struct NamespaceCreate {
  std::string namespace_name;
  std::string namespace_type = "standard";
  std::optional<std::string> description;
  std::vector<ExtractorRef> feature_extractors;
  Value payload_indexes;
  bool auto_create_indexes = false;
};

struct NamespacePatch {
  std::optional<std::string> namespace_name;
  std::optional<std::string> description;
  std::optional<Value> payload_indexes;
  std::optional<bool> auto_create_indexes;
};

struct BucketCreate {
  std::string bucket_name;
  std::optional<std::string> description;
  BucketSchema schema;
  Value unique_key;
  Value metadata;
};

struct BlobCreate {
  std::string property;
  FieldType type = FieldType::kString;
  std::optional<std::string> key_prefix;
  // Decoded payload: inline value for scalar types; for text the string; for binary
  // types the raw bytes (base64 already decoded) in `bytes`.
  Value data;
  std::string bytes;
  std::optional<std::string> mime_type;  // from a data: URI, when given
  Value metadata;
};

struct ObjectCreate {
  std::optional<std::string> key_prefix;
  std::vector<BlobCreate> blobs;
};

struct CollectionCreate {
  std::string collection_name;
  std::optional<std::string> description;
  CollectionSource source;
  CollectionExtractor extractor;
  bool enabled = true;
  Value metadata;
  std::vector<TaxonomyApplication> taxonomy_applications;
};

struct BatchCreate {
  std::vector<std::string> object_ids;
  Value metadata;
};

// PUT / PATCH of an object (UpdateObjectRequest / PatchObjectRequest).
struct ObjectUpdate {
  std::optional<std::string> key_prefix;  // unchanged when unset
  // Each replaces the object's blob of the same property, or is added.
  std::vector<BlobCreate> blobs;
  // Properties whose blob is removed (PATCH with a null value).
  std::vector<std::string> removed;
};

// POST …/batches/list (ListBatchesRequest).
struct BatchListQuery {
  std::optional<TaskStatus> status;
  Page page;
};

// POST …/batches/{id}/retry (RetryBatchRequest).
struct BatchRetry {
  bool transient_only = true;  // retry_mode "transient_only" (default) or "all"
  std::vector<int> tier_nums;  // empty: every tier
  int max_retry_count = 3;     // 1–10
};

// GET …/batches/{id}/failed-documents.
struct FailedDocumentsQuery {
  std::optional<int> tier_num;
  std::optional<std::string> collection_id;
  Page page;
};

// POST /v1/tasks/list (ListTasksRequest).
struct TaskListQuery {
  std::optional<TaskStatus> status;
  std::optional<std::string> task_type;
  Page page;
};

// A list request's window and whether to count the total.
struct ListQuery {
  Page page;
  bool return_vectors = false;
};

template <typename T>
struct ListResult {
  std::vector<T> items;
  int64_t total = 0;
};

}  // namespace ferry::model
