#include "codec/batch_task_codec.h"

#include "codec/codecs.h"
#include "codec/json_value.h"
#include "codec/list_codec.h"

namespace ferry::codec {

namespace json = boost::json;

namespace {

const std::vector<std::string>& TaskStatusNames() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (int i = 0; i <= static_cast<int>(model::TaskStatus::kSuspended); ++i) {
      names.emplace_back(model::TaskStatusName(static_cast<model::TaskStatus>(i)));
    }
    return names;
  }();
  return kNames;
}

// Mixpeek's TaskType enum.
const std::vector<std::string>& TaskTypeNames() {
  static const std::vector<std::string> kNames = {"api_namespaces_create",
                                                  "api_namespaces_delete",
                                                  "api_namespaces_migrations_run",
                                                  "api_buckets_objects_create",
                                                  "api_buckets_delete",
                                                  "api_buckets_batches_process",
                                                  "api_buckets_batches_submit",
                                                  "api_buckets_uploads_create",
                                                  "api_buckets_uploads_confirm",
                                                  "api_buckets_uploads_batch_confirm",
                                                  "api_collections_documents_create",
                                                  "api_collections_extraction_artifacts",
                                                  "api_taxonomies_create",
                                                  "api_taxonomies_execute",
                                                  "api_taxonomies_materialize",
                                                  "api_evaluations_run",
                                                  "api_evaluations_dataset_create",
                                                  "api_retrievers_publish",
                                                  "api_collections_export",
                                                  "api_collections_trigger",
                                                  "engine_feature_extractor_run",
                                                  "engine_inference_run",
                                                  "engine_object_processing",
                                                  "engine_cluster_build",
                                                  "thumbnail",
                                                  "video_segment",
                                                  "audio_segment",
                                                  "materialize",
                                                  "plugin_custom",
                                                  "model_custom"};
  return kNames;
}

std::optional<model::TaskStatus> StatusFilter(JsonReader& body) {
  auto status = body.Enum("status", false, TaskStatusNames());
  if (!status) return std::nullopt;
  return model::ParseTaskStatus(*status);
}

}  // namespace

model::BatchListQuery DecodeBatchList(JsonReader body) {
  model::BatchListQuery q;
  if (!body.ExpectObject()) return q;
  body.RejectNull({"limit", "offset"});
  q.status = StatusFilter(body);
  q.page.offset = body.Int("offset", false, 0, INT64_MAX).value_or(0);
  q.page.limit = body.Int("limit", false, 1, 1000).value_or(100);
  return q;
}

json::object EncodeBatchList(const model::ListResult<model::Batch>& list,
                             const std::string& org_id) {
  json::array results;
  for (const auto& b : list.items) results.push_back(EncodeBatch(b, org_id));
  return json::object{{"results", std::move(results)}, {"total_count", list.total}};
}

model::BatchRetry DecodeBatchRetry(JsonReader body) {
  model::BatchRetry r;
  if (!body.ExpectObject()) return r;
  body.RejectNull({"retry_mode", "max_retry_count"});
  auto mode = body.Enum("retry_mode", false, {"transient_only", "all"});
  r.transient_only = mode.value_or("transient_only") == "transient_only";
  r.max_retry_count = static_cast<int>(body.Int("max_retry_count", false, 1, 10).value_or(3));
  for (auto& e : body.Elements("tier_nums", false, 64)) {
    const json::value* v = e.value();
    if (v == nullptr || !v->is_int64() || v->get_int64() < 0 || v->get_int64() > 1000) {
      e.AddIssueHere("Input should be a valid integer between 0 and 1000", "int_type");
      continue;
    }
    r.tier_nums.push_back(static_cast<int>(v->get_int64()));
  }
  return r;
}

json::object EncodeBatchRetry(const model::BatchRetryResult& r) {
  json::array tiers;
  for (int t : r.tier_nums) tiers.push_back(t);
  return json::object{
      {"batch_id", r.batch.batch_id},
      {"task_id", r.task.task_id},
      {"status", model::TaskStatusName(r.batch.status)},
      {"retried_object_ids", json::array(r.object_ids.begin(), r.object_ids.end())},
      {"retried_object_count", static_cast<int64_t>(r.object_ids.size())},
      {"tier_nums", std::move(tiers)},
      {"retry_count", r.retry_count},
      {"message", "retrying " + std::to_string(r.object_ids.size()) + " object(s) of batch " +
                      r.batch.batch_id},
  };
}

json::object EncodeFailedDocuments(const std::string& batch_id, const model::FailedDocuments& docs,
                                   const model::Page& page) {
  json::array results;
  for (const auto& f : docs.items) {
    const model::Document& d = f.document;
    results.push_back(json::object{
        {"document_id", d.document_id},
        {"collection_id", d.collection_id},
        {"tier_num", f.tier_num},
        {"object_id", d.lineage.root_object_id},
        {"source_document_id", OptString(d.lineage.source_document_id)},
        {"error", OptString(d.error)},
        {"error_type", f.transient ? "transient" : "permanent"},
        {"failed_at", Time(d.updated_at)},
    });
  }
  return json::object{{"batch_id", batch_id},
                      {"results", std::move(results)},
                      {"total", docs.total},
                      {"limit", page.limit},
                      {"offset", page.offset}};
}

model::TaskListQuery DecodeTaskList(JsonReader body) {
  model::TaskListQuery q;
  if (!body.ExpectObject()) return q;
  q.status = StatusFilter(body);
  q.task_type = body.Enum("task_type", false, TaskTypeNames());
  RejectUnsupported(body, {"filters", "sort", "search"}, "; use status or task_type");
  return q;
}

json::object EncodeTaskList(const model::ListResult<model::Task>& list, const model::Page& page) {
  json::array results;
  for (const auto& t : list.items) results.push_back(EncodeTask(t));
  auto n = static_cast<int64_t>(list.items.size());
  return json::object{{"results", std::move(results)},
                      {"pagination", EncodePagination(page, list.total, n)}};
}

}  // namespace ferry::codec
