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

 private:
  void ValidateBlobs(const model::Bucket& bucket, const model::ObjectCreate& req,
                     model::ValidationIssues* issues) const;
  Result<model::Blob> StoreBlob(const model::BlobCreate& in);

  const ServiceDeps& deps_;
};

}  // namespace ferry::service
