#pragma once
// Advisory transaction locks that stand in for SQLite's single writer where a catalog
// transaction checks and then writes. Held until the transaction ends.

#include <pqxx/pqxx>
#include <string>

namespace ferry::storage::postgres {

// Namespace ids and names: target claims, namespace inserts and deletes, and migration
// inserts (a delete checks the migrations that use the namespace).
inline void LockNamespaceNames(pqxx::work& tx) {
  tx.exec("SELECT pg_advisory_xact_lock(7466720010)");
}

// One migration's webhook sequence numbers (the two-key form: both keys are int4).
inline void LockWebhookSequence(pqxx::work& tx, const std::string& org_id,
                                const std::string& migration_id) {
  tx.exec_params("SELECT pg_advisory_xact_lock(746672011, hashtext($1))",
                 org_id + "/" + migration_id);
}

}  // namespace ferry::storage::postgres
