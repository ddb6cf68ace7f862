#pragma once
// Buckets and their objects. Objects are validated against the bucket schema; blob
// payloads of text and binary types go to the content-addressed blob store.

#include <string>

#include "common/result.h"
#include "model/requests.h"
#include "service/namespace_service.h"

namespace ferry::service {

class BucketService {
 public:
  explicit BucketService(const ServiceDeps& deps) : deps_(deps) {}

  // Appends issues for a bad name or schema; returns InvalidArgument when any.
  // AlreadyExists when the name is taken.
  Result<model::Bucket> Create(const NamespaceHandle& h, const model::BucketCreate& req,
                               model::ValidationIssues* issues);
  // `ident` is an id or a name.
  Result<model::Bucket> Get(const NamespaceHandle& h, const std::string& ident) const;
  Result<model::ListResult<model::Bucket>> List(const NamespaceHandle& h,
                                                const model::Page& page) const;
  Status Delete(const NamespaceHandle& h, const std::string& ident);

  // Objects. Create validates every blob against the schema (issues located at
  // ["body","blobs",i,…]); InvalidArgument when any.
  Result<model::Object> CreateObject(const NamespaceHandle& h, const std::string& bucket_ident,
                                     const model::ObjectCreate& req,
                                     model::ValidationIssues* issues);
  Result<model::Object> GetObject(const NamespaceHandle& h, const std::string& bucket_ident,
                                  const std::string& object_id) const;
  Result<model::ListResult<model::Object>> ListObjects(const NamespaceHandle& h,
                                                       const std::string& bucket_ident,
                                                       const model::Page& page) const;
  Status DeleteObject(const NamespaceHandle& h, const std::string& bucket_ident,
                      const std::string& object_id);
  // PUT and PATCH: sets key_prefix when given, replaces or adds each given blob (by
  // property; validated as Create does, issues at ["body","blobs",i,…]) and removes the
  // `removed` ones (a required property cannot be: issue at ["body",property]). When the
  // blobs' content changed, the derived documents are first marked for re-processing
  // (object_reprocessing.h); then the object is written (a logged UpsertObjects). An
  // update that changes nothing writes nothing. NotFound for an unknown bucket or object.
  Result<model::Object> UpdateObject(const NamespaceHandle& h, const std::string& bucket_ident,
                                     const std::string& object_id,
                                     const model::ObjectUpdate& update,
                                     model::ValidationIssues* issues);

 private:
  // Issues for blobs not matching the schema; with `require_all`, for required
  // properties missing too.
  void ValidateBlobs(const model::Bucket& bucket, const std::vector<model::BlobCreate>& blobs,
                     bool require_all, model::ValidationIssues* issues) const;
  Result<model::Blob> StoreBlob(const model::BlobCreate& in);

  const ServiceDeps& deps_;
};

}  // namespace ferry::service
