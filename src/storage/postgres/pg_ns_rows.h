#pragma once
// Row code shared by the postgres namespace store's files: object and document columns,
// reads, and the writes that plain and fenced upserts both use.

#include <pqxx/pqxx>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "model/resources.h"

namespace ferry::storage::postgres {

extern const char kObjectColumns[];
extern const char kDocumentColumns[];
// kDocumentColumns, then with_vectors the packed vectors (ReadDocument decodes them).
std::string DocumentColumns(bool with_vectors);

Result<model::Object> ReadObject(const pqxx::row& row);
// A row of DocumentColumns(with_vectors): with a vectors column, the document's vectors.
Result<model::Document> ReadDocument(const pqxx::row& row);

// Writes object rows (with their blob hashes), a statement per up to 1000 rows. `upsert`:
// replace existing ones (of an id given twice, the last); otherwise an existing id is a
// unique violation.
void WriteObjectRows(pqxx::work& tx, const std::string& ns, std::span<const model::Object> objects,
                     bool upsert);
// Upserts objects; NotFound (nothing written) when a bucket is absent.
Status UpsertObjectRows(pqxx::work& tx, const std::string& ns,
                        const std::vector<model::Object>& objects);
// Upserts documents with their vectors (an existing document's vectors are replaced; of
// an id given twice, the last wins), a statement per up to 1000 rows; NotFound when a collection is
// absent, InvalidArgument for two vectors of one feature.
Status UpsertDocumentRows(pqxx::work& tx, const std::string& ns,
                          const std::vector<model::Document>& docs);

// A collection's write lock: every transaction that writes or deletes documents of a
// collection holds it shared until it commits (LockCollectionWrites); a version read
// (GetCollectionVersion) takes it exclusively first (AwaitCollectionWrites), so it waits
// for the writes in flight. Without it a write that took its write_seq before another
// write but committed after it would not move the version (count and max write_seq
// unchanged) and a vector index built in between would stay stale.
void LockCollectionWrites(pqxx::work& tx, const std::string& ns,
                          const std::vector<std::string>& collection_ids);
void AwaitCollectionWrites(pqxx::work& tx, const std::string& ns, const std::string& collection_id);

// `found` (one item per distinct id) arranged in the order of `ids`: absent ids skipped,
// a repeated id repeated.
template <typename T, typename Id>
std::vector<T> InRequestOrder(std::vector<T> found, const std::vector<std::string>& ids, Id id_of) {
  std::unordered_map<std::string_view, size_t> at;
  for (size_t i = 0; i < found.size(); ++i) at.emplace(id_of(found[i]), i);
  std::vector<T> out;
  out.reserve(ids.size());
  for (const std::string& id : ids) {
    auto it = at.find(id);
    if (it != at.end()) out.push_back(found[it->second]);
  }
  return out;
}

}  // namespace ferry::storage::postgres
