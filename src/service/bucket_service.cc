#include "service/bucket_service.h"

#include <algorithm>
#include <set>

#include "common/ids.h"
#include "service/batch_runner.h"
#include "service/object_reprocessing.h"

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

void BucketService::ValidateBlobs(const model::Bucket& bucket,
                                  const std::vector<model::BlobCreate>& blobs, bool require_all,
                                  model::ValidationIssues* issues) const {
  std::set<std::string> seen;
  for (size_t i = 0; i < blobs.size(); ++i) {
    const auto& blob = blobs[i];
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
  if (!require_all) return;
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
  ValidateBlobs(bucket, req.blobs, true, issues);
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

namespace {

// Whether two blob lists hold the same content (what extraction reads), in any order.
bool SameContent(const std::vector<model::Blob>& a, const std::vector<model::Blob>& b) {
  if (a.size() != b.size()) return false;
  for (const auto& x : a) {
    auto same = [&](const model::Blob& y) {
      return y.property == x.property && y.type == x.type && y.data == x.data &&
             y.content_hash == x.content_hash && y.mime_type == x.mime_type;
    };
    if (std::find_if(b.begin(), b.end(), same) == b.end()) return false;
  }
  return true;
}

}  // namespace

Result<model::Object> BucketService::UpdateObject(const NamespaceHandle& h,
                                                  const std::string& bucket_ident,
                                                  const std::string& object_id,
                                                  const model::ObjectUpdate& update,
                                                  model::ValidationIssues* issues) {
  FERRY_ASSIGN_OR_RETURN(model::Bucket bucket, Get(h, bucket_ident));
  FERRY_ASSIGN_OR_RETURN(model::Object obj, GetObject(h, bucket.bucket_id, object_id));
  ValidateBlobs(bucket, update.blobs, false, issues);
  for (const auto& property : update.removed) {
    const model::SchemaField* field = bucket.schema.Find(property);
    if (field != nullptr && field->required) {
      issues->push_back({{model::Value("body"), model::Value(property)},
                         "required property '" + property + "' cannot be removed",
                         "value_error"});
    }
  }
  if (!issues->empty()) return Status::InvalidArgument("invalid request");
  model::Object next = obj;
  if (update.key_prefix) next.key_prefix = update.key_prefix;
  std::erase_if(next.blobs, [&](const model::Blob& b) {
    return std::find(update.removed.begin(), update.removed.end(), b.property) !=
           update.removed.end();
  });
  for (const auto& in : update.blobs) {
    FERRY_ASSIGN_OR_RETURN(model::Blob blob, StoreBlob(in));
    auto old = std::find_if(next.blobs.begin(), next.blobs.end(),
                            [&](const model::Blob& b) { return b.property == in.property; });
    if (old == next.blobs.end()) {
      next.blobs.push_back(std::move(blob));
    } else if (SameContent({*old}, {blob})) {
      old->key_prefix = blob.key_prefix;  // same payload: the blob keeps its id
      old->metadata = blob.metadata;
    } else {
      *old = std::move(blob);
    }
  }
  const bool content_changed = !SameContent(obj.blobs, next.blobs);
  if (!content_changed && next.key_prefix == obj.key_prefix &&
      std::equal(next.blobs.begin(), next.blobs.end(), obj.blobs.begin(), obj.blobs.end(),
                 [](const model::Blob& x, const model::Blob& y) {
                   return x.blob_id == y.blob_id && x.key_prefix == y.key_prefix &&
                          x.metadata == y.metadata;
                 })) {
    return obj;  // nothing changed: nothing written
  }
  next.updated_at = deps_.clock.NowMs();
  std::vector<std::string> derived;
  if (content_changed) {
    // Marked before the object is written: a crash in between leaves documents marked
    // for an unchanged object (re-processing rebuilds the same), never stale and unmarked.
    FERRY_ASSIGN_OR_RETURN(auto collections, h.store->ListCollections(model::Page{0, 1'000'000}));
    for (const auto& tier : CollectionTiers(collections, bucket.bucket_id)) {
      derived.insert(derived.end(), tier.begin(), tier.end());
    }
    FERRY_RETURN_IF_ERROR(
        MarkDerivedDocuments(*h.store, derived, obj.object_id, next.updated_at).status());
  }
  FERRY_RETURN_IF_ERROR(h.store->UpsertObjects({next}));
  if (content_changed) {
    // Again after the write: a batch run that read the previous version may have
    // rewritten (and unmarked) documents in between; it marks them itself only when it
    // sees this version (BatchRunner).
    FERRY_RETURN_IF_ERROR(
        MarkDerivedDocuments(*h.store, derived, obj.object_id, next.updated_at).status());
  }
  return next;
}

}  // namespace ferry::service
