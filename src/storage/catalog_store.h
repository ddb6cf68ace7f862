#pragma once
// CatalogStore: organizations, API keys, the namespace index and tasks — everything that
// is not inside one namespace. Every lookup of a tenant resource takes the org id, and a
// row of another organization is reported exactly as an absent one (NotFound).
// Implementations are thread-safe.

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "model/migration.h"
#include "model/migration_work.h"
#include "model/resources.h"
#include "model/webhook.h"

namespace ferry::storage {

class CatalogStore {
 public:
  virtual ~CatalogStore() = default;

  // Organizations and keys.
  virtual Status InsertOrganization(const model::Organization& org) = 0;
  // NotFound when absent.
  virtual Result<model::Organization> GetOrganizationByName(const std::string& name) = 0;
  virtual Result<int64_t> CountOrganizations() = 0;
  // AlreadyExists when the hash is taken.
  virtual Status InsertApiKey(const model::ApiKey& key) = 0;
  // NotFound when no key has this hash.
  virtual Result<model::ApiKey> GetApiKeyByHash(const std::string& key_hash) = 0;

  // Namespaces. AlreadyExists when (org, name) or the id is taken.
  virtual Status InsertNamespace(const model::Namespace& ns) = 0;
  virtual Result<model::Namespace> GetNamespace(const std::string& org_id,
                                                const std::string& namespace_id) = 0;
  virtual Result<model::Namespace> GetNamespaceByName(const std::string& org_id,
                                                      const std::string& name) = 0;
  // Ordered by created_at then id.
  virtual Result<std::vector<model::Namespace>> ListNamespaces(const std::string& org_id,
                                                               const model::Page& page) = 0;
  virtual Result<int64_t> CountNamespaces(const std::string& org_id) = 0;
  // Replaces the row with ns.namespace_id (same org). NotFound / AlreadyExists (name).
  virtual Status UpdateNamespace(const model::Namespace& ns) = 0;
  // NotFound when absent. FailedPrecondition, naming the migration, while an unfinished
  // migration (validating, pending, in_progress) of the organization reads the namespace
  // as its source or holds it as its claimed target; checked in the same transaction.
  virtual Status DeleteNamespace(const std::string& org_id, const std::string& namespace_id) = 0;

  // Migration targets. A migration claims its target namespace id (unique across all
  // organizations, like namespace ids) and name (unique within its organization) when it
  // starts, atomically: AlreadyExists when a namespace of any organization has the id,
  // a namespace of the organization has the name, or another migration's claim holds
  // either. The message is "target_namespace_id" or "target_namespace_name", whichever
  // is taken (the id is checked first), and says nothing about other organizations. Ok
  // when this migration already holds the same claim. A claim lives while its migration
  // is validating, pending or in_progress: UpdateMigration to any other status and
  // DeleteMigration release it (a target created by then is guarded by its namespace).
  virtual Status ClaimMigrationTarget(const std::string& org_id, const std::string& migration_id,
                                      const std::string& namespace_id,
                                      const std::string& namespace_name) = 0;
  // False when a namespace of any organization or a migration's claim has this id.
  virtual Result<bool> NamespaceIdAvailable(const std::string& namespace_id) = 0;
  // False when a namespace of the organization or a migration's claim in it has this name.
  virtual Result<bool> NamespaceNameAvailable(const std::string& org_id,
                                              const std::string& name) = 0;

  // Tasks. Upsert by task_id.
  virtual Status UpsertTask(const model::Task& task) = 0;
  virtual Result<model::Task> GetTask(const std::string& org_id, const std::string& task_id) = 0;
  // Tasks whose status is not terminal (for recovery after a restart).
  virtual Result<std::vector<model::Task>> ListUnfinishedTasks() = 0;

  // Migrations. Insert: AlreadyExists on id. Update replaces the whole row (NotFound
  // when absent). Every field of model::Migration round-trips.
  virtual Status InsertMigration(const model::Migration& migration) = 0;
  virtual Status UpdateMigration(const model::Migration& migration) = 0;
  virtual Result<model::Migration> GetMigration(const std::string& org_id,
                                                const std::string& migration_id) = 0;
  // Newest first (created_at descending, then id), filtered.
  virtual Result<std::vector<model::Migration>> ListMigrations(
      const std::string& org_id, const model::MigrationListFilter& filter,
      const model::Page& page) = 0;
  virtual Result<int64_t> CountMigrations(const std::string& org_id,
                                          const model::MigrationListFilter& filter) = 0;
  // Also deletes its batch plan. NotFound when absent.
  virtual Status DeleteMigration(const std::string& org_id, const std::string& migration_id) = 0;
  // Migrations in validating, pending or in_progress (for recovery after a restart).
  virtual Result<std::vector<model::Migration>> ListUnfinishedMigrations() = 0;

  // A migration's batch plan. Insert is one transaction for the whole vector
  // (AlreadyExists on a (migration_id, batch_no) already present).
  virtual Status InsertMigrationBatches(const std::vector<model::MigrationBatch>& batches) = 0;
  // Batches with batch_no > after_batch_no, ascending, at most `limit`.
  virtual Result<std::vector<model::MigrationBatch>> ListMigrationBatches(
      const std::string& migration_id, int64_t after_batch_no, int64_t limit) = 0;
  // Replaces status, attempts, items_failed and error of (migration_id, batch_no).
  virtual Status UpdateMigrationBatch(const model::MigrationBatch& batch) = 0;
  virtual Status DeleteMigrationBatches(const std::string& migration_id) = 0;

  // Webhook outbox (migration/webhooks/). Enqueue assigns event.sequence atomically as
  // 1 + the highest sequence of (org_id, migration_id) and returns it; AlreadyExists on a
  // delivery_id already present.
  virtual Result<int64_t> EnqueueWebhook(model::WebhookEvent event) = 0;
  // For each migration only its lowest-sequence pending event, and only when its
  // next_attempt_at <= now (so a migration's events go out in order); earliest
  // next_attempt_at first, at most `limit`.
  virtual Result<std::vector<model::WebhookEvent>> ListDueWebhooks(TimestampMs now,
                                                                   int64_t limit) = 0;
  // The earliest next_attempt_at of those head events (due or not); nullopt when nothing
  // is pending. Tells a dispatcher how long it may sleep.
  virtual Result<std::optional<TimestampMs>> NextWebhookAttemptAt() = 0;
  // Replaces attempts, next_attempt_at, status and last_error of (org_id, delivery_id).
  // NotFound when absent.
  virtual Status UpdateWebhook(const model::WebhookEvent& event) = 0;
  // A migration's events in sequence order, whatever their status.
  virtual Result<std::vector<model::WebhookEvent>> ListWebhooks(
      const std::string& org_id, const std::string& migration_id) = 0;

  // Per-organization webhook signing secrets. The secret is an HMAC key, not a
  // credential: it is stored as is (it must be usable for signing), never logged, and
  // shown to the user only when created or rotated. Set replaces any previous secret.
  virtual Status SetWebhookSecret(const std::string& org_id, const std::string& secret) = 0;
  // NotFound when the organization has none.
  virtual Result<std::string> GetWebhookSecret(const std::string& org_id) = 0;

  // ---- Batch leases and failed items (job/lease store, DESIGN.md §3) ----
  // Workers hold a batch under a lease (owner, expiry) with a fencing token; every write
  // they make carries the token, and a write with a token older than the batch's current
  // one is refused. The interface serves several processes sharing one database.

  // Claims batch (migration_id, batch_no) for `owner` until now + ttl_ms when it has no
  // lease, its lease expired, or `owner` holds it; issues a new fencing token, greater
  // than every token issued before. NotFound: no such batch. FailedPrecondition: the
  // batch is completed. Unavailable: another owner holds an unexpired lease.
  virtual Result<model::BatchLease> ClaimMigrationBatch(const std::string& migration_id,
                                                        int64_t batch_no, const std::string& owner,
                                                        TimestampMs now, int64_t ttl_ms) = 0;
  // Extends a held lease to now + ttl_ms (also after expiry, if nobody reclaimed it).
  // FailedPrecondition ("stale fencing token") when lease.token is no longer the batch's
  // token, the lease was released, or the batch is completed.
  virtual Result<model::BatchLease> RenewBatchLease(const model::BatchLease& lease, TimestampMs now,
                                                    int64_t ttl_ms) = 0;
  // Gives the batch up so it can be claimed at once. FailedPrecondition when stale.
  virtual Status ReleaseBatchLease(const model::BatchLease& lease) = 0;
  // Records a processed batch under its lease, in one transaction: the batch's status,
  // attempts, items_failed and error; its items that were failed and are not in `failed`
  // become resolved; `failed` is upserted (attempts + 1 for an item already known); the
  // lease is released; `now` stamps the resolved items. FailedPrecondition when the
  // lease is stale (nothing is written).
  virtual Status CompleteMigrationBatch(const model::BatchLease& lease,
                                        const model::MigrationBatch& batch,
                                        const std::vector<model::MigrationFailedItem>& failed,
                                        TimestampMs now) = 0;
  // A migration's failed items with `status` ("" = any), ordered by resource_id, item_id.
  virtual Result<std::vector<model::MigrationFailedItem>> ListMigrationFailedItems(
      const std::string& migration_id, const std::string& status, const model::Page& page) = 0;
  // How many of them there are, optionally only of one source resource.
  virtual Result<int64_t> CountMigrationFailedItems(
      const std::string& migration_id, const std::string& status,
      const std::optional<std::string>& resource_id) = 0;
};

}  // namespace ferry::storage
