// SqliteCatalogStore: the webhook outbox and per-organization signing secrets.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/crypto.h"
#include "storage/sqlite/sqlite_catalog_store.h"

namespace ferry::storage::sqlite {
namespace {

// Bind order of InsertWebhookRow and column order of ReadWebhook.
constexpr char kWebhookColumns[] =
    "delivery_id, org_id, migration_id, sequence, event, url, body, attempts, "
    "next_attempt_at, status, last_error, created_at";

// Pending events that have no pending predecessor in their migration (the "heads").
// Unqualified columns refer to the outer row.
constexpr char kPendingHeadWhere[] =
    "WHERE status = 'pending' AND sequence = (SELECT MIN(p.sequence) FROM webhook_outbox AS p "
    "WHERE p.status = 'pending' AND p.org_id = webhook_outbox.org_id "
    "AND p.migration_id = webhook_outbox.migration_id)";

std::string SelectWebhooks(const std::string& rest) {
  std::string sql = "SELECT ";
  sql.append(kWebhookColumns).append(" FROM webhook_outbox ").append(rest);
  return sql;
}

Result<model::WebhookEvent> ReadWebhook(const Statement& row) {
  model::WebhookEvent e;
  e.delivery_id = row.Text(0);
  e.org_id = row.Text(1);
  e.migration_id = row.Text(2);
  e.sequence = row.Int(3);
  e.event = row.Text(4);
  e.url = row.Text(5);
  e.body = row.Blob(6);
  e.attempts = row.Int(7);
  e.next_attempt_at = row.Int(8);
  e.status = row.Text(9);
  e.last_error = row.OptionalText(10);
  e.created_at = row.Int(11);
  return e;
}

Status InsertWebhookRow(SqliteDb& db, const model::WebhookEvent& e) {
  std::string sql = "INSERT INTO webhook_outbox (";
  sql.append(kWebhookColumns).append(") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(sql));
  stmt.BindText(1, e.delivery_id);
  stmt.BindText(2, e.org_id);
  stmt.BindText(3, e.migration_id);
  stmt.BindInt(4, e.sequence);
  stmt.BindText(5, e.event);
  stmt.BindText(6, e.url);
  stmt.BindBlob(7, e.body);
  stmt.BindInt(8, e.attempts);
  stmt.BindInt(9, e.next_attempt_at);
  stmt.BindText(10, e.status);
  stmt.BindOptionalText(11, e.last_error);
  stmt.BindInt(12, e.created_at);
  return stmt.Run();
}

Result<int64_t> NextSequence(SqliteDb& db, const std::string& org_id,
                             const std::string& migration_id) {
  FERRY_ASSIGN_OR_RETURN(Statement stmt,
                         db.Prepare("SELECT COALESCE(MAX(sequence), 0) + 1 FROM webhook_outbox "
                                    "WHERE org_id = ? AND migration_id = ?"));
  stmt.BindText(1, org_id);
  stmt.BindText(2, migration_id);
  return FetchInt(stmt);
}

Status ClaimLost(const model::WebhookEvent& e) {
  return Status::LeaseLost("the claim on webhook delivery " + e.delivery_id +
                           " is not held by this dispatcher (it expired and was taken over)");
}

}  // namespace

Result<int64_t> SqliteCatalogStore::EnqueueWebhook(model::WebhookEvent event) {
  return db_->Locked([&](SqliteDb& db) -> Result<int64_t> {
    return InTransaction(db, [&]() -> Result<int64_t> {
      FERRY_ASSIGN_OR_RETURN(event.sequence, NextSequence(db, event.org_id, event.migration_id));
      FERRY_RETURN_IF_ERROR(InsertWebhookRow(db, event));
      return event.sequence;
    });
  });
}

Result<std::vector<model::WebhookEvent>> SqliteCatalogStore::ClaimDueWebhooks(
    TimestampMs now, int64_t limit, const std::string& owner, int64_t claim_ttl_ms) {
  return db_->Locked([&](SqliteDb& db) -> Result<std::vector<model::WebhookEvent>> {
    return InTransaction(db, [&]() -> Result<std::vector<model::WebhookEvent>> {
      std::string rest = kPendingHeadWhere;
      rest.append(" AND next_attempt_at <= ?1 AND (claim_owner IS NULL OR claim_expires_at <= ?1) ")
          .append("ORDER BY next_attempt_at, created_at, delivery_id LIMIT ?2");
      FERRY_ASSIGN_OR_RETURN(Statement select, db.Prepare(SelectWebhooks(rest)));
      select.BindInt(1, now);
      select.BindInt(2, limit);
      FERRY_ASSIGN_OR_RETURN(auto due, FetchAll(select, ReadWebhook));
      for (const model::WebhookEvent& e : due) {
        FERRY_ASSIGN_OR_RETURN(Statement claim,
                               db.Prepare("UPDATE webhook_outbox SET claim_owner = ?3, "
                                          "claim_expires_at = ?4 WHERE org_id = ?1 AND "
                                          "delivery_id = ?2"));
        claim.BindText(1, e.org_id);
        claim.BindText(2, e.delivery_id);
        claim.BindText(3, owner);
        claim.BindInt(4, now + claim_ttl_ms);
        FERRY_RETURN_IF_ERROR(claim.Run());
      }
      return due;
    });
  });
}

Result<std::optional<TimestampMs>> SqliteCatalogStore::NextWebhookAttemptAt() {
  return db_->Locked([&](SqliteDb& db) -> Result<std::optional<TimestampMs>> {
    std::string sql =
        "SELECT MIN(CASE WHEN claim_owner IS NULL THEN next_attempt_at "
        "ELSE MAX(next_attempt_at, claim_expires_at) END) FROM webhook_outbox ";
    FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(sql.append(kPendingHeadWhere)));
    FERRY_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return std::optional<TimestampMs>();
    return stmt.OptionalInt(0);
  });
}

Status SqliteCatalogStore::UpdateWebhook(const model::WebhookEvent& event,
                                         const std::string& owner) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("UPDATE webhook_outbox SET attempts = ?3, next_attempt_at = ?4, status = ?5, "
                   "last_error = ?6, claim_owner = NULL, claim_expires_at = NULL "
                   "WHERE org_id = ?1 AND delivery_id = ?2 AND claim_owner = ?7"));
    stmt.BindText(1, event.org_id);
    stmt.BindText(2, event.delivery_id);
    stmt.BindInt(3, event.attempts);
    stmt.BindInt(4, event.next_attempt_at);
    stmt.BindText(5, event.status);
    stmt.BindOptionalText(6, event.last_error);
    stmt.BindText(7, owner);
    FERRY_RETURN_IF_ERROR(stmt.Run());
    if (db.Changes() > 0) return Status::Ok();
    FERRY_ASSIGN_OR_RETURN(
        Statement exists,
        db.Prepare("SELECT COUNT(*) FROM webhook_outbox WHERE org_id = ? AND delivery_id = ?"));
    exists.BindText(1, event.org_id);
    exists.BindText(2, event.delivery_id);
    FERRY_ASSIGN_OR_RETURN(int64_t found, FetchInt(exists));
    return found == 0 ? Status::NotFound("webhook delivery not found: " + event.delivery_id)
                      : ClaimLost(event);
  });
}

Result<std::vector<model::WebhookEvent>> SqliteCatalogStore::ListWebhooks(
    const std::string& org_id, const std::string& migration_id) {
  return db_->Locked([&](SqliteDb& db) -> Result<std::vector<model::WebhookEvent>> {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare(SelectWebhooks("WHERE org_id = ? AND migration_id = ? ORDER BY sequence")));
    stmt.BindText(1, org_id);
    stmt.BindText(2, migration_id);
    return FetchAll(stmt, ReadWebhook);
  });
}

// Secrets are stored as BLOBs nonce || ciphertext || tag (common/crypto.h AeadSeal) with
// the org_id as associated data, so a sealed secret cannot be moved to another
// organization's row. Versions before the seal stored TEXT; SQLite keeps each value's own
// type in the same column, so typeof() tells the two apart and no schema step is needed
// (sealing needs the key, which SQL steps do not have).
Status SqliteCatalogStore::SealPlaintextWebhookSecrets(SqliteDb& db,
                                                       const std::string& secret_key) {
  return InTransaction(db, [&]() -> Status {
    FERRY_ASSIGN_OR_RETURN(
        Statement select,
        db.Prepare("SELECT org_id, secret FROM webhook_secrets WHERE typeof(secret) = 'text'"));
    FERRY_ASSIGN_OR_RETURN(auto plain, FetchAll(select, [](const Statement& row) {
                             return Result<std::pair<std::string, std::string>>(
                                 std::make_pair(row.Text(0), row.Text(1)));
                           }));
    for (const auto& [org_id, secret] : plain) {
      FERRY_ASSIGN_OR_RETURN(std::string sealed, AeadSeal(secret_key, secret, org_id));
      FERRY_ASSIGN_OR_RETURN(Statement update,
                             db.Prepare("UPDATE webhook_secrets SET secret = ? WHERE org_id = ?"));
      update.BindBlob(1, sealed);
      update.BindText(2, org_id);
      FERRY_RETURN_IF_ERROR(update.Run());
    }
    return Status::Ok();
  });
}

Status SqliteCatalogStore::SetWebhookSecret(const std::string& org_id, const std::string& secret) {
  FERRY_ASSIGN_OR_RETURN(std::string sealed, AeadSeal(secret_key_, secret, org_id));
  return db_->Locked([&](SqliteDb& db) -> Status {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt, db.Prepare("INSERT INTO webhook_secrets (org_id, secret) VALUES (?, ?) "
                                   "ON CONFLICT (org_id) DO UPDATE SET secret = excluded.secret"));
    stmt.BindText(1, org_id);
    stmt.BindBlob(2, sealed);
    return stmt.Run();
  });
}

Result<std::string> SqliteCatalogStore::GetWebhookSecret(const std::string& org_id) {
  FERRY_ASSIGN_OR_RETURN(std::string sealed, db_->Locked([&](SqliteDb& db) -> Result<std::string> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("SELECT secret FROM webhook_secrets WHERE org_id = ?"));
    stmt.BindText(1, org_id);
    // The message names the organization only, never the secret.
    return FetchOne(
        stmt, [](const Statement& row) -> Result<std::string> { return row.Blob(0); },
        "no webhook secret for organization " + org_id);
  }));
  auto secret = AeadOpen(secret_key_, sealed, org_id);
  if (!secret.ok()) {
    return Status::DataLoss("webhook secret of organization " + org_id +
                            " cannot be unsealed with this data directory's key");
  }
  return secret;
}

}  // namespace ferry::storage::sqlite
