// ExpectSameContents (transfer_test_fill.h): walks `want` through the storage interfaces
// and compares every record with `got`'s, field by field (the conformance suite's
// ExpectSame, or the records' byte encodings, which hold every stored field).

#include <gtest/gtest.h>

#include <limits>
#include <memory>
#include <optional>
#include <vector>

#include "storage/conformance/storage_conformance.h"
#include "storage/records/cluster_records.h"
#include "storage/records/retriever_records.h"
#include "storage/records/taxonomy_records.h"
#include "storage/transfer/transfer_test_fill.h"

namespace ferry::storage::transfer::testing {
namespace {

using storage::testing::ExpectSame;

const model::Page kAll{0, 100000};

template <typename T>
T Must(Result<T> r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : T{};
}

void ExpectSameBuckets(NamespaceStore& want, NamespaceStore& got) {
  for (const auto& b : Must(want.ListBuckets(kAll))) {
    ExpectSame(b, Must(got.GetBucket(b.bucket_id)));
    auto objects = Must(want.ListObjects(b.bucket_id, kAll));
    auto got_objects = Must(got.ListObjects(b.bucket_id, kAll));
    ASSERT_EQ(objects.size(), got_objects.size());
    for (size_t i = 0; i < objects.size(); ++i) ExpectSame(objects[i], got_objects[i]);
    auto batches = Must(want.ListBatches(b.bucket_id, kAll));
    auto got_batches = Must(got.ListBatches(b.bucket_id, kAll));
    ASSERT_EQ(batches.size(), got_batches.size());
    for (size_t i = 0; i < batches.size(); ++i) ExpectSame(batches[i], got_batches[i]);
  }
  EXPECT_EQ(Must(want.CountBuckets()), Must(got.CountBuckets()));
}

void ExpectSameCollections(NamespaceStore& want, NamespaceStore& got) {
  for (const auto& c : Must(want.ListCollections(kAll))) {
    ExpectSame(c, Must(got.GetCollection(c.collection_id)));
    auto docs = Must(want.ListDocuments(c.collection_id, kAll, true));
    auto got_docs = Must(got.ListDocuments(c.collection_id, kAll, true));
    ASSERT_EQ(docs.size(), got_docs.size());
    for (size_t i = 0; i < docs.size(); ++i) ExpectSame(docs[i], got_docs[i], true);
  }
  EXPECT_EQ(Must(want.CountCollections()), Must(got.CountCollections()));
}

// Adds the hashes of cluster artifacts to `blob_hashes`.
void ExpectSameNamespaceResources(NamespaceStore& want, NamespaceStore& got,
                                  std::vector<std::string>* blob_hashes) {
  for (const auto& t : Must(want.ListTaxonomies(kAll))) {
    EXPECT_EQ(records::EncodeTaxonomyRecord(t),
              records::EncodeTaxonomyRecord(Must(got.GetTaxonomy(t.taxonomy_id))));
  }
  EXPECT_EQ(Must(want.CountTaxonomies()), Must(got.CountTaxonomies()));
  for (const auto& c : Must(want.ListClusters(kAll))) {
    EXPECT_EQ(records::EncodeClusterRecord(c),
              records::EncodeClusterRecord(Must(got.GetCluster(c.cluster_id))));
    for (const auto& e : Must(want.ListClusterExecutions(c.cluster_id, kAll))) {
      for (const auto& a : e.artifacts) blob_hashes->push_back(a.blob_hash);
      EXPECT_EQ(records::EncodeClusterExecutionRecord(e),
                records::EncodeClusterExecutionRecord(
                    Must(got.GetClusterExecution(c.cluster_id, e.run_id))));
    }
    EXPECT_EQ(Must(want.CountClusterExecutions(c.cluster_id)),
              Must(got.CountClusterExecutions(c.cluster_id)));
  }
  EXPECT_EQ(Must(want.CountClusters()), Must(got.CountClusters()));
  for (const auto& r : Must(want.ListRetrievers(kAll))) {
    EXPECT_EQ(records::EncodeRetrieverRecord(r),
              records::EncodeRetrieverRecord(Must(got.GetRetriever(r.retriever_id))));
    for (const auto& e : Must(want.ListExecutions(r.retriever_id, std::nullopt, kAll))) {
      EXPECT_EQ(records::EncodeRetrieverExecutionRecord(e),
                records::EncodeRetrieverExecutionRecord(
                    Must(got.GetExecution(r.retriever_id, e.execution_id))));
    }
  }
  EXPECT_EQ(Must(want.CountRetrievers()), Must(got.CountRetrievers()));
  for (const auto& i : Must(want.ListInteractions({}, kAll))) {
    EXPECT_EQ(records::EncodeInteractionRecord(i),
              records::EncodeInteractionRecord(Must(got.GetInteraction(i.interaction_id))));
  }
  EXPECT_EQ(Must(want.CountInteractions({})), Must(got.CountInteractions({})));
}

void ExpectSameNamespace(StorageEngine& want, StorageEngine& got, const model::Namespace& ns) {
  ExpectSame(ns, Must(got.catalog().GetNamespace(ns.org_id, ns.namespace_id)));
  auto want_ns = Must(want.OpenNamespace(ns.namespace_id));
  auto got_ns = Must(got.OpenNamespace(ns.namespace_id));
  ASSERT_TRUE(want_ns && got_ns);
  ExpectSameBuckets(*want_ns, *got_ns);
  ExpectSameCollections(*want_ns, *got_ns);
  std::vector<std::string> hashes = Must(want_ns->ListBlobHashes());
  ExpectSameNamespaceResources(*want_ns, *got_ns, &hashes);
  for (const auto& hash : hashes) {
    EXPECT_EQ(Must(want.blobs().Get(hash)), Must(got.blobs().Get(hash)));
  }
}

void ExpectSameFailedItems(CatalogStore& want, CatalogStore& got, const std::string& id) {
  auto items = Must(want.ListMigrationFailedItems(id, "", kAll));
  auto got_items = Must(got.ListMigrationFailedItems(id, "", kAll));
  ASSERT_EQ(items.size(), got_items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    EXPECT_EQ(items[i].item_id, got_items[i].item_id);
    EXPECT_EQ(items[i].resource_id, got_items[i].resource_id);
    EXPECT_EQ(items[i].resource_type, got_items[i].resource_type);
    EXPECT_EQ(items[i].batch_no, got_items[i].batch_no);
    EXPECT_EQ(items[i].error, got_items[i].error);
    EXPECT_EQ(items[i].attempts, got_items[i].attempts);
    EXPECT_EQ(items[i].status, got_items[i].status);
    EXPECT_EQ(items[i].created_at, got_items[i].created_at);
    EXPECT_EQ(items[i].updated_at, got_items[i].updated_at);
  }
}

void ExpectSameWebhooks(CatalogStore& want, CatalogStore& got, const model::Migration& m) {
  auto events = Must(want.ListWebhooks(m.org_id, m.migration_id));
  auto got_events = Must(got.ListWebhooks(m.org_id, m.migration_id));
  ASSERT_EQ(events.size(), got_events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    const auto& a = events[i];
    const auto& b = got_events[i];
    EXPECT_EQ(a.delivery_id, b.delivery_id);
    EXPECT_EQ(a.sequence, b.sequence);
    EXPECT_EQ(a.event, b.event);
    EXPECT_EQ(a.url, b.url);
    EXPECT_EQ(a.body, b.body);
    EXPECT_EQ(a.attempts, b.attempts);
    EXPECT_EQ(a.next_attempt_at, b.next_attempt_at);
    EXPECT_EQ(a.status, b.status);
    EXPECT_EQ(a.last_error, b.last_error);
    EXPECT_EQ(a.created_at, b.created_at);
  }
}

void ExpectSameMigration(CatalogStore& want, CatalogStore& got, const model::Migration& m) {
  ExpectSame(m, Must(got.GetMigration(m.org_id, m.migration_id)));
  auto batches = Must(want.ListMigrationBatches(m.migration_id, -1, 100000));
  auto got_batches = Must(got.ListMigrationBatches(m.migration_id, -1, 100000));
  ASSERT_EQ(batches.size(), got_batches.size());
  for (size_t i = 0; i < batches.size(); ++i) {
    ExpectSame(batches[i], got_batches[i]);
    EXPECT_EQ(batches[i].completed_by, got_batches[i].completed_by);
  }
  ExpectSameFailedItems(want, got, m.migration_id);
  ExpectSameWebhooks(want, got, m);
  if (m.config.target_namespace_id) {
    EXPECT_EQ(Must(want.NamespaceIdAvailable(*m.config.target_namespace_id)),
              Must(got.NamespaceIdAvailable(*m.config.target_namespace_id)));
  }
}

void ExpectSameOrganization(StorageEngine& want, StorageEngine& got, const model::Organization& o) {
  CatalogStore& w = want.catalog();
  CatalogStore& g = got.catalog();
  auto got_org = Must(g.GetOrganizationByName(o.name));
  EXPECT_EQ(o.org_id, got_org.org_id);
  EXPECT_EQ(o.created_at, got_org.created_at);
  for (const auto& key : Must(w.ListApiKeys(o.org_id))) {
    auto got_key = Must(g.GetApiKeyByHash(key.key_hash));
    EXPECT_EQ(key.org_id, got_key.org_id);
    EXPECT_EQ(key.name, got_key.name);
    EXPECT_EQ(key.created_at, got_key.created_at);
  }
  EXPECT_EQ(Must(w.ListApiKeys(o.org_id)).size(), Must(g.ListApiKeys(o.org_id)).size());
  auto secret = w.GetWebhookSecret(o.org_id);
  auto got_secret = g.GetWebhookSecret(o.org_id);
  EXPECT_EQ(secret.ok(), got_secret.ok());
  if (secret.ok() && got_secret.ok()) {
    EXPECT_EQ(*secret, *got_secret);
  }
  for (const auto& ns : Must(w.ListNamespaces(o.org_id, kAll))) ExpectSameNamespace(want, got, ns);
  EXPECT_EQ(Must(w.CountNamespaces(o.org_id)), Must(g.CountNamespaces(o.org_id)));
  auto tasks = Must(w.ListTasks(o.org_id, kAll));
  auto got_tasks = Must(g.ListTasks(o.org_id, kAll));
  ASSERT_EQ(tasks.size(), got_tasks.size());
  for (size_t i = 0; i < tasks.size(); ++i) ExpectSame(tasks[i], got_tasks[i]);
  for (const auto& m : Must(w.ListMigrations(o.org_id, {}, kAll))) ExpectSameMigration(w, g, m);
  EXPECT_EQ(Must(w.CountMigrations(o.org_id, {})), Must(g.CountMigrations(o.org_id, {})));
}

}  // namespace

void ExpectSameContents(StorageEngine& want, StorageEngine& got) {
  auto orgs = Must(want.catalog().ListOrganizations());
  EXPECT_EQ(orgs.size(), Must(got.catalog().ListOrganizations()).size());
  for (const auto& o : orgs) ExpectSameOrganization(want, got, o);
}

}  // namespace ferry::storage::transfer::testing
