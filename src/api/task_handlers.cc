// POST /v1/tasks/list and DELETE /v1/tasks/{task_id} (kill). GET /v1/tasks/{task_id} is
// in system_handlers.cc.

#include "api/handler_support.h"
#include "api/routes.h"
#include "codec/batch_task_codec.h"

namespace ferry::api {

namespace json = boost::json;

namespace {

constexpr char kMigrationTaskType[] = "api_namespaces_migrations_run";
constexpr char kBatchTaskType[] = "api_buckets_batches_submit";

http::HttpResponse List(ApiContext& ctx, const Request& req) {
  http::HttpResponse error;
  auto body = ParseJson(req.http, true, &error);
  if (!body) return error;
  model::ValidationIssues issues;
  json::value empty = json::object{};
  auto query = codec::DecodeTaskList(codec::BodyReader(body->is_null() ? empty : *body, &issues));
  query.page = ParsePage(req.http, &issues);
  QueryBool(req.http, "include_total", false, &issues);
  if (!issues.empty()) return Unprocessable(issues);
  API_ASSIGN_OR_RESPOND(auto list, ctx.batches.ListTasks(req.caller, query));
  return Json(200, codec::EncodeTaskList(list, query.page));
}

// Stops the migration a migration task runs. False when it had already finished.
Result<bool> KillMigration(ApiContext& ctx, const Request& req, const model::Task& task) {
  if (!task.inputs.is_array() || task.inputs.as_array().empty() ||
      !task.inputs.as_array()[0].is_string()) {
    return false;
  }
  auto m = ctx.migrations.Cancel(req.caller, task.inputs.as_array()[0].as_string(),
                                 std::string("task ") + task.task_id + " was killed");
  if (m.ok()) return true;
  if (m.status().code() == StatusCode::kFailedPrecondition ||
      m.status().code() == StatusCode::kNotFound) {
    return false;
  }
  return m.status();
}

// Stops the job of a running task. False when it finished between the read and the kill
// (the batch runner's kAlreadyFinished): as idempotent as an absent task. Cluster builds
// have no cancellation point (one k-means run, then enrichment): FailedPrecondition.
Result<bool> KillRunning(ApiContext& ctx, const Request& req, const model::Task& task) {
  if (task.task_type == kMigrationTaskType) return KillMigration(ctx, req, task);
  if (task.task_type == kBatchTaskType) return ctx.batches.KillBatchTask(req.caller, task);
  return Status::FailedPrecondition("tasks of type " + task.task_type +
                                    " cannot be killed; they finish on their own");
}

// Idempotent, as Mixpeek's: a task that is absent (or another organization's, which is the
// same to the caller: nothing is killed and nothing tells it apart) or already finished
// answers success too.
http::HttpResponse Kill(ApiContext& ctx, const Request& req) {
  const std::string& id = req.Param("task_id");
  auto task = ctx.batches.GetTask(req.caller, id);
  if (!task.ok() && task.status().code() != StatusCode::kNotFound) {
    return FromStatus(task.status());
  }
  bool killed = false;
  if (task.ok() && !model::IsTerminal(task->status)) {
    API_ASSIGN_OR_RESPOND(killed, KillRunning(ctx, req, *task));
  }
  return Json(200, json::object{{"message", killed ? "task " + id + " killed"
                                                   : "task " + id + " is not running"},
                                {"success", true}});
}

}  // namespace

void RegisterTaskRoutes(http::Router& router, ApiContext& ctx) {
  router.Add("POST", "/v1/tasks/list", Authenticated(ctx, List));
  router.Add("DELETE", "/v1/tasks/{task_id}", Authenticated(ctx, Kill));
}

}  // namespace ferry::api
