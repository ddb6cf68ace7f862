#pragma once
// Collections (one extractor over a bucket or another collection) and their documents.

#include <string>

#include "common/result.h"
#include "model/requests.h"
#include "service/namespace_service.h"

namespace ferry::service {

class CollectionService {
 public:
  explicit CollectionService(const ServiceDeps& deps) : deps_(deps) {}

  // Validates the source, extractor (name, version, parameters) and input mappings
  // against the source schema, appending located issues (InvalidArgument when any).
  // NotFound when a source bucket or collection does not exist; AlreadyExists when the
  // name is taken.
  Result<model::Collection> Create(const NamespaceHandle& h, const model::CollectionCreate& req,
                                   model::ValidationIssues* issues);
  // `ident` is an id or a name.
  Result<model::Collection> Get(const NamespaceHandle& h, const std::string& ident) const;
  Result<model::ListResult<model::Collection>> List(const NamespaceHandle& h,
                                                    const model::Page& page) const;
  Status Delete(const NamespaceHandle& h, const std::string& ident);

  // Documents always carry their vectors: their feature URIs are part of every response,
  // and the encoder decides whether the values are shown.
  Result<model::Document> GetDocument(const NamespaceHandle& h, const std::string& collection,
                                      const std::string& document_id) const;
  Result<model::ListResult<model::Document>> ListDocuments(const NamespaceHandle& h,
                                                           const std::string& collection,
                                                           const model::Page& page) const;

 private:
  // Fills input_schema, root_bucket_ids and checks the source exists.
  Status ResolveSource(const NamespaceHandle& h, model::Collection* c) const;
  void ValidateExtractor(model::Collection* c, model::ValidationIssues* issues) const;

  const ServiceDeps& deps_;
};

// Computes c->output_schema from its input schema, passthrough fields and extractor
// outputs. REQUIRES: c's extractor exists in `registry`.
void BuildOutputSchema(const extract::ExtractorRegistry& registry, model::Collection* c);

// True when a schema field of type `field` can feed an extractor input of `input_type`.
bool IsCompatibleInput(model::FieldType field, const std::string& input_type);

}  // namespace ferry::service
