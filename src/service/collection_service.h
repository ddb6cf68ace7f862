#pragma once
// Collections (one extractor over a bucket or another collection) and their documents.

#include <optional>
#include <string>

#include "common/result.h"
#include "model/document_requests.h"
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
  // Only the documents `filter` matches when set (document_filter.h: ListMatchingDocuments).
  Result<model::ListResult<model::Document>> ListDocuments(
      const NamespaceHandle& h, const std::string& collection, const model::Page& page,
      const std::optional<model::DocumentFilter>& filter = std::nullopt) const;

  // Document writes (document_writes.cc). Vectors must be the collection's extractor's
  // feature with its dimensions; problems are appended to `issues`, located in the request
  // (InvalidArgument when any). Each write is one storage call (one transaction).
  //
  // A new document (id generated; "manual": no root object unless the request names one).
  Result<model::Document> CreateDocument(const NamespaceHandle& h, const std::string& collection,
                                         const model::DocumentCreate& req,
                                         model::ValidationIssues* issues);
  // PUT (`replace`: the user fields become req.fields) or PATCH (merge). NotFound when
  // the document is absent.
  Result<model::Document> UpdateDocument(const NamespaceHandle& h, const std::string& collection,
                                         const std::string& document_id,
                                         const model::DocumentUpdate& req, bool replace,
                                         model::ValidationIssues* issues);
  Status DeleteDocument(const NamespaceHandle& h, const std::string& collection,
                        const std::string& document_id);
  // Absent ids are failed items of the result; the others are written together.
  Result<model::DocumentBatchResult> BatchUpdateDocuments(const NamespaceHandle& h,
                                                          const std::string& collection,
                                                          const model::DocumentBatchUpdate& req);
  Result<model::DocumentBatchResult> BatchDeleteDocuments(const NamespaceHandle& h,
                                                          const std::string& collection,
                                                          const model::DocumentBatchDelete& req);
  // The number of documents updated.
  Result<int64_t> BulkUpdateDocuments(const NamespaceHandle& h, const std::string& collection,
                                      const model::DocumentBulkUpdate& req);

 private:
  // The collection's vectors from a request's vector inputs.
  Result<std::vector<model::FeatureVector>> ResolveVectors(
      const model::Collection& c, const std::vector<model::DocumentVectorInput>& inputs,
      model::ValidationIssues* issues) const;
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
