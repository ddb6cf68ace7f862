#include "service/cluster_service.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <functional>

#include "common/contain.h"
#include "common/ids.h"
#include "service/cluster_engine.h"

namespace ferry::service {
namespace {

using model::Value;
using model::ValueArray;

constexpr int64_t kSearchScanLimit = 100'000;

Status NotFoundAs(const Status& st, const std::string& what) {
  return st.code() == StatusCode::kNotFound ? Status::NotFound(what + " not found") : st;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

ValueArray VectorLoc(const char* key) {
  return {Value("body"), Value("vector_config"), Value(key)};
}

// "mixpeek://{extractor}@{version}/{output}" → "{extractor}@{version}"; empty when malformed.
std::string ExtractorOfUri(const std::string& uri) {
  constexpr std::string_view kScheme = "mixpeek://";
  if (uri.rfind(kScheme, 0) != 0) return "";
  std::string rest = uri.substr(kScheme.size());
  size_t slash = rest.find('/');
  size_t at = rest.find('@');
  if (slash == std::string::npos || at == std::string::npos || at == 0 || at + 1 >= slash ||
      slash + 1 >= rest.size()) {
    return "";
  }
  return rest.substr(0, slash);
}

void CheckFeatureUris(const NamespaceHandle& h, const std::vector<model::Collection>& inputs,
                      const model::Cluster& c, model::ValidationIssues* issues) {
  if (c.feature_uris.empty()) {
    issues->push_back({VectorLoc("feature_uris"), "Field required", "missing"});
    return;
  }
  for (size_t i = 0; i < c.feature_uris.size(); ++i) {
    ValueArray loc = VectorLoc("feature_uris");
    loc.emplace_back(static_cast<int64_t>(i));
    const std::string extractor = ExtractorOfUri(c.feature_uris[i]);
    if (extractor.empty()) {
      issues->push_back({loc, "feature URI must look like mixpeek://{extractor}@{version}/{output}",
                         "value_error"});
      continue;
    }
    bool known = std::any_of(inputs.begin(), inputs.end(), [&](const model::Collection& col) {
      return col.extractor.name + "@" + col.extractor.version == extractor;
    });
    known = known ||
            std::any_of(h.ns.feature_extractors.begin(), h.ns.feature_extractors.end(),
                        [&](const auto& fx) { return fx.name + "@" + fx.version == extractor; });
    if (!known) {
      issues->push_back({loc,
                         "feature '" + c.feature_uris[i] +
                             "' is not produced by any of the cluster's collections",
                         "value_error"});
    }
  }
}

// Options of the spec this server does not implement are refused rather than ignored.
void RejectUnsupported(const model::Cluster& c, model::ValidationIssues* issues) {
  if (c.filters.is_object() && !c.filters.as_object().empty()) {
    issues->push_back({{Value("body"), Value("filters")},
                       "filters are not supported for clusters by this server",
                       "value_error"});
  }
  if (const Value* on = c.llm_labeling.Get("enabled");
      on != nullptr && on->is_bool() && on->as_bool()) {
    issues->push_back({{Value("body"), Value("llm_labeling"), Value("enabled")},
                       "LLM labeling is not available; clusters are labelled 'Cluster <n>'",
                       "value_error"});
  }
  if (c.multi_feature_strategy != "concatenate") {
    issues->push_back(
        {VectorLoc("multi_feature_strategy"), "only 'concatenate' is supported", "value_error"});
  }
  if (c.effective_feature_method != "mean") {
    issues->push_back(
        {VectorLoc("effective_feature_method"), "only 'mean' is supported", "value_error"});
  }
}

// Applies `fn` to the stored cluster, re-read so that a patch made meanwhile is kept.
Status UpdateStoredCluster(storage::ClusterStore& store, const std::string& cluster_id,
                           TimestampMs now, const std::function<void(model::Cluster&)>& fn) {
  FERRY_ASSIGN_OR_RETURN(model::Cluster c, store.GetCluster(cluster_id));
  fn(c);
  c.updated_at = now;
  return store.UpdateCluster(c);
}

}  // namespace

ClusterService::ClusterService(const ServiceDeps& deps, size_t threads)
    : deps_(deps), pool_(std::max<size_t>(1, threads), "ferry-cluster") {}

ClusterService::~ClusterService() { Shutdown(); }

Result<model::Cluster> ClusterService::Create(const NamespaceHandle& h, model::Cluster req,
                                              model::ValidationIssues* issues) {
  if (!req.cluster_name.empty()) {
    ValidateName(req.cluster_name, {Value("body"), Value("cluster_name")}, issues);
  }
  if (req.cluster_type != "vector") {
    issues->push_back({{Value("body"), Value("cluster_type")},
                       "only 'vector' clustering is supported",
                       "value_error"});
  }
  if (req.clustering_method != "kmeans") {
    issues->push_back(
        {VectorLoc("clustering_method"), "only 'kmeans' is supported", "value_error"});
  }
  std::vector<model::Collection> inputs;
  std::vector<std::string> ids;
  for (size_t i = 0; i < req.collection_ids.size(); ++i) {
    auto c = h.store->GetCollection(req.collection_ids[i]);
    if (!c.ok() && c.status().code() == StatusCode::kNotFound) {
      c = h.store->GetCollectionByName(req.collection_ids[i]);
    }
    if (!c.ok()) {
      if (c.status().code() != StatusCode::kNotFound) return c.status();
      issues->push_back({{Value("body"), Value("collection_ids"), Value(static_cast<int64_t>(i))},
                         "collection '" + req.collection_ids[i] + "' not found",
                         "value_error"});
      continue;
    }
    if (std::find(ids.begin(), ids.end(), c->collection_id) == ids.end()) {
      ids.push_back(c->collection_id);
      inputs.push_back(*c);
    }
  }
  if (req.cluster_type == "vector") CheckFeatureUris(h, inputs, req, issues);
  RejectUnsupported(req, issues);
  ParseKMeansParams(req.algorithm_params, VectorLoc("algorithm_params"), issues);
  if (!issues->empty()) return Status::InvalidArgument("invalid request");
  req.collection_ids = std::move(ids);
  req.cluster_id = NewId("clust");
  if (req.cluster_name.empty()) req.cluster_name = req.cluster_id;
  if (!req.metadata.is_object()) req.metadata = Value(model::ValueObject{});
  if (!req.algorithm_params.is_object()) req.algorithm_params = Value(model::ValueObject{});
  req.status = model::TaskStatus::kPending;
  req.created_at = req.updated_at = deps_.clock.NowMs();
  Status st = h.store->InsertCluster(req);
  if (st.code() == StatusCode::kAlreadyExists) {
    return Status::AlreadyExists("cluster '" + req.cluster_name + "' already exists");
  }
  FERRY_RETURN_IF_ERROR(st);
  return req;
}

Result<model::Cluster> ClusterService::Get(const NamespaceHandle& h,
                                           const std::string& ident) const {
  auto c = h.store->GetCluster(ident);
  if (!c.ok() && c.status().code() == StatusCode::kNotFound) c = h.store->GetClusterByName(ident);
  if (!c.ok()) return NotFoundAs(c.status(), "cluster '" + ident + "'");
  return c;
}

Result<model::ListResult<model::Cluster>> ClusterService::List(
    const NamespaceHandle& h, const model::Page& page,
    const std::optional<std::string>& search) const {
  model::ListResult<model::Cluster> out;
  if (!search) {
    FERRY_ASSIGN_OR_RETURN(out.items, h.store->ListClusters(page));
    FERRY_ASSIGN_OR_RETURN(out.total, h.store->CountClusters());
    return out;
  }
  FERRY_ASSIGN_OR_RETURN(auto all, h.store->ListClusters({0, kSearchScanLimit}));
  const std::string needle = Lower(*search);
  std::vector<model::Cluster> matched;
  for (auto& c : all) {
    std::string text =
        Lower(c.cluster_id + "\n" + c.cluster_name + "\n" + c.description.value_or(""));
    if (text.find(needle) != std::string::npos) matched.push_back(std::move(c));
  }
  out.total = static_cast<int64_t>(matched.size());
  for (int64_t i = page.offset; i < out.total && i < page.offset + page.limit; ++i) {
    out.items.push_back(std::move(matched[static_cast<size_t>(i)]));
  }
  return out;
}

Result<model::Cluster> ClusterService::Patch(const NamespaceHandle& h, const std::string& ident,
                                             const model::ClusterPatch& patch,
                                             model::ValidationIssues* issues) {
  if (patch.cluster_name) {
    ValidateName(*patch.cluster_name, {Value("body"), Value("cluster_name")}, issues);
  }
  if (!issues->empty()) return Status::InvalidArgument("invalid request");
  FERRY_ASSIGN_OR_RETURN(model::Cluster c, Get(h, ident));
  if (patch.cluster_name) c.cluster_name = *patch.cluster_name;
  if (patch.description) c.description = *patch.description;
  if (patch.metadata) c.metadata = *patch.metadata;
  c.updated_at = deps_.clock.NowMs();
  Status st = h.store->UpdateCluster(c);
  if (st.code() == StatusCode::kAlreadyExists) {
    return Status::AlreadyExists("cluster '" + c.cluster_name + "' already exists");
  }
  FERRY_RETURN_IF_ERROR(st);
  return c;
}

Status ClusterService::Delete(const NamespaceHandle& h, const std::string& ident) {
  FERRY_ASSIGN_OR_RETURN(model::Cluster c, Get(h, ident));
  return NotFoundAs(h.store->DeleteCluster(c.cluster_id), "cluster '" + ident + "'");
}

Result<model::Task> ClusterService::Execute(const Caller& caller, const NamespaceHandle& h,
                                            const std::string& ident) {
  FERRY_ASSIGN_OR_RETURN(model::Cluster c, Get(h, ident));
  const TimestampMs now = deps_.clock.NowMs();
  model::Task task;
  task.task_id = NewId("task");
  task.org_id = caller.org_id;
  task.namespace_id = h.ns.namespace_id;
  task.task_type = kClusterTaskType;
  task.status = model::TaskStatus::kPending;
  task.inputs = Value(ValueArray{Value(c.cluster_id)});
  model::ClusterExecution run;
  run.run_id = "run_" + RandomHex(12);
  run.cluster_id = c.cluster_id;
  run.task_id = task.task_id;
  run.created_at = now;
  model::ValueObject data;
  data.Set("namespace_id", h.ns.namespace_id);
  data.Set("cluster_id", c.cluster_id);
  data.Set("run_id", run.run_id);
  task.additional_data = Value(std::move(data));
  task.created_at = task.updated_at = now;
  // Durable task first, so a crash leaves something Recover finds.
  FERRY_RETURN_IF_ERROR(deps_.storage.catalog().UpsertTask(task));
  FERRY_RETURN_IF_ERROR(h.store->UpsertClusterExecution(run));
  c.status = model::TaskStatus::kPending;
  c.last_task_id = task.task_id;
  c.last_executed_at = now;
  c.updated_at = now;
  FERRY_RETURN_IF_ERROR(h.store->UpdateCluster(c));
  if (!Enqueue({caller.org_id, h.ns.namespace_id, c.cluster_id, run.run_id, task.task_id})) {
    return Status::Unavailable("server is shutting down; the execution will run on the next start");
  }
  return task;
}

Result<model::ListResult<model::ClusterExecution>> ClusterService::ListExecutions(
    const NamespaceHandle& h, const std::string& ident, const model::Page& page) const {
  FERRY_ASSIGN_OR_RETURN(model::Cluster c, Get(h, ident));
  model::ListResult<model::ClusterExecution> out;
  FERRY_ASSIGN_OR_RETURN(out.items, h.store->ListClusterExecutions(c.cluster_id, page));
  FERRY_ASSIGN_OR_RETURN(out.total, h.store->CountClusterExecutions(c.cluster_id));
  return out;
}

Result<model::ClusterExecution> ClusterService::GetExecution(
    const NamespaceHandle& h, const std::string& ident,
    const std::optional<std::string>& run_id) const {
  FERRY_ASSIGN_OR_RETURN(model::Cluster c, Get(h, ident));
  if (run_id) {
    auto e = h.store->GetClusterExecution(c.cluster_id, *run_id);
    if (!e.ok()) return NotFoundAs(e.status(), "execution '" + *run_id + "'");
    return e;
  }
  FERRY_ASSIGN_OR_RETURN(auto newest, h.store->ListClusterExecutions(c.cluster_id, {0, 1}));
  if (newest.empty()) return Status::NotFound("cluster '" + ident + "' has no executions");
  return newest.front();
}

// ---- background executions ----

bool ClusterService::Enqueue(Job job) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++active_;
  }
  bool queued = pool_.Submit([this, job = std::move(job)] {
    (void)Contain(&deps_.logger, "cluster job", [&] { Run(job); });
    std::lock_guard<std::mutex> lock(mu_);
    if (--active_ == 0) idle_cv_.notify_all();
  });
  if (!queued) {
    std::lock_guard<std::mutex> lock(mu_);
    if (--active_ == 0) idle_cv_.notify_all();
  }
  return queued;
}

Status ClusterService::Recover() {
  FERRY_ASSIGN_OR_RETURN(auto tasks, deps_.storage.catalog().ListUnfinishedTasks());
  for (const auto& t : tasks) {
    if (t.task_type != kClusterTaskType) continue;
    const Value* cluster = t.additional_data.Get("cluster_id");
    const Value* run = t.additional_data.Get("run_id");
    if (cluster == nullptr || run == nullptr || !cluster->is_string() || !run->is_string()) {
      continue;
    }
    deps_.logger.Info("resuming cluster execution",
                      {{"run_id", run->as_string()}, {"task_id", t.task_id}});
    Enqueue({t.org_id, t.namespace_id, cluster->as_string(), run->as_string(), t.task_id});
  }
  return Status::Ok();
}

void ClusterService::WaitIdle() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_cv_.wait(lock, [this] { return active_ == 0; });
}

void ClusterService::Shutdown() { pool_.Shutdown(); }

void ClusterService::Run(const Job& job) {
  auto task = deps_.storage.catalog().GetTask(job.org_id, job.task_id);
  if (!task.ok()) {
    deps_.logger.Error("cluster task vanished", {{"task_id", job.task_id}});
    return;
  }
  Status st =
      Contain(&deps_.logger, "cluster execution", [&] { return RunJob(job, &task.value()); });
  FinishTask(&task.value(), st);
}

Status ClusterService::RunJob(const Job& job, model::Task* task) {
  FERRY_ASSIGN_OR_RETURN(auto store, deps_.storage.OpenNamespace(job.namespace_id));
  auto start = std::chrono::steady_clock::now();
  TimestampMs now = deps_.clock.NowMs();
  task->status = model::TaskStatus::kInProgress;
  task->updated_at = now;
  FERRY_RETURN_IF_ERROR(deps_.storage.catalog().UpsertTask(*task));
  FERRY_ASSIGN_OR_RETURN(model::Cluster cluster, store->GetCluster(job.cluster_id));
  FERRY_ASSIGN_OR_RETURN(model::ClusterExecution run,
                         store->GetClusterExecution(job.cluster_id, job.run_id));
  run.status = "processing";
  FERRY_RETURN_IF_ERROR(store->UpsertClusterExecution(run));
  FERRY_RETURN_IF_ERROR(UpdateStoredCluster(
      *store, cluster.cluster_id, now, [](auto& c) { c.status = model::TaskStatus::kProcessing; }));

  auto outcome = RunClustering(*store, deps_.storage.blobs(), cluster, now);
  const TimestampMs done = deps_.clock.NowMs();
  if (!outcome.ok()) {
    run.status = "failed";
    run.error_message = outcome.status().message();
    run.completed_at = done;
    FERRY_RETURN_IF_ERROR(store->UpsertClusterExecution(run));
    FERRY_RETURN_IF_ERROR(UpdateStoredCluster(
        *store, cluster.cluster_id, done, [](auto& c) { c.status = model::TaskStatus::kFailed; }));
    return outcome.status();
  }
  model::ClusterExecution finished = std::move(outcome->execution);
  finished.run_id = run.run_id;
  finished.cluster_id = run.cluster_id;
  finished.task_id = run.task_id;
  finished.created_at = run.created_at;
  finished.status = "completed";
  finished.completed_at = done;
  FERRY_RETURN_IF_ERROR(store->UpsertClusterExecution(finished));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  FERRY_RETURN_IF_ERROR(UpdateStoredCluster(*store, cluster.cluster_id, done, [&](auto& c) {
    c.status = model::TaskStatus::kCompleted;
    c.last_run_id = finished.run_id;
    c.num_clusters = finished.num_clusters;
    c.num_documents_clustered = finished.num_points;
    c.execution_time_seconds = seconds;
    c.completed_at = done;
  }));
  model::ValueObject output;
  output.Set("run_id", finished.run_id);
  output.Set("num_clusters", finished.num_clusters);
  output.Set("num_points", finished.num_points);
  task->outputs = Value(ValueArray{Value(std::move(output))});
  return Status::Ok();
}

void ClusterService::FinishTask(model::Task* task, const Status& status) {
  task->status = status.ok() ? model::TaskStatus::kCompleted : model::TaskStatus::kFailed;
  if (!status.ok()) {
    task->error = status.message();
    if (task->additional_data.is_object()) {
      task->additional_data.mutable_object().Set("error", status.message());
    }
  }
  task->updated_at = deps_.clock.NowMs();
  Status st = deps_.storage.catalog().UpsertTask(*task);
  if (!st.ok()) {
    deps_.logger.Error("cannot record cluster task",
                       {{"task_id", task->task_id}, {"error", st.message()}});
  }
}

}  // namespace ferry::service
