#pragma once
// Migrations (DESIGN.md §2): the configuration a user gives, and the state Ferry keeps
// while planning, validating and running one.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "model/requests.h"
#include "model/value.h"

namespace ferry::model {

enum class MigrationType { kReExtract, kCopy, kExtend };
const char* MigrationTypeName(MigrationType t);
std::optional<MigrationType> ParseMigrationType(std::string_view name);

enum class MigrationStatus {
  kDraft,
  kValidating,
  kPending,
  kInProgress,
  kCompleted,
  kFailed,
  kCancelled,
};
const char* MigrationStatusName(MigrationStatus s);
std::optional<MigrationStatus> ParseMigrationStatus(std::string_view name);
// completed, failed or cancelled.
bool IsTerminal(MigrationStatus s);

// The seven stages, always run in this order.
enum class MigrationStage {
  kNamespaceSetup,
  kBatchCreation,
  kBatchProcessing,
  kClusterExecution,
  kTaxonomyEnrichment,
  kBenchmarkEvaluation,
  kFinalization,
};
inline constexpr int kMigrationStageCount = 7;
const char* MigrationStageName(MigrationStage s);
std::optional<MigrationStage> ParseMigrationStage(std::string_view name);

enum class ResourceType { kBucket, kCollection, kTaxonomy, kCluster, kRetriever };
const char* ResourceTypeName(ResourceType t);
std::optional<ResourceType> ParseResourceType(std::string_view name);

// An extractor named in a re_extract / extend migration.
struct MigrationExtractor {
  std::string name;
  std::optional<std::string> version;  // latest known version when absent
  Value parameters;                    // null or object
};

struct ResourceFilter {
  std::optional<std::vector<std::string>> collection_ids;
  std::optional<std::vector<std::string>> taxonomy_ids;
  std::optional<std::vector<std::string>> cluster_ids;
  std::optional<std::vector<std::string>> retriever_ids;
  std::optional<TimestampMs> after;   // date_range.after (inclusive)
  std::optional<TimestampMs> before;  // date_range.before (exclusive)
  Value date_range;                   // as given, echoed back
  bool auto_include_dependencies = true;
};

struct BatchOptions {
  int64_t batch_size = 100;  // 1–1000
  int64_t max_workers = 10;  // 1–50
  bool retry_failed = true;
};

struct TaxonomyOptions {
  bool preserve_taxonomy_ids = true;
  bool preserve_enrichment_fields = true;
  bool re_run_enrichment = false;
  bool migrate_reference_collections = true;
};

struct ClusterOptions {
  bool preserve_cluster_ids = true;
  bool preserve_assignments = true;
  bool migrate_artifacts = true;
  bool preserve_centroids = true;
  bool recompute_clusters = false;
};

struct RetrieverOptions {
  bool preserve_retriever_ids = false;
  bool migrate_interactions = false;
  bool migrate_execution_history = false;
  bool validate_references = true;
};

struct MigrationConfig {
  MigrationType migration_type = MigrationType::kCopy;
  std::string source_namespace_id;
  std::optional<std::string> target_namespace_id;
  std::optional<std::string> target_namespace_name;
  std::optional<std::vector<MigrationExtractor>> feature_extractors;
  // Optional blocks stay nullopt when the user left them out (echoed back as null);
  // the effective values then are the defaults.
  std::optional<ResourceFilter> filters;
  std::optional<BatchOptions> batch_options;
  std::optional<TaxonomyOptions> taxonomy_options;
  std::optional<ClusterOptions> cluster_options;
  std::optional<RetrieverOptions> retriever_options;
  bool preserve_resource_ids = false;
  bool dry_run = false;
  std::optional<std::string> webhook_url;

  ResourceFilter effective_filters() const { return filters.value_or(ResourceFilter{}); }
  BatchOptions effective_batch_options() const { return batch_options.value_or(BatchOptions{}); }
};

struct ValidationResult {
  bool valid = true;
  ValidationIssues errors;
  ValidationIssues warnings;
  std::map<std::string, int64_t> estimated_resources;  // "buckets", "objects", "documents"…
  std::optional<int64_t> estimated_duration_seconds;
};

struct DependencyNode {
  std::string resource_id;
  ResourceType resource_type = ResourceType::kBucket;
  std::vector<std::string> dependencies;
  int tier = 0;
};

struct DependencyGraph {
  std::vector<DependencyNode> nodes;
  std::vector<std::string> execution_order;
  const DependencyNode* Find(const std::string& id) const {
    for (const auto& n : nodes) {
      if (n.resource_id == id) return &n;
    }
    return nullptr;
  }
};

struct StageProgress {
  MigrationStage stage = MigrationStage::kNamespaceSetup;
  MigrationStatus status = MigrationStatus::kDraft;
  std::optional<TimestampMs> started_at;
  std::optional<TimestampMs> completed_at;
  double progress_percent = 0;
  int64_t items_total = 0;
  int64_t items_completed = 0;
  int64_t items_failed = 0;
  std::optional<std::string> error_message;
};

struct ResourceProgress {
  std::string resource_id;
  ResourceType resource_type = ResourceType::kBucket;
  MigrationStatus status = MigrationStatus::kDraft;
  double progress_percent = 0;
  std::optional<std::string> error_message;
};

struct MigrationProgress {
  MigrationStatus overall_status = MigrationStatus::kDraft;
  double overall_progress_percent = 0;
  std::optional<MigrationStage> current_stage;
  std::vector<StageProgress> stages;  // all seven, in order
  std::vector<ResourceProgress> resources;
  std::optional<TimestampMs> started_at;
  std::optional<TimestampMs> estimated_completion;
};

struct Migration {
  std::string migration_id;  // "mig_…"
  std::string org_id;
  MigrationConfig config;
  MigrationStatus status = MigrationStatus::kDraft;
  MigrationProgress progress;
  std::optional<ValidationResult> validation_result;
  std::optional<DependencyGraph> dependency_graph;
  std::optional<std::string> task_id;
  TimestampMs created_at = 0;
  std::optional<TimestampMs> started_at;
  std::optional<TimestampMs> completed_at;
  std::optional<std::string> error_message;
  Value additional_data;  // object
};

// Filters of the list endpoint.
struct MigrationListFilter {
  std::optional<MigrationStatus> status;
  std::optional<MigrationType> migration_type;
  std::optional<std::string> source_namespace_id;
};

// One unit of batch_processing work in a persisted plan.
// The content checksums of a slice copied inside the storage engine, read back by the
// worker that copied it (storage::ContentChecksum hex): the source items as the target
// should hold them, and the target's items. Verification adds them up per resource.
struct BatchChecksums {
  int64_t source_count = 0;
  std::string source_checksum;
  int64_t target_count = 0;
  std::string target_checksum;
  bool operator==(const BatchChecksums&) const = default;
};

struct MigrationBatch {
  std::string migration_id;
  int64_t batch_no = 0;     // unique within the migration, in plan order
  std::string resource_id;  // source resource (bucket or collection)
  ResourceType resource_type = ResourceType::kBucket;
  int tier = 0;
  std::vector<std::string> item_ids;  // source object or document ids
  std::string status = "pending";     // pending | completed | failed
  int64_t attempts = 0;
  int64_t items_failed = 0;
  std::optional<std::string> error;
  // The lease owner whose CompleteMigrationBatch recorded the batch's status (a worker's
  // share of the work); unset until then. Set by the catalog, ignored on insert.
  std::optional<std::string> completed_by;
  // Set by the completion of a bulk-copied slice; unset for other batches.
  std::optional<BatchChecksums> checksums;
};

}  // namespace ferry::model
