#include "service/bucket_service.h"

#include <set>

#include "common/ids.h"

namespace ferry::service {

namespace {

model::ValueArray BlobLoc(size_t i, const char* field) {
  model::ValueArray loc{model::Value("body"), model::Value("blobs"),
                        model::Value(static_cast<int64_t>(i))};
  if (field != nullptr) loc.emplace_back(field);
  return loc;
}

// MIME type from the leading bytes; empty when unrecognised.
std::string SniffMime(const std::string& bytes) {
  auto starts = [&](std::string_view magic) { return bytes.compare(0, magic.size(), magic) == 0; };
  if (starts("\x89PNG\r\n\x1a\n")) return "image/png";
  if (starts("\xff\xd8\xff")) return "image/jpeg";
  if (starts("GIF8")) return "image/gif";
  if (starts("%PDF")) return "application/pdf";
  if (bytes.size() > 12 && starts("RIFF") && bytes.compare(8, 4, "WEBP") == 0) return "image/webp";
  return "";
}

}  // namespace

Result<model::Bucket> BucketService::Create(const NamespaceHandle& h,
                                            const model::BucketCreate& req,
                                            model::ValidationIssues* issues) {
  ValidateName(req.bucket_name, {model::Value("body"), model::Value("bucket_name")}, issues);
  if (!issues->empty()) return Status::InvalidArgument("invalid request");
  model::Bucket b;
  b.bucket_id = NewId("bkt");
  b.bucket_name = req.bucket_name;
  b.description = req.description;
  b.schema = req.schema;
  b.unique_key = req.unique_key;
  b.metadata = req.metadata;
  b.created_at = b.updated_at = deps_.clock.NowMs();
  Status st = h.store->InsertBucket(b);
  if (st.code() == StatusCode::kAlreadyExists) {
    return Status::AlreadyExists("bucket '" + req.bucket_name + "' already exists");
  }
  FERRY_RETURN_IF_ERROR(st);
  return b;
}

Result<model::Bucket> BucketService::Get(const NamespaceHandle& h, const std::string& ident) const {
  auto b = h.store->GetBucket(ident);
  if (!b.ok() && b.status().code() == StatusCode::kNotFound) b = h.store->GetBucketByName(ident);
  if (!b.ok() && b.status().code() == StatusCode::kNotFound) {
    return Status::NotFound("bucket '" + ident + "' not found");
  }
  return b;
}

Result<model::ListResult<model::Bucket>> BucketService::List(const NamespaceHandle& h,
                                                             const model::Page& page) const {
  model::ListResult<model::Bucket> out;
  FERRY_ASSIGN_OR_RETURN(out.items, h.store->ListBuckets(page));
  FERRY_ASSIGN_OR_RETURN(out.total, h.store->CountBuckets());
  return out;
}

Status BucketService::Delete(const NamespaceHandle& h, const std::string& ident) {
  FERRY_ASSIGN_OR_RETURN(model::Bucket b, Get(h, ident));
  return h.store->DeleteBucket(b.bucket_id);
}

void BucketService::ValidateBlobs(const model::Bucket& bucket, const model::ObjectCreate& req,
                                  model::ValidationIssues* issues) const {
  std::set<std::string> seen;
  for (size_t i = 0; i < req.blobs.size(); ++i) {
    const auto& blob = req.blobs[i];
    const model::SchemaField* field = bucket.schema.Find(blob.property);
    if (field == nullptr) {
      issues->push_back({BlobLoc(i, "property"),
                         "property '" + blob.property + "' is not defined in the bucket schema",
                         "value_error"});
      continue;
    }
    if (!seen.insert(blob.property).second) {
      issues->push_back({BlobLoc(i, "property"),
                         "property '" + blob.property + "' is given more than once",
                         "value_error"});
    }
    if (field->type != blob.type) {
      issues->push_back({BlobLoc(i, "type"),
                         std::string("type must match the bucket schema: '") +
                             model::FieldTypeName(field->type) + "'",
                         "value_error"});
    }
  }
  for (const auto& f : bucket.schema.properties) {
    if (f.required && seen.count(f.name) == 0) {
      issues->push_back({{model::Value("body"), model::Value("blobs")},
                         "required property '" + f.name + "' is missing",
                         "missing"});
    }
  }
}

Result<model::Blob> BucketService::StoreBlob(const model::BlobCreate& in) {
  model::Blob blob;
  blob.blob_id = NewId("blob");
  blob.property = in.property;
  blob.type = in.type;
  blob.key_prefix = in.key_prefix;
  blob.metadata = in.metadata;
  if (!model::IsStoredAsBlob(in.type)) {
    blob.data = in.data;
    blob.size_bytes = 0;
    return blob;
  }
  const std::string& payload = in.type == model::FieldType::kText ? in.data.as_string() : in.bytes;
  FERRY_ASSIGN_OR_RETURN(std::string hash, deps_.storage.blobs().Put(payload));
  blob.content_hash = hash;
  blob.size_bytes = static_cast<int64_t>(payload.size());
  if (in.type == model::FieldType::kText) {
    blob.data = in.data;
    blob.mime_type = "text/plain";
  } else {
    std::string sniffed = SniffMime(payload);
    if (!sniffed.empty()) {
      blob.mime_type = sniffed;
    } else {
      blob.mime_type = in.mime_type.value_or("application/octet-stream");
    }
  }
  return blob;
}

Result<model::Object> BucketService::CreateObject(const NamespaceHandle& h,
                                                  const std::string& bucket_ident,
                                                  const model::ObjectCreate& req,
                                                  model::ValidationIssues* issues) {
  FERRY_ASSIGN_OR_RETURN(model::Bucket bucket, Get(h, bucket_ident));
  ValidateBlobs(bucket, req, issues);
  if (!issues->empty()) return Status::InvalidArgument("invalid request");
  model::Object obj;
  obj.object_id = NewId("obj");
  obj.bucket_id = bucket.bucket_id;
  obj.key_prefix = req.key_prefix;
  obj.created_at = obj.updated_at = deps_.clock.NowMs();
  for (const auto& in : req.blobs) {
    FERRY_ASSIGN_OR_RETURN(model::Blob blob, StoreBlob(in));
    obj.blobs.push_back(std::move(blob));
  }
  FERRY_RETURN_IF_ERROR(h.store->InsertObject(obj));
  return obj;
}

Result<model::Object> BucketService::GetObject(const NamespaceHandle& h,
                                               const std::string& bucket_ident,
                                               const std::string& object_id) const {
  FERRY_ASSIGN_OR_RETURN(model::Bucket bucket, Get(h, bucket_ident));
  auto obj = h.store->GetObject(bucket.bucket_id, object_id);
  if (!obj.ok() && obj.status().code() == StatusCode::kNotFound) {
    return Status::NotFound("object '" + object_id + "' not found");
  }
  return obj;
}

Result<model::ListResult<model::Object>> BucketService::ListObjects(const NamespaceHandle& h,
                                                                    const std::string& bucket_ident,
                                                                    const model::Page& page) const {
  FERRY_ASSIGN_OR_RETURN(model::Bucket bucket, Get(h, bucket_ident));
  model::ListResult<model::Object> out;
  FERRY_ASSIGN_OR_RETURN(out.items, h.store->ListObjects(bucket.bucket_id, page));
  FERRY_ASSIGN_OR_RETURN(out.total, h.store->CountObjects(bucket.bucket_id));
  return out;
}

Status BucketService::DeleteObject(const NamespaceHandle& h, const std::string& bucket_ident,
                                   const std::string& object_id) {
  FERRY_ASSIGN_OR_RETURN(model::Bucket bucket, Get(h, bucket_ident));
  Status st = h.store->DeleteObject(bucket.bucket_id, object_id);
  if (st.code() == StatusCode::kNotFound) {
    return Status::NotFound("object '" + object_id + "' not found");
  }
  return st;
}

}  // namespace ferry::service
