#pragma once
// Row writers shared by the namespace store's files (sqlite_objects.cc,
// sqlite_documents.cc) and its fenced writes (sqlite_fenced_writes.cc).
// REQUIRE: the connection mutex held, inside a transaction.

#include <string>
#include <vector>

#include "model/resources.h"
#include "storage/bulk_data.h"
#include "storage/sqlite/sqlite_db.h"

namespace ferry::storage::sqlite {

// UpsertObjects without its transaction.
Status UpsertObjectRows(SqliteDb& db, const std::vector<model::Object>& objects);
// Checks and advances a write fence (NamespaceStore::UpsertObjectsFenced's contract).
// `first_write`, when given, is set to whether no token had written under the key before.
Status AdvanceWriteFence(SqliteDb& db, const WriteFence& fence, bool* first_write = nullptr);
// UpsertDocuments without its transaction.
Status UpsertDocumentRows(SqliteDb& db, const std::vector<model::Document>& docs);
// Advances a collection's write mark (model::CollectionVersion::write_mark), once per
// statement or batch that inserted or updated its documents (schema v11: a trigger per row
// cost a third of a bulk copy's document writes; deletes and moves still bump by trigger).
Status BumpCollectionWrites(SqliteDb& db, const std::string& collection_id);

}  // namespace ferry::storage::sqlite
