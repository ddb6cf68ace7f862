#pragma once
// The document write requests of the collection document endpoints, decoded from the
// wire (codec/) for CollectionService: create, replace/patch, batch and bulk updates,
// batch deletes, and the filters that select documents for the last three.

#include <optional>
#include <string>
#include <vector>

#include "model/requests.h"
#include "model/resources.h"
#include "model/value.h"

namespace ferry::model {

// One dense vector of a FeatureModel: {"feature_extractor_id": …, "vectors": {name: […]}}.
// `loc` locates the vector in the request, for issues the service finds (dimensions).
struct DocumentVectorInput {
  std::string feature_extractor_id;  // "text_extractor_v1"
  std::string name;                  // "embedding" or the vector index name
  std::vector<float> values;
  ValueArray loc;
};

// POST …/documents (DocumentCreateRequest).
struct DocumentCreate {
  std::string collection_id;  // as the body names it: the collection's id or name
  std::optional<SourceType> source_type;
  std::optional<std::string> root_object_id;
  std::optional<std::string> root_bucket_id;
  std::optional<std::string> source_object_id;
  std::optional<std::string> source_collection_id;
  std::optional<std::string> source_document_id;
  std::optional<std::string> lineage_path;
  Value fields;  // object: `metadata` and every additional property
  std::vector<DocumentVectorInput> vectors;
};

// PUT (replace) or PATCH (merge) …/documents/{id}.
struct DocumentUpdate {
  // PUT: the document's new user fields. PATCH: a JSON merge patch on them (null removes
  // a field; dotted keys "a.b" address nested fields).
  Value fields;
  std::optional<std::vector<DocumentVectorInput>> vectors;  // replaces them when set
};

// A filter on documents (Mixpeek's LogicalOperator / FilterCondition). A node is a
// condition, or AND (all children), OR (any child) or NOT (no child).
struct DocumentFilter {
  enum class Kind { kAnd, kOr, kNot, kCondition };
  Kind kind = Kind::kAnd;
  std::vector<DocumentFilter> children;
  std::string field;  // dotted path into the user fields, or document_id / collection_id
  std::string op = "eq";
  Value value;
  bool case_sensitive = false;
};

struct DocumentFieldPatch {
  std::string document_id;
  Value patch;  // merge patch, as DocumentUpdate::fields of a PATCH
};

// POST …/documents/batch: `updates`, or `filters` with one `update_data` for every match.
struct DocumentBatchUpdate {
  std::vector<DocumentFieldPatch> updates;
  std::optional<DocumentFilter> filter;
  Value update_data;
};

// DELETE …/documents/batch: `document_ids`, or every document `filters` matches.
struct DocumentBatchDelete {
  std::vector<std::string> document_ids;
  std::optional<DocumentFilter> filter;
};

// PATCH …/documents/bulk: `update_data` on every document `filters` matches (every document
// of the collection without filters).
struct DocumentBulkUpdate {
  std::optional<DocumentFilter> filter;
  Value update_data;
};

// The outcome for one document id of a batch.
struct DocumentItemResult {
  std::string document_id;
  bool success = true;
  std::optional<std::string> error;
};

struct DocumentBatchResult {
  int64_t done_count = 0;  // updated or deleted
  int64_t failed_count = 0;
  std::vector<DocumentItemResult> results;  // empty in filter mode
};

}  // namespace ferry::model
