#pragma once
// Appending to a namespace's change log (storage/change_log_store.h) inside a write's own
// transaction, on PostgreSQL.

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "storage/change_log_store.h"

namespace ferry::storage::postgres {

// One entry to append: what, where, how.
struct ChangeRecord {
  ChangeItem item;
  std::string resource_id;
  std::string item_id;
  ChangeOp op;
};

// Appends `records` in order under namespace `ns`, numbered after its last sequence.
void LogChanges(pqxx::work& tx, const std::string& ns, const std::vector<ChangeRecord>& records);
// Deletes the documents of `collection_id` derived from one of `root_ids`, with a delete
// entry for each: one statement, so what is logged is exactly what was deleted.
void DeleteDocumentsByRootsLogged(pqxx::work& tx, const std::string& ns,
                                  const std::string& collection_id,
                                  const std::vector<std::string>& root_ids);

}  // namespace ferry::storage::postgres
