#pragma once
// MigrationValidator: the semantic checks of a migration config (DESIGN.md §2), the
// dependency graph, and the estimates — everything `validate`, `create` and `start`
// report in ValidationResult. Reads the source; writes nothing.

#include <map>
#include <optional>
#include <string>

#include "common/result.h"
#include "migration/collection_actions.h"
#include "migration/extractor_speed.h"
#include "migration/planner.h"
#include "service/service_deps.h"

namespace ferry::migration {

struct ValidationOutcome {
  model::ValidationResult result;
  model::DependencyGraph graph;
  std::optional<model::Namespace> source;  // absent when the source does not exist
  SourceSnapshot snapshot;
  std::map<std::string, CollectionAction> actions;  // by source collection id
  // Items each resource will process in batch_processing (objects or documents).
  std::map<std::string, int64_t> items;
  int64_t objects = 0;    // objects selected (date range applied)
  int64_t documents = 0;  // documents selected (date range applied)
};

class MigrationValidator {
 public:
  // `allow_private_webhooks`: accept webhook URLs resolving to loopback, private or
  // link-local addresses (config webhooks.allow_private_targets; default false).
  MigrationValidator(const service::ServiceDeps& deps, ExtractorSpeedTable& speeds,
                     bool allow_private_webhooks = false)
      : deps_(deps), speeds_(speeds), allow_private_webhooks_(allow_private_webhooks) {}

  // What a validation is for. A request (validate, create, start) checks the target and
  // estimates the work, counting the source's items. A started migration's re-plan (the
  // runner, a live sync) needs neither: its target exists by then, created by itself, and
  // batch_creation counts the items it enumerates; a count costs a scan of each resource
  // (~0.1 s per 100k rows on PostgreSQL), so a re-plan leaves `items`, `objects`,
  // `documents` and the result's estimates unset.
  enum class Purpose { kRequest, kReplan };

  // Non-OK only for storage failures; problems with the config are in result.errors.
  Result<ValidationOutcome> Validate(const std::string& org_id,
                                     const model::MigrationConfig& config,
                                     Purpose purpose = Purpose::kRequest);

 private:
  Status LoadSource(const std::string& org_id, const model::MigrationConfig& config,
                    ValidationOutcome* out);
  Status CheckTarget(const std::string& org_id, const model::MigrationConfig& config,
                     ValidationOutcome* out);
  void CheckExtractors(const model::MigrationConfig& config, ValidationOutcome* out);
  void CheckWebhook(const model::MigrationConfig& config, ValidationOutcome* out);
  Status Estimate(const model::MigrationConfig& config, ValidationOutcome* out);

  const service::ServiceDeps& deps_;
  ExtractorSpeedTable& speeds_;
  const bool allow_private_webhooks_;
};

// The syntax of the client-supplied ids and names of `config` (`loc` locates config):
// target_namespace_id and the filters' resource ids follow the id grammar (IsValidId),
// target_namespace_name the namespace name rule, and source_namespace_id — an id or a
// name — the looser of the two. Appends one issue per offending field.
void CheckClientIds(const model::MigrationConfig& config, const model::ValueArray& loc,
                    model::ValidationIssues* issues);

// The message for a target id that cannot be used: the same whether a namespace of this
// or of another organization has it, or another migration claimed it.
std::string TargetIdUnavailable(const std::string& namespace_id);

// Documents copied per second, used for estimates of work that runs no extractor.
inline constexpr double kCopyItemsPerSecond = 20000;

}  // namespace ferry::migration
