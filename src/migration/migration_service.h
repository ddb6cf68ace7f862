#pragma once
// MigrationService: the migration operations of the API — create, validate, get, list,
// start, cancel, delete — and the status machine that guards them:
//   draft → validating → pending → in_progress → completed | failed | cancelled.

#include <memory>
#include <optional>
#include <string>

#include "common/result.h"
#include "migration/migration_runner.h"
#include "migration/validator.h"
#include "model/migration_work.h"

namespace ferry::migration {

class MigrationService {
 public:
  MigrationService(const service::ServiceDeps& deps, MigrationValidator& validator,
                   MigrationRunner& runner)
      : deps_(deps), validator_(validator), runner_(runner) {}

  // Creates a draft with its validation result; with start_immediately also starts it
  // (a start refused for errors or warnings leaves the draft, *message says why).
  Result<model::Migration> Create(const service::Caller& caller,
                                  const model::MigrationConfig& config, bool start_immediately,
                                  std::string* message);
  Result<ValidationOutcome> Validate(const service::Caller& caller,
                                     const model::MigrationConfig& config);
  // The durable record, read from the catalog (what the status machine decides on).
  Result<model::Migration> Get(const service::Caller& caller, const std::string& id) const;

  // What GET shows. `version` is set (> 0) when the status comes from the status board
  // of a migration running in this process: (id, version) then names this exact state,
  // so its encoding may be cached. Otherwise the catalog was read and version is 0.
  struct StatusView {
    std::shared_ptr<const model::Migration> migration;
    uint64_t version = 0;
  };
  // Never touches storage: the board's snapshot of a migration of the caller's
  // organization running here, or nullopt (then call GetStatus). Cheap and
  // non-blocking, so I/O threads may call it.
  std::optional<StatusView> FindRunning(const service::Caller& caller, const std::string& id) const;
  // FindRunning, else the catalog. NotFound for another organization's migration.
  Result<StatusView> GetStatus(const service::Caller& caller, const std::string& id) const;
  Result<model::ListResult<model::Migration>> List(const service::Caller& caller,
                                                   const model::MigrationListFilter& filter,
                                                   const model::Page& page) const;
  // FailedPrecondition unless draft; InvalidArgument when validation finds errors, or
  // warnings and !force (the migration stays a draft with the new result).
  Result<model::Migration> Start(const service::Caller& caller, const std::string& id, bool force);
  // FailedPrecondition when already completed, failed or cancelled.
  Result<model::Migration> Cancel(const service::Caller& caller, const std::string& id,
                                  const std::optional<std::string>& reason);
  // FailedPrecondition unless draft, completed, failed or cancelled.
  Status Delete(const service::Caller& caller, const std::string& id);
  // A new webhook signing secret for the caller's organization, replacing the old one.
  // Returned only here: it is shown once.
  Result<std::string> RotateWebhookSecret(const service::Caller& caller);

  // Failed items (migration_service_retry.cc). `status` is "failed" (still failing) or
  // "resolved" (processed by a retry). NotFound for another organization's migration.
  Result<model::ListResult<model::MigrationFailedItem>> ListFailedItems(
      const service::Caller& caller, const std::string& id, const std::string& status,
      const model::Page& page) const;
  // Re-runs a migration's failed items into the same target (same deterministic ids,
  // upserts): the migration goes back to pending and through in_progress to completed.
  // A failed migration also re-runs what failed beyond items (its failed stage and
  // batches). FailedPrecondition while it is not completed or failed, or when a completed
  // migration has no failed item.
  Result<model::Migration> Retry(const service::Caller& caller, const std::string& id);

 private:
  // Claims m's chosen target in the catalog. AlreadyExists (the draft restored, the
  // reason added to its validation result) when it was taken since validation.
  Status ClaimTarget(model::Migration* m);

  const service::ServiceDeps& deps_;
  MigrationValidator& validator_;
  MigrationRunner& runner_;
};

}  // namespace ferry::migration
