#pragma once
// The collection side of a namespace (part of NamespaceStore): collections and their
// documents with vectors. Ids are unique within the namespace; callers have already
// checked the tenant owns the namespace. Implementations are thread-safe; each call is
// atomic (one transaction).

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "model/resources.h"
#include "model/retriever.h"  // CollectionVersion
#include "storage/id_query.h"

namespace ferry::storage {

class CollectionStore {
 public:
  virtual ~CollectionStore() = default;

  // AlreadyExists on id or name.
  virtual Status InsertCollection(const model::Collection& collection) = 0;
  virtual Result<model::Collection> GetCollection(const std::string& collection_id) = 0;
  virtual Result<model::Collection> GetCollectionByName(const std::string& name) = 0;
  // Ordered by created_at then id.
  virtual Result<std::vector<model::Collection>> ListCollections(const model::Page& page) = 0;
  virtual Result<int64_t> CountCollections() = 0;
  // Removes the collection and its documents. NotFound when absent.
  virtual Status DeleteCollection(const std::string& collection_id) = 0;
  // A fingerprint of a collection's documents and vectors that changes with every
  // document write or delete in it (count, newest updated_at, and a counter of document
  // writes); vector indexes are rebuilt when it differs from theirs.
  virtual Result<model::CollectionVersion> GetCollectionVersion(
      const std::string& collection_id) = 0;
};

// Where a keyset page of ListDocumentsAfter starts: after this document, in
// ListDocuments' order (created_at, then id).
struct DocumentCursor {
  TimestampMs created_at = 0;
  std::string document_id;
};

// Which documents of a collection EditDocuments / DeleteDocuments apply to.
struct DocumentSelection {
  // These documents (absent and repeated ids are skipped); every document of the
  // collection when unset.
  std::optional<std::vector<std::string>> ids;
  // Narrows the selection further when set; called inside the transaction.
  std::function<bool(const model::Document&)> where;
  // Edits see the documents' vectors and may replace them.
  bool with_vectors = false;
};

// Changes one selected document in place (fields, updated_at and, with vectors, its
// vectors, ingestion_status and error; never its ids or lineage): true to write it, false to leave
// it unchanged. An error aborts the whole call, nothing written.
using DocumentEdit = std::function<Result<bool>(model::Document*)>;

class DocumentStore {
 public:
  virtual ~DocumentStore() = default;

  // Inserts or replaces each document (by document_id) with its vectors, all in one
  // transaction.
  virtual Status UpsertDocuments(const std::vector<model::Document>& docs) = 0;
  // NotFound unless the document is in that collection. Vectors are loaded only when
  // with_vectors is true.
  virtual Result<model::Document> GetDocument(const std::string& collection_id,
                                              const std::string& document_id,
                                              bool with_vectors) = 0;
  // Ordered by created_at then id.
  virtual Result<std::vector<model::Document>> ListDocuments(const std::string& collection_id,
                                                             const model::Page& page,
                                                             bool with_vectors) = 0;
  // ListDocuments' order in keyset pages: at most `limit` documents after `after` (from
  // the first when unset). A page costs the same wherever in the collection it starts,
  // so a scan of a whole collection is linear (offset pages make it quadratic).
  virtual Result<std::vector<model::Document>> ListDocumentsAfter(
      const std::string& collection_id, const std::optional<DocumentCursor>& after, int64_t limit,
      bool with_vectors) = 0;
  virtual Result<int64_t> CountDocuments(const std::string& collection_id) = 0;
  virtual Result<int64_t> CountAllDocuments() = 0;
  // Documents of a collection with these ids, in the order given, with vectors;
  // absent ids are skipped.
  virtual Result<std::vector<model::Document>> GetDocuments(
      const std::string& collection_id, const std::vector<std::string>& ids) = 0;
  virtual Result<std::vector<std::string>> ListDocumentIds(const std::string& collection_id,
                                                           const IdQuery& query) = 0;
  virtual Result<int64_t> CountDocumentsInRange(const std::string& collection_id,
                                                std::optional<TimestampMs> after,
                                                std::optional<TimestampMs> before) = 0;
  // Documents of a collection whose lineage root object is one of `root_object_ids`,
  // with vectors, ordered by id. Feeds chained collections.
  virtual Result<std::vector<model::Document>> ListDocumentsByRootObjects(
      const std::string& collection_id, const std::vector<std::string>& root_object_ids) = 0;
  // Client writes (the document endpoints) go through UpsertDocuments, EditDocuments and
  // DeleteDocuments only.
  //
  // Applies `edit` to each selected document and writes the ones it changed, all in one
  // transaction. Returns the written documents (with vectors when which.with_vectors), in
  // the order of which.ids, else by id.
  virtual Result<std::vector<model::Document>> EditDocuments(const std::string& collection_id,
                                                             const DocumentSelection& which,
                                                             const DocumentEdit& edit) = 0;
  // Deletes the selected documents with their vectors in one transaction; returns their
  // ids, in the order of which.ids, else by id.
  virtual Result<std::vector<std::string>> DeleteDocuments(const std::string& collection_id,
                                                           const DocumentSelection& which) = 0;
  // Deletes a collection's documents derived from these root objects (re-processing).
  virtual Status DeleteDocumentsByRootObjects(const std::string& collection_id,
                                              const std::vector<std::string>& root_object_ids) = 0;
};

}  // namespace ferry::storage
