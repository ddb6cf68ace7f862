#include "storage/transfer/storage_transfer.h"

#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "storage/transfer/namespace_transfer.h"
#include "storage/transfer/paging.h"

namespace ferry::storage::transfer {
namespace {

Status CopyOrganization(CatalogStore& from, CatalogStore& to, const model::Organization& org,
                        TransferCounts* counts) {
  FERRY_RETURN_IF_ERROR(to.InsertOrganization(org));
  ++counts->organizations;
  FERRY_ASSIGN_OR_RETURN(std::vector<model::ApiKey> keys, from.ListApiKeys(org.org_id));
  for (const auto& key : keys) {
    FERRY_RETURN_IF_ERROR(to.InsertApiKey(key));
    ++counts->api_keys;
  }
  auto secret = from.GetWebhookSecret(org.org_id);
  if (!secret.ok()) {
    return secret.status().code() == StatusCode::kNotFound ? Status::Ok() : secret.status();
  }
  ++counts->webhook_secrets;
  return to.SetWebhookSecret(org.org_id, *secret);
}

Status CopyNamespace(StorageEngine& source, StorageEngine& target, const model::Namespace& ns,
                     TransferCounts* counts) {
  FERRY_ASSIGN_OR_RETURN(std::shared_ptr<NamespaceStore> from,
                         source.OpenNamespace(ns.namespace_id));
  FERRY_RETURN_IF_ERROR(target.CreateNamespaceData(ns.namespace_id));
  FERRY_RETURN_IF_ERROR(target.catalog().InsertNamespace(ns));
  ++counts->namespaces;
  FERRY_ASSIGN_OR_RETURN(std::shared_ptr<NamespaceStore> to, target.OpenNamespace(ns.namespace_id));
  BlobStores blobs{source.blobs(), target.blobs()};
  FERRY_RETURN_IF_ERROR(TransferBlobs(*from, blobs, counts));
  return TransferNamespaceData(*from, *to, blobs, counts);
}

Status CopyTasks(CatalogStore& from, CatalogStore& to, const std::string& org_id,
                 TransferCounts* counts) {
  return ForEachPage([&](const model::Page& p) { return from.ListTasks(org_id, p); },
                     [&](const std::vector<model::Task>& tasks) -> Status {
                       for (const auto& task : tasks) {
                         FERRY_RETURN_IF_ERROR(to.UpsertTask(task));
                         ++counts->tasks;
                       }
                       return Status::Ok();
                     });
}

Status CopyMigrationWork(CatalogStore& from, CatalogStore& to, const model::Migration& m,
                         TransferCounts* counts) {
  int64_t after = std::numeric_limits<int64_t>::min();
  for (;;) {
    FERRY_ASSIGN_OR_RETURN(auto batches,
                           from.ListMigrationBatches(m.migration_id, after, kMigrationBatchPage));
    if (batches.empty()) break;
    after = batches.back().batch_no;
    FERRY_RETURN_IF_ERROR(to.ImportMigrationBatches(batches));
    counts->migration_batches += static_cast<int64_t>(batches.size());
  }
  FERRY_RETURN_IF_ERROR(ForEachPage(
      [&](const model::Page& p) { return from.ListMigrationFailedItems(m.migration_id, "", p); },
      [&](const std::vector<model::MigrationFailedItem>& items) {
        counts->failed_items += static_cast<int64_t>(items.size());
        return to.ImportMigrationFailedItems(items);
      }));
  FERRY_ASSIGN_OR_RETURN(auto events, from.ListWebhooks(m.org_id, m.migration_id));
  for (const auto& event : events) {
    // Stored as given (delivery state included), numbered 1, 2, … per migration as the
    // source numbered them. No claim is copied: the source is stopped.
    FERRY_RETURN_IF_ERROR(to.EnqueueWebhook(event).status());
    ++counts->webhooks;
  }
  return Status::Ok();
}

bool Unfinished(model::MigrationStatus s) {
  return s == model::MigrationStatus::kValidating || s == model::MigrationStatus::kPending ||
         s == model::MigrationStatus::kInProgress;
}

// An unfinished migration holds a claim on its target until that target exists.
Status CopyTargetClaim(CatalogStore& to, const model::Migration& m) {
  if (!Unfinished(m.status) || !m.config.target_namespace_id || !m.config.target_namespace_name) {
    return Status::Ok();
  }
  auto target = to.GetNamespace(m.org_id, *m.config.target_namespace_id);
  if (target.ok() || target.status().code() != StatusCode::kNotFound) return target.status();
  return to.ClaimMigrationTarget(m.org_id, m.migration_id, *m.config.target_namespace_id,
                                 *m.config.target_namespace_name);
}

Status CopyMigrations(CatalogStore& from, CatalogStore& to, const std::string& org_id,
                      TransferCounts* counts) {
  return ForEachPage([&](const model::Page& p) { return from.ListMigrations(org_id, {}, p); },
                     [&](const std::vector<model::Migration>& migrations) -> Status {
                       for (const auto& m : migrations) {
                         FERRY_RETURN_IF_ERROR(to.InsertMigration(m));
                         ++counts->migrations;
                         FERRY_RETURN_IF_ERROR(CopyMigrationWork(from, to, m, counts));
                         FERRY_RETURN_IF_ERROR(CopyTargetClaim(to, m));
                       }
                       return Status::Ok();
                     });
}

Status CopyOrganizationData(StorageEngine& source, StorageEngine& target,
                            const model::Organization& org, TransferCounts* counts) {
  CatalogStore& from = source.catalog();
  FERRY_RETURN_IF_ERROR(
      ForEachPage([&](const model::Page& p) { return from.ListNamespaces(org.org_id, p); },
                  [&](const std::vector<model::Namespace>& namespaces) -> Status {
                    for (const auto& ns : namespaces) {
                      FERRY_RETURN_IF_ERROR(CopyNamespace(source, target, ns, counts));
                    }
                    return Status::Ok();
                  }));
  FERRY_RETURN_IF_ERROR(CopyTasks(from, target.catalog(), org.org_id, counts));
  return CopyMigrations(from, target.catalog(), org.org_id, counts);
}

}  // namespace

Status CheckEmpty(StorageEngine& target) {
  FERRY_ASSIGN_OR_RETURN(int64_t orgs, target.catalog().CountOrganizations());
  if (orgs == 0) return Status::Ok();
  return Status::FailedPrecondition(
      "the target storage is not empty (it has " + std::to_string(orgs) +
      " organization(s)); move into a new, empty database or schema (drop and create it "
      "again after a failed move)");
}

Result<TransferCounts> TransferAll(StorageEngine& source, StorageEngine& target) {
  FERRY_RETURN_IF_ERROR(CheckEmpty(target));
  TransferCounts counts;
  FERRY_ASSIGN_OR_RETURN(std::vector<model::Organization> orgs,
                         source.catalog().ListOrganizations());
  // Organizations and keys first: a target with any organization counts as not empty,
  // so a failed move is never mistaken for a fresh target.
  for (const auto& org : orgs) {
    FERRY_RETURN_IF_ERROR(CopyOrganization(source.catalog(), target.catalog(), org, &counts));
  }
  for (const auto& org : orgs) {
    FERRY_RETURN_IF_ERROR(CopyOrganizationData(source, target, org, &counts));
  }
  return counts;
}

std::string FormatCounts(const TransferCounts& c) {
  const std::pair<const char*, int64_t> fields[] = {
      {"organizations", c.organizations},
      {"api_keys", c.api_keys},
      {"webhook_secrets", c.webhook_secrets},
      {"namespaces", c.namespaces},
      {"buckets", c.buckets},
      {"objects", c.objects},
      {"batches", c.batches},
      {"blobs", c.blobs},
      {"collections", c.collections},
      {"documents", c.documents},
      {"taxonomies", c.taxonomies},
      {"clusters", c.clusters},
      {"cluster_executions", c.cluster_executions},
      {"retrievers", c.retrievers},
      {"retriever_executions", c.retriever_executions},
      {"interactions", c.interactions},
      {"tasks", c.tasks},
      {"migrations", c.migrations},
      {"migration_batches", c.migration_batches},
      {"failed_items", c.failed_items},
      {"webhooks", c.webhooks},
  };
  std::string out;
  for (const auto& [name, n] : fields) {
    if (!out.empty()) out += ", ";
    out += std::string(name) + " " + std::to_string(n);
  }
  return out;
}

}  // namespace ferry::storage::transfer
