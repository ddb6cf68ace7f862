#include "source_namespace.h"

#include <algorithm>
#include <vector>

#include "common/crypto.h"
#include "common/ids.h"
#include "synthetic_text.h"

namespace ferry::bench {
namespace {

// Objects per UpsertObjects transaction and per submitted batch.
constexpr int64_t kChunk = 1000;
// Batches submitted before waiting for the runner (bounds setup memory).
constexpr int kBatchesInFlight = 4;

// A text object as BucketService::CreateObject makes it, except that the text is not
// written to the blob store (the text is inline in the blob, which is what text
// extractors read; the content hash is still recorded, as for a stored blob).
model::Object TextObject(const std::string& bucket_id, int64_t index, TimestampMs now) {
  std::string text = SyntheticText(index);
  model::Blob blob;
  blob.blob_id = NewId("blob");
  blob.property = "content";
  blob.type = model::FieldType::kText;
  blob.content_hash = Sha256Hex(text);
  blob.size_bytes = static_cast<int64_t>(text.size());
  blob.mime_type = "text/plain";
  blob.data = model::Value(std::move(text));
  model::Object o;
  o.object_id = NewId("obj");
  o.bucket_id = bucket_id;
  o.blobs.push_back(std::move(blob));
  o.created_at = o.updated_at = now;
  return o;
}

Status CreateResources(SetupServices s, const service::Caller& caller, const std::string& name,
                       const std::string& version, service::NamespaceHandle* h,
                       SourceNamespace* out) {
  model::NamespaceCreate nc;
  nc.namespace_name = name;
  nc.feature_extractors = {{"text_extractor", version, {}}};
  FERRY_ASSIGN_OR_RETURN(model::Namespace ns, s.namespaces.Create(caller, nc));
  FERRY_ASSIGN_OR_RETURN(*h, s.namespaces.Resolve(caller, ns.namespace_id));
  model::ValidationIssues issues;
  model::BucketCreate bc;
  bc.bucket_name = "texts";
  bc.schema.properties.push_back({"content", model::FieldType::kText, false, {}});
  FERRY_ASSIGN_OR_RETURN(model::Bucket bucket, s.buckets.Create(*h, bc, &issues));
  model::CollectionCreate cc;
  cc.collection_name = "texts-" + version;
  cc.source.bucket_ids = {bucket.bucket_id};
  cc.extractor.name = "text_extractor";
  cc.extractor.version = version;
  FERRY_ASSIGN_OR_RETURN(model::Collection collection, s.collections.Create(*h, cc, &issues));
  out->namespace_id = ns.namespace_id;
  out->bucket_id = bucket.bucket_id;
  out->collection_id = collection.collection_id;
  return Status::Ok();
}

// Checks that every submitted batch's task completed.
Status CheckTasks(SetupServices s, const service::Caller& caller,
                  const std::vector<std::string>& task_ids) {
  for (const auto& id : task_ids) {
    FERRY_ASSIGN_OR_RETURN(model::Task task, s.batches.GetTask(caller, id));
    if (task.status != model::TaskStatus::kCompleted) {
      std::string message = "setup batch task ";
      return Status::Internal(message.append(id)
                                  .append(" did not complete: ")
                                  .append(task.error.value_or("no error recorded")));
    }
  }
  return Status::Ok();
}

}  // namespace

Status CreateTextNamespace(SetupServices services, const service::Caller& caller,
                           const std::string& name, const std::string& extractor_version,
                           SourceNamespace* out) {
  service::NamespaceHandle h;
  return CreateResources(services, caller, name, extractor_version, &h, out);
}

Result<SourceNamespace> BuildSourceNamespace(const service::ServiceDeps& deps,
                                             SetupServices services, const service::Caller& caller,
                                             const std::string& name, int64_t n) {
  SourceNamespace out;
  service::NamespaceHandle h;
  FERRY_RETURN_IF_ERROR(CreateResources(services, caller, name, "v1", &h, &out));
  FERRY_ASSIGN_OR_RETURN(model::Bucket bucket, h.store->GetBucket(out.bucket_id));
  std::vector<std::string> task_ids;
  for (int64_t begin = 0; begin < n; begin += kChunk) {
    const int64_t end = std::min(n, begin + kChunk);
    std::vector<model::Object> objects;
    objects.reserve(static_cast<size_t>(end - begin));
    const TimestampMs now = deps.clock.NowMs();
    for (int64_t i = begin; i < end; ++i) objects.push_back(TextObject(out.bucket_id, i, now));
    FERRY_RETURN_IF_ERROR(h.store->UpsertObjects(objects));
    model::BatchCreate bc;
    for (const auto& o : objects) bc.object_ids.push_back(o.object_id);
    objects.clear();
    model::ValidationIssues issues;
    FERRY_ASSIGN_OR_RETURN(model::Batch batch, services.batches.Create(h, bucket, bc, &issues));
    FERRY_ASSIGN_OR_RETURN(model::Task task,
                           services.batches.Submit(caller, h, bucket, batch.batch_id));
    task_ids.push_back(task.task_id);
    if (task_ids.size() % kBatchesInFlight == 0) services.runner.WaitIdle();
  }
  services.runner.WaitIdle();
  FERRY_RETURN_IF_ERROR(CheckTasks(services, caller, task_ids));
  FERRY_ASSIGN_OR_RETURN(out.objects, h.store->CountObjects(out.bucket_id));
  FERRY_ASSIGN_OR_RETURN(out.documents, h.store->CountDocuments(out.collection_id));
  if (out.objects != n || out.documents != n) {
    std::string message = "setup produced ";
    message.append(std::to_string(out.objects))
        .append(" objects and ")
        .append(std::to_string(out.documents))
        .append(" documents, expected ")
        .append(std::to_string(n));
    return Status::Internal(std::move(message));
  }
  return out;
}

}  // namespace ferry::bench
