#pragma once
// Retrievers in a migration (DESIGN.md §2 "finalization"): each selected retriever is
// rewritten to point at the target (reference_rewrite.h), checked against the target
// (`validate_references`: a dangling reference fails the migration, else it is a
// warning), written with the id retriever_options gives it, and followed by its
// execution history and interactions when asked.

#include <string>
#include <vector>

#include "migration/run_context.h"
#include "model/retriever.h"

namespace ferry::migration {

struct RetrieverPair {
  model::Retriever source;
  model::Retriever target;  // not yet written before finalization
};

// The run's retrievers, in execution order, with their target definitions.
std::vector<RetrieverPair> TargetRetrievers(const RunContext& ctx);

// What a target retriever references that the target does not have: collections
// absent from the target, feature URIs none of its collections produce, and ids of
// source resources the migration did not move. Human-readable, one per problem.
Result<std::vector<std::string>> DanglingReferences(const RunContext& ctx,
                                                    const RetrieverPair& pair);

// Writes the target retrievers (idempotent: a resumed run replaces them) and, per
// retriever_options, their executions and interactions. Their document references
// (results[].document_id, feature_id) follow the copy rule into copied collections; into
// rebuilt ones they go to the target document of the same source item and chunk position
// (DocumentIdFor), else to that item's first chunk, else they are kept by the copy rule
// and counted. Returns one report row per retriever: {source_retriever_id,
// target_retriever_id, executions_migrated, interactions_migrated,
// unresolved_document_references, warnings}. FailedPrecondition on a dangling reference
// when validate_references. REQUIRES: !ctx.dry_run().
Result<model::Value> MigrateRetrievers(const RunContext& ctx);

}  // namespace ferry::migration
