#pragma once
// Retrievers (DESIGN.md §1): ordered stages over collections, their recorded executions
// and the user feedback (interactions) on their results. Plain structs; the codec owns
// the wire names, storage persists them.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "model/value.h"

namespace ferry::model {

// One stage: {stage_name, stage_type, config: {stage_id, parameters}}.
struct RetrieverStage {
  std::string stage_name;
  std::optional<std::string> stage_type;  // StageType spelling; inferred from stage_id when absent
  std::string stage_id;                   // e.g. "feature_search", "attribute_filter"
  Value parameters;                       // object
  std::optional<std::string> description;
};

struct Retriever {
  std::string retriever_id;  // "ret_…"
  std::string retriever_name;
  std::optional<std::string> description;
  std::vector<std::string> collection_ids;  // resolved ids, in the order given
  std::vector<RetrieverStage> stages;
  Value input_schema;    // object, kept as given
  Value budget_limits;   // object, kept as given
  Value display_config;  // null or object
  std::vector<std::string> tags;
  int64_t version = 1;  // +1 on every patch
  TimestampMs created_at = 0;
  TimestampMs updated_at = 0;
};

// A document returned by an execution and its final score.
struct ScoredResult {
  std::string document_id;
  std::string collection_id;
  double score = 0.0;
};

// Per-stage numbers of one execution.
struct StageRun {
  std::string stage_name;
  int64_t input_count = 0;
  int64_t output_count = 0;
  double duration_ms = 0.0;
};

struct RetrieverExecution {
  std::string execution_id;  // "exec_…"
  std::string retriever_id;
  std::string status = "completed";   // "completed" | "failed"
  Value inputs;                       // object, as the caller gave them
  std::vector<ScoredResult> results;  // every document the last stage emitted, in order
  std::vector<StageRun> stages;
  int64_t total_processed = 0;  // sum of the stages' input counts
  double latency_ms = 0.0;
  std::optional<std::string> error;
  TimestampMs created_at = 0;
  TimestampMs completed_at = 0;
};

// User feedback on one result of a search (Mixpeek's SearchInteraction).
struct Interaction {
  std::string interaction_id;  // "int_…"
  std::string feature_id;      // the document acted on
  std::vector<std::string> interaction_type;
  int64_t position = 0;
  Value metadata;  // null or object
  std::optional<std::string> user_id;
  std::optional<std::string> session_id;
  std::optional<std::string> execution_id;
  std::optional<std::string> retriever_id;
  Value query_snapshot;  // null or object
  std::optional<double> document_score;
  std::optional<int64_t> result_set_size;
  TimestampMs created_at = 0;
};

// Equality filters of an interaction list; unset fields match everything.
struct InteractionQuery {
  std::optional<std::string> execution_id;
  std::optional<std::string> retriever_id;
  std::optional<std::string> session_id;
  std::optional<std::string> user_id;
  std::optional<std::string> feature_id;
  std::optional<std::string> interaction_type;  // matches when contained in the list
};

// A create request, decoded. `collections` are ids or names, resolved by the service.
struct RetrieverCreate {
  std::string retriever_name;
  std::optional<std::string> description;
  std::vector<std::string> collections;
  std::vector<RetrieverStage> stages;
  Value input_schema;
  Value budget_limits;
  Value display_config;
  std::vector<std::string> tags;
};

struct RetrieverPatch {
  std::optional<std::string> retriever_name;
  std::optional<std::string> description;
  std::optional<std::vector<std::string>> tags;
  std::optional<Value> display_config;
};

// Execute request: inputs plus offset pagination over the final results.
struct RetrieverExecute {
  Value inputs;  // object
  int64_t page_size = 10;
  int64_t page_number = 1;
};

// Fingerprint of a collection's documents and vectors; any write changes it (see
// NamespaceStore::GetCollectionVersion).
struct CollectionVersion {
  int64_t document_count = 0;
  int64_t max_updated_at = 0;
  int64_t write_mark = 0;  // grows with every document insert, update or delete
  friend bool operator==(const CollectionVersion&, const CollectionVersion&) = default;
};

}  // namespace ferry::model
