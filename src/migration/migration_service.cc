#include "migration/migration_service.h"

#include "common/ids.h"
#include "migration/run_context.h"
#include "migration/webhooks/secrets.h"

namespace ferry::migration {

using model::MigrationStatus;

namespace {

Status NotFound(const std::string& id) {
  return Status::NotFound("migration '" + id + "' not found");
}

std::string StatusName(MigrationStatus s) { return model::MigrationStatusName(s); }

// `name` cut to at most `max` bytes, at a UTF-8 character boundary.
std::string Truncated(const std::string& name, size_t max) {
  if (name.size() <= max) return name;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(name[n]) & 0xC0) == 0x80) --n;
  return name.substr(0, n);
}

// Fixes the target of `m` (its source `source`): the configured id and name, else
// generated ones (a namespace name is at most 100 bytes). Written into the config, where
// clients read it, and into additional_data, where runs read it. Idempotent.
void ChooseTarget(model::Migration* m, const model::Namespace& source) {
  model::MigrationConfig& c = m->config;
  if (!c.target_namespace_id) {
    c.target_namespace_id = MapId(m->migration_id, source.namespace_id, false);
  }
  if (!c.target_namespace_name) {
    std::string suffix = std::string("-") + model::MigrationTypeName(c.migration_type) + "-" +
                         m->migration_id.substr(m->migration_id.size() - 8);
    c.target_namespace_name = Truncated(source.namespace_name, 100 - suffix.size()) + suffix;
  }
  model::ValueObject data =
      m->additional_data.is_object() ? m->additional_data.as_object() : model::ValueObject{};
  data.Set("target_namespace_id", *c.target_namespace_id);
  data.Set("target_namespace_name", *c.target_namespace_name);
  m->additional_data = model::Value(std::move(data));
}

// The source namespace id `ident` (an id or a name) stands for in `org_id`, as create
// resolves it; `ident` itself when no namespace matches (e.g. a deleted source's id).
Result<std::string> ResolveNamespaceId(storage::CatalogStore& catalog, const std::string& org_id,
                                       const std::string& ident) {
  auto ns = catalog.GetNamespace(org_id, ident);
  if (!ns.ok() && ns.status().code() == StatusCode::kNotFound) {
    ns = catalog.GetNamespaceByName(org_id, ident);
  }
  if (ns.ok()) return ns->namespace_id;
  if (ns.status().code() == StatusCode::kNotFound) return ident;
  return ns.status();
}

}  // namespace

Result<ValidationOutcome> MigrationService::Validate(const service::Caller& caller,
                                                     const model::MigrationConfig& config) {
  return validator_.Validate(caller.org_id, config);
}

Result<model::Migration> MigrationService::Create(const service::Caller& caller,
                                                  const model::MigrationConfig& config,
                                                  bool start_immediately, std::string* message) {
  FERRY_ASSIGN_OR_RETURN(ValidationOutcome outcome, validator_.Validate(caller.org_id, config));
  model::Migration m;
  m.migration_id = NewId("mig");
  m.org_id = caller.org_id;
  m.config = config;
  if (outcome.source) m.config.source_namespace_id = outcome.source->namespace_id;
  m.status = MigrationStatus::kDraft;
  m.validation_result = outcome.result;
  if (outcome.source) m.dependency_graph = outcome.graph;
  m.progress =
      InitialProgress(m.dependency_graph ? &*m.dependency_graph : nullptr, MigrationStatus::kDraft);
  m.created_at = deps_.clock.NowMs();
  m.additional_data = model::Value(model::ValueObject{});
  if (outcome.source) ChooseTarget(&m, *outcome.source);
  FERRY_RETURN_IF_ERROR(deps_.storage.catalog().InsertMigration(m));
  *message = outcome.result.valid ? "Migration created" : "Migration created; validation failed";
  if (!start_immediately) return m;
  auto started = Start(caller, m.migration_id, /*force=*/false);
  if (started.ok()) {
    *message = "Migration created and started";
    return started;
  }
  *message = "Migration created but not started: " + started.status().message();
  return Get(caller, m.migration_id);
}

Result<model::Migration> MigrationService::Get(const service::Caller& caller,
                                               const std::string& id) const {
  auto m = deps_.storage.catalog().GetMigration(caller.org_id, id);
  if (!m.ok() && m.status().code() == StatusCode::kNotFound) return NotFound(id);
  return m;
}

std::optional<MigrationService::StatusView> MigrationService::FindRunning(
    const service::Caller& caller, const std::string& id) const {
  auto published = runner_.status_board().Find(id);
  // Another organization's migration is not theirs to see: they get the catalog's
  // answer (NotFound), exactly as if it were not running.
  if (!published || published->migration->org_id != caller.org_id) return std::nullopt;
  return StatusView{std::move(published->migration), published->version};
}

Result<MigrationService::StatusView> MigrationService::GetStatus(const service::Caller& caller,
                                                                 const std::string& id) const {
  if (auto running = FindRunning(caller, id)) return *std::move(running);
  FERRY_ASSIGN_OR_RETURN(model::Migration m, Get(caller, id));
  return StatusView{std::make_shared<const model::Migration>(std::move(m)), 0};
}

Result<model::ListResult<model::Migration>> MigrationService::List(
    const service::Caller& caller, const model::MigrationListFilter& filter,
    const model::Page& page) const {
  model::ListResult<model::Migration> out;
  auto& catalog = deps_.storage.catalog();
  model::MigrationListFilter resolved = filter;
  if (filter.source_namespace_id) {
    FERRY_ASSIGN_OR_RETURN(resolved.source_namespace_id,
                           ResolveNamespaceId(catalog, caller.org_id, *filter.source_namespace_id));
  }
  FERRY_ASSIGN_OR_RETURN(out.items, catalog.ListMigrations(caller.org_id, resolved, page));
  FERRY_ASSIGN_OR_RETURN(out.total, catalog.CountMigrations(caller.org_id, resolved));
  return out;
}

Result<model::Migration> MigrationService::Start(const service::Caller& caller,
                                                 const std::string& id, bool force) {
  FERRY_ASSIGN_OR_RETURN(model::Migration m, Get(caller, id));
  auto& catalog = deps_.storage.catalog();
  if (m.status != MigrationStatus::kDraft) {
    return Status::FailedPrecondition("cannot start a migration in status " + StatusName(m.status) +
                                      "; only a draft can be started");
  }
  m.status = MigrationStatus::kValidating;
  m.progress.overall_status = m.status;
  FERRY_RETURN_IF_ERROR(catalog.UpdateMigration(m));
  auto outcome = validator_.Validate(caller.org_id, m.config);
  if (outcome.ok()) {
    m.validation_result = outcome->result;
    if (outcome->source) m.dependency_graph = outcome->graph;
  }
  std::string refusal;
  Status failure;  // a storage failure is reported as itself, not as bad input
  if (!outcome.ok()) {
    failure = outcome.status();
    refusal = failure.message();
  } else if (!outcome->result.valid) {
    refusal = "migration is invalid: " + outcome->result.errors.front().msg;
  } else if (!outcome->result.warnings.empty() && !force) {
    refusal = "validation reported " + std::to_string(outcome->result.warnings.size()) +
              " warning(s) (first: " + outcome->result.warnings.front().msg +
              "); start with force=true to proceed";
  }
  if (!refusal.empty()) {
    m.status = MigrationStatus::kDraft;
    m.progress.overall_status = m.status;
    FERRY_RETURN_IF_ERROR(catalog.UpdateMigration(m));
    return failure.ok() ? Status::InvalidArgument(refusal) : failure;
  }
  // The target is fixed now, so every attempt of this run (resume included) uses it, and
  // claimed before anything is written: of two migrations naming one target, one starts.
  ChooseTarget(&m, *outcome->source);
  FERRY_RETURN_IF_ERROR(ClaimTarget(&m));

  TimestampMs now = deps_.clock.NowMs();
  model::Task task;
  task.task_id = NewId("task");
  task.org_id = caller.org_id;
  task.namespace_id = outcome->source->namespace_id;
  task.task_type = "api_namespaces_migrations_run";
  task.status = model::TaskStatus::kPending;
  task.inputs = model::Value(model::ValueArray{model::Value(m.migration_id)});
  task.created_at = task.updated_at = now;
  FERRY_RETURN_IF_ERROR(catalog.UpsertTask(task));
  m.task_id = task.task_id;
  m.status = MigrationStatus::kPending;
  m.started_at = now;
  m.progress = InitialProgress(&*m.dependency_graph, MigrationStatus::kPending);
  m.progress.started_at = now;
  FERRY_RETURN_IF_ERROR(catalog.UpdateMigration(m));
  if (!runner_.Enqueue(caller.org_id, m.migration_id)) {
    return Status::Unavailable("server is shutting down; the migration starts on the next start");
  }
  return m;
}

Status MigrationService::ClaimTarget(model::Migration* m) {
  auto& catalog = deps_.storage.catalog();
  Status st = catalog.ClaimMigrationTarget(
      m->org_id, m->migration_id, *m->config.target_namespace_id, *m->config.target_namespace_name);
  if (st.code() != StatusCode::kAlreadyExists) return st;
  // Taken since validation: the draft stays, with the reason in its validation result.
  bool id = st.message() == "target_namespace_id";
  std::string msg =
      id ? TargetIdUnavailable(*m->config.target_namespace_id)
         : "namespace name '" + *m->config.target_namespace_name + "' is already taken";
  model::ValueArray loc{model::Value("config"),
                        model::Value(id ? "target_namespace_id" : "target_namespace_name")};
  if (!m->validation_result) m->validation_result.emplace();
  m->validation_result->valid = false;
  m->validation_result->errors.push_back({std::move(loc), msg, "already_exists"});
  m->status = MigrationStatus::kDraft;
  m->progress.overall_status = m->status;
  FERRY_RETURN_IF_ERROR(catalog.UpdateMigration(*m));
  return Status::AlreadyExists(msg);
}

Result<model::Migration> MigrationService::Cancel(const service::Caller& caller,
                                                  const std::string& id,
                                                  const std::optional<std::string>& reason) {
  FERRY_ASSIGN_OR_RETURN(model::Migration m, Get(caller, id));
  if (IsTerminal(m.status)) {
    return Status::FailedPrecondition("cannot cancel a migration in status " +
                                      StatusName(m.status));
  }
  auto held = runner_.Cancel(id, reason.value_or(""));
  if (held == MigrationRunner::CancelResult::kRunning) return Get(caller, id);
  if (held == MigrationRunner::CancelResult::kFinished) {
    FERRY_ASSIGN_OR_RETURN(m, Get(caller, id));
    return Status::FailedPrecondition("cannot cancel a migration in status " +
                                      StatusName(m.status));
  }
  TimestampMs now = deps_.clock.NowMs();
  MarkCancelled(m, now, reason.value_or(""));
  m.progress.overall_status = m.status;
  FERRY_RETURN_IF_ERROR(deps_.storage.catalog().UpdateMigration(m));
  if (m.task_id) {
    auto task = deps_.storage.catalog().GetTask(caller.org_id, *m.task_id);
    if (task.ok()) {
      task->status = model::TaskStatus::kCanceled;
      task->updated_at = now;
      FERRY_RETURN_IF_ERROR(deps_.storage.catalog().UpsertTask(*task));
    }
  }
  return m;
}

Status MigrationService::Delete(const service::Caller& caller, const std::string& id) {
  FERRY_ASSIGN_OR_RETURN(model::Migration m, Get(caller, id));
  if (m.status != MigrationStatus::kDraft && !IsTerminal(m.status)) {
    return Status::FailedPrecondition("cannot delete a migration in status " +
                                      StatusName(m.status) +
                                      "; cancel it first or wait for it to finish");
  }
  FERRY_RETURN_IF_ERROR(deps_.storage.catalog().DeleteMigration(caller.org_id, id));
  // A cancelled run may still be stopping; its snapshot must not outlive the row.
  runner_.status_board().Forget(id);
  return Status::Ok();
}

Result<std::string> MigrationService::RotateWebhookSecret(const service::Caller& caller) {
  return webhooks::RotateSecret(deps_.storage.catalog(), caller.org_id);
}

}  // namespace ferry::migration
