#pragma once
// The seven stages of a migration run (DESIGN.md §2 "Stages"). Each returns OK, an
// error that fails the migration, or Cancelled when the run was cancelled
// or stopped.

#include "migration/run_context.h"

namespace ferry::migration {

// Creates the target namespace and its buckets and collections in execution order.
Status RunNamespaceSetup(RunContext& ctx);
// Enumerates what moves and persists the batch plan.
Status RunBatchCreation(RunContext& ctx);
// Runs the plan's batches tier by tier on up to max_workers workers.
Status RunBatchProcessing(RunContext& ctx);
// Per cluster_options: carries over or recomputes the target clusters' runs and
// assignments (stage_cluster_execution.cc).
Status RunClusterExecution(RunContext& ctx);
// Per taxonomy_options: strips the enrichment fields from the target documents
// (preserve_enrichment_fields=false) and/or re-runs the migrated taxonomies on the target
// collections applying them, against the target's reference collections.
Status RunTaxonomyEnrichment(RunContext& ctx);
// Replays the source retrievers' recorded queries on source and target; reports
// overlap@10, NDCG@10, MRR and latency in additional_data.benchmark.
Status RunBenchmarkEvaluation(RunContext& ctx);
// Writes the target retrievers, verifies counts and content checksums, records the id
// map, marks resources completed.
Status RunFinalization(RunContext& ctx);

}  // namespace ferry::migration
