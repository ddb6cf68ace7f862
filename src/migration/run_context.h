#pragma once
// RunContext: everything one migration run shares between its stages and workers.

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "migration/progress_tracker.h"
#include "migration/validator.h"
#include "service/retriever_service.h"
#include "service/service_deps.h"

namespace ferry::migration {

struct RebuildPipeline;

struct RunContext {
  const service::ServiceDeps& deps;
  ProgressTracker& progress;
  // Set to stop the run at the next item boundary: a user's cancel, or a shutdown
  // (then `pausing` is set too and the run is resumed on the next start).
  const std::atomic<bool>& cancelled;
  const std::atomic<bool>& pausing;
  std::string migration_id;
  std::string org_id;
  model::MigrationConfig config;
  ValidationOutcome plan;  // validated at start: graph, actions, snapshot, item counts
  std::string target_namespace_id;
  std::string target_namespace_name;
  std::shared_ptr<storage::NamespaceStore> source;
  std::shared_ptr<storage::NamespaceStore> target;  // null in a dry run
  // Target resources created in namespace_setup, by source id.
  std::map<std::string, model::Collection> target_collections;
  std::map<std::string, model::Bucket> target_buckets;
  std::map<std::string, model::Taxonomy> target_taxonomies{};
  // Runs retriever definitions (source ones, and target ones before they are written)
  // for benchmark_evaluation and enrichment. Set by the runner.
  const service::RetrieverService* retrievers = nullptr;
  // Sets `cancelled` from inside the run: a lease renewal found the migration cancelled
  // by another process. Set by the runner.
  std::function<void()> stop_cancelled{};
  // Identifies this process in the batch leases it takes (and in completed_by). Set by
  // the runner.
  std::string lease_owner{};
  // The run joins another process's batch_processing: it runs batches only, and the
  // coordinator (the run lease holder) owns the migration record and its progress.
  bool joined = false;
  // Threads that extract for batch_processing (the process's --workers); 0: every core.
  size_t extraction_threads = 0;
  // Other processes may run batches of this migration: the coordinator recounts progress
  // from the catalog while batch_processing runs.
  bool shared = false;
  // The re_extract pipeline of batch_processing (extraction threads, document writer),
  // shared by its workers; null outside that stage (rebuild_executor.h).
  RebuildPipeline* rebuild = nullptr;

  bool dry_run() const { return config.dry_run; }
  // The target id of a source id: the same id when ids are preserved, else a pure
  // function of (migration, source id) with the source's prefix ("doc_…").
  std::string TargetId(const std::string& source_id) const;
  // The target id of a migrated resource of type `type`, per the options that govern its
  // ids: preserve_resource_ids for buckets and collections (and everything inside them),
  // taxonomy_options.preserve_taxonomy_ids, cluster_options.preserve_cluster_ids,
  // retriever_options.preserve_retriever_ids (each also implied by preserve_resource_ids).
  std::string TargetIdOf(model::ResourceType type, const std::string& source_id) const;
};

// The target id rule of RunContext::TargetId, usable without a context.
std::string MapId(const std::string& migration_id, const std::string& source_id, bool preserve);

}  // namespace ferry::migration
