#pragma once
// The two namespaces of a live migration and how changes cross between them
// (LiveMigrations' internals): the forward plan (source → target) of sync and cutover,
// and the reverse plan (target → source) of rollback.

#include <memory>

#include "migration/live_migrations.h"

namespace ferry::migration {

struct LiveMigrations::Sides {
  std::string source_id;
  std::string target_id;
  std::shared_ptr<storage::NamespaceStore> source;
  std::shared_ptr<storage::NamespaceStore> target;
  ApplyPlan forward;
  // Built on demand (it reads every migrated id of the source to invert the id mapping).
  Result<ApplyPlan> Reverse() const;
  ValidationOutcome outcome;
};

// The forward plan: the migration's buckets and collections that exist on both sides, in
// execution order, with the migration's id mapping.
Result<ApplyPlan> ForwardPlan(const model::Migration& m, const ValidationOutcome& outcome,
                              storage::NamespaceStore& source, storage::NamespaceStore& target);

}  // namespace ferry::migration
