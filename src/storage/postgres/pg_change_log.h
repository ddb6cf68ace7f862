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
// A delete entry for each document of `collection_id` derived from one of `root_ids`
// (unit-separated), to be called before they are deleted.
void LogDocumentDeletesByRoots(pqxx::work& tx, const std::string& ns,
                               const std::string& collection_id, const std::string& root_ids);

}  // namespace ferry::storage::postgres
