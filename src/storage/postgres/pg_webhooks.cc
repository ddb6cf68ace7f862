// PgCatalogStore: the webhook outbox and per-organization signing secrets
// (catalog_store.h). Sequence numbers of one migration's events are assigned under an
// advisory lock of that migration, so concurrent enqueues from several processes get
// consecutive numbers.

#include <algorithm>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common/crypto.h"
#include "storage/postgres/pg_catalog_locks.h"
#include "storage/postgres/pg_catalog_store.h"
#include "storage/postgres/pg_params.h"

namespace ferry::storage::postgres {
namespace {

constexpr char kWebhookColumns[] =
    "delivery_id, org_id, migration_id, sequence, event, url, body, attempts, "
    "next_attempt_at, status, last_error, created_at";

// The lowest-sequence pending event of each migration.
constexpr char kPendingHeadWhere[] =
    "WHERE status = 'pending' AND sequence = (SELECT MIN(p.sequence) FROM webhook_outbox AS p "
    "WHERE p.status = 'pending' AND p.org_id = webhook_outbox.org_id "
    "AND p.migration_id = webhook_outbox.migration_id)";

std::string SelectWebhooks(std::string_view rest) {
  std::string sql = "SELECT ";
  sql.append(kWebhookColumns).append(" FROM webhook_outbox ").append(rest);
  return sql;
}

std::vector<model::WebhookEvent> ReadWebhooks(const pqxx::result& r) {
  std::vector<model::WebhookEvent> out;
  out.reserve(r.size());
  for (const auto& row : r) {
    model::WebhookEvent e;
    e.delivery_id = ReadText(row[0]);
    e.org_id = ReadText(row[1]);
    e.migration_id = ReadText(row[2]);
    e.sequence = ReadInt(row[3]);
    e.event = ReadText(row[4]);
    e.url = ReadText(row[5]);
    e.body = ReadBytes(row[6]);
    e.attempts = ReadInt(row[7]);
    e.next_attempt_at = ReadInt(row[8]);
    e.status = ReadText(row[9]);
    e.last_error = ReadOptionalText(row[10]);
    e.created_at = ReadInt(row[11]);
    out.push_back(std::move(e));
  }
  return out;
}

// kWebhookColumns of the UPDATE's row in ClaimDueWebhooks.
constexpr char kReturnedColumns[] =
    "w.delivery_id, w.org_id, w.migration_id, w.sequence, w.event, w.url, w.body, w.attempts, "
    "w.next_attempt_at, w.status, w.last_error, w.created_at";

// The order of due events: earliest next_attempt_at first.
bool DueOrder(const model::WebhookEvent& a, const model::WebhookEvent& b) {
  return std::tie(a.next_attempt_at, a.created_at, a.delivery_id) <
         std::tie(b.next_attempt_at, b.created_at, b.delivery_id);
}

}  // namespace

Result<int64_t> PgCatalogStore::EnqueueWebhook(model::WebhookEvent event) {
  return db_->Run("enqueue webhook", [&](pqxx::work& tx) -> Result<int64_t> {
    LockWebhookSequence(tx, event.org_id, event.migration_id);
    event.sequence =
        ReadInt(tx.exec_params("SELECT COALESCE(MAX(sequence), 0) + 1 FROM webhook_outbox "
                               "WHERE org_id = $1 AND migration_id = $2",
                               event.org_id, event.migration_id)[0][0]);
    std::string sql = "INSERT INTO webhook_outbox (";
    sql.append(kWebhookColumns)
        .append(") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)");
    tx.exec_params(sql, event.delivery_id, event.org_id, event.migration_id, event.sequence,
                   event.event, event.url, Bytes(event.body), event.attempts, event.next_attempt_at,
                   event.status, event.last_error, event.created_at);
    return event.sequence;
  });
}

// One statement: the due heads are locked (FOR UPDATE SKIP LOCKED, so a concurrent claim
// passes over them instead of waiting) and stamped. A row another claim changed meanwhile
// is re-checked against the claim condition before it is taken.
Result<std::vector<model::WebhookEvent>> PgCatalogStore::ClaimDueWebhooks(TimestampMs now,
                                                                          int64_t limit,
                                                                          const std::string& owner,
                                                                          int64_t claim_ttl_ms) {
  if (limit <= 0) return std::vector<model::WebhookEvent>{};
  std::string due = "SELECT org_id, delivery_id FROM webhook_outbox ";
  due.append(kPendingHeadWhere)
      .append(
          " AND next_attempt_at <= $1 AND (claim_owner IS NULL OR claim_expires_at <= $1) "
          "ORDER BY next_attempt_at, created_at, delivery_id LIMIT $2 FOR UPDATE SKIP LOCKED");
  std::string sql = "WITH due AS (" + due + ") UPDATE webhook_outbox AS w SET claim_owner = $3, ";
  sql.append("claim_expires_at = $4 FROM due WHERE w.org_id = due.org_id AND ")
      .append("w.delivery_id = due.delivery_id RETURNING ")
      .append(kReturnedColumns);
  return db_->Run(
      "claim due webhooks", [&](pqxx::work& tx) -> Result<std::vector<model::WebhookEvent>> {
        auto events = ReadWebhooks(tx.exec_params(sql, now, limit, owner, now + claim_ttl_ms));
        std::sort(events.begin(), events.end(), DueOrder);
        return events;
      });
}

Result<std::optional<TimestampMs>> PgCatalogStore::NextWebhookAttemptAt() {
  return db_->Run("next webhook attempt",
                  [&](pqxx::work& tx) -> Result<std::optional<TimestampMs>> {
                    std::string sql =
                        "SELECT MIN(CASE WHEN claim_owner IS NULL THEN next_attempt_at "
                        "ELSE GREATEST(next_attempt_at, claim_expires_at) END) "
                        "FROM webhook_outbox ";
                    return ReadOptionalInt(tx.exec(sql.append(kPendingHeadWhere))[0][0]);
                  });
}

Status PgCatalogStore::UpdateWebhook(const model::WebhookEvent& event, const std::string& owner) {
  return db_->Run("update webhook", [&](pqxx::work& tx) -> Status {
    auto r = tx.exec_params(
        "UPDATE webhook_outbox SET attempts = $3, next_attempt_at = $4, status = $5, "
        "last_error = $6, claim_owner = NULL, claim_expires_at = NULL "
        "WHERE org_id = $1 AND delivery_id = $2 AND claim_owner = $7",
        event.org_id, event.delivery_id, event.attempts, event.next_attempt_at, event.status,
        event.last_error, owner);
    if (r.affected_rows() > 0) return Status::Ok();
    auto found =
        tx.exec_params("SELECT 1 FROM webhook_outbox WHERE org_id = $1 AND delivery_id = $2",
                       event.org_id, event.delivery_id);
    if (found.empty()) {
      return Status::NotFound("webhook delivery not found: " + event.delivery_id);
    }
    return Status::LeaseLost("the claim on webhook delivery " + event.delivery_id +
                             " is not held by this dispatcher (it expired and was taken over)");
  });
}

Result<std::vector<model::WebhookEvent>> PgCatalogStore::ListWebhooks(
    const std::string& org_id, const std::string& migration_id) {
  return db_->Run("list webhooks", [&](pqxx::work& tx) -> Result<std::vector<model::WebhookEvent>> {
    return ReadWebhooks(
        tx.exec_params(SelectWebhooks("WHERE org_id = $1 AND migration_id = $2 ORDER BY sequence"),
                       org_id, migration_id));
  });
}

Status PgCatalogStore::SetWebhookSecret(const std::string& org_id, const std::string& secret) {
  FERRY_ASSIGN_OR_RETURN(std::string sealed, AeadSeal(secret_key_, secret, org_id));
  return db_->Run("set webhook secret", [&](pqxx::work& tx) -> Status {
    tx.exec_params(
        "INSERT INTO webhook_secrets (org_id, secret) VALUES ($1, $2) "
        "ON CONFLICT (org_id) DO UPDATE SET secret = EXCLUDED.secret",
        org_id, Bytes(sealed));
    return Status::Ok();
  });
}

Result<std::string> PgCatalogStore::GetWebhookSecret(const std::string& org_id) {
  FERRY_ASSIGN_OR_RETURN(
      std::string sealed,
      db_->Run("get webhook secret", [&](pqxx::work& tx) -> Result<std::string> {
        auto r = tx.exec_params("SELECT secret FROM webhook_secrets WHERE org_id = $1", org_id);
        if (r.empty()) return Status::NotFound("no webhook secret for organization " + org_id);
        return ReadBytes(r[0][0]);
      }));
  auto secret = AeadOpen(secret_key_, sealed, org_id);
  if (!secret.ok()) {
    return Status::DataLoss("webhook secret of organization " + org_id +
                            " cannot be unsealed with this cluster's key");
  }
  return secret;
}

}  // namespace ferry::storage::postgres
