// Conformance: catalog, blob store and engine lifecycle.

#include <algorithm>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "storage/conformance/storage_conformance.h"

namespace ferry::storage::testing {
namespace {

using model::TaskStatus;

TEST_P(StorageConformanceTest, OrganizationsAndKeysRoundTrip) {
  ASSERT_OK(catalog().InsertOrganization(SampleOrganization("org_1", "acme")));
  ASSERT_OK_AND_ASSIGN(model::Organization org, catalog().GetOrganizationByName("acme"));
  EXPECT_EQ(org.org_id, "org_1");
  EXPECT_EQ(org.name, "acme");
  EXPECT_EQ(org.created_at, 1700000000123);
  EXPECT_EQ(STATUS_CODE(catalog().GetOrganizationByName("other")), StatusCode::kNotFound);
  EXPECT_EQ(STATUS_CODE(catalog().InsertOrganization(SampleOrganization("org_1", "x"))),
            StatusCode::kAlreadyExists);
  ASSERT_OK_AND_ASSIGN(int64_t count, catalog().CountOrganizations());
  EXPECT_EQ(count, 1);

  model::ApiKey key{std::string(64, 'f'), "org_1", "default", 55};
  ASSERT_OK(catalog().InsertApiKey(key));
  ASSERT_OK_AND_ASSIGN(model::ApiKey got, catalog().GetApiKeyByHash(key.key_hash));
  EXPECT_EQ(got.org_id, "org_1");
  EXPECT_EQ(got.name, "default");
  EXPECT_EQ(got.created_at, 55);
  EXPECT_EQ(STATUS_CODE(catalog().InsertApiKey(key)), StatusCode::kAlreadyExists);
  EXPECT_EQ(STATUS_CODE(catalog().GetApiKeyByHash(std::string(64, '0'))), StatusCode::kNotFound);
}

TEST_P(StorageConformanceTest, NamespaceRoundTripsEveryField) {
  model::Namespace ns = SampleNamespace("org_1", "ns_1", "docs");
  ASSERT_OK(catalog().InsertNamespace(ns));
  ASSERT_OK_AND_ASSIGN(model::Namespace by_id, catalog().GetNamespace("org_1", "ns_1"));
  ExpectSame(ns, by_id);
  ASSERT_OK_AND_ASSIGN(model::Namespace by_name, catalog().GetNamespaceByName("org_1", "docs"));
  ExpectSame(ns, by_name);

  model::Namespace minimal;  // optionals unset, Values null
  minimal.namespace_id = "ns_2";
  minimal.org_id = "org_1";
  minimal.namespace_name = "minimal";
  ASSERT_OK(catalog().InsertNamespace(minimal));
  ASSERT_OK_AND_ASSIGN(model::Namespace got, catalog().GetNamespace("org_1", "ns_2"));
  ExpectSame(minimal, got);
  EXPECT_FALSE(got.description.has_value());
}

TEST_P(StorageConformanceTest, NamespaceDuplicatesAreRejected) {
  ASSERT_OK(catalog().InsertNamespace(SampleNamespace("org_1", "ns_1", "docs")));
  EXPECT_EQ(STATUS_CODE(catalog().InsertNamespace(SampleNamespace("org_1", "ns_2", "docs"))),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(STATUS_CODE(catalog().InsertNamespace(SampleNamespace("org_1", "ns_1", "other"))),
            StatusCode::kAlreadyExists);
  // Names are unique per organization only.
  EXPECT_OK(catalog().InsertNamespace(SampleNamespace("org_2", "ns_3", "docs")));
}

TEST_P(StorageConformanceTest, AnotherOrganizationsRowsLookAbsent) {
  ASSERT_OK(catalog().InsertNamespace(SampleNamespace("org_1", "ns_1", "docs")));
  ASSERT_OK(catalog().UpsertTask(SampleTask("org_1", "task_1", TaskStatus::kPending)));

  EXPECT_EQ(STATUS_CODE(catalog().GetNamespace("org_2", "ns_1")), StatusCode::kNotFound);
  EXPECT_EQ(STATUS_CODE(catalog().GetNamespaceByName("org_2", "docs")), StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(auto listed, catalog().ListNamespaces("org_2", model::Page{}));
  EXPECT_TRUE(listed.empty());
  ASSERT_OK_AND_ASSIGN(int64_t count, catalog().CountNamespaces("org_2"));
  EXPECT_EQ(count, 0);
  model::Namespace hijack = SampleNamespace("org_2", "ns_1", "mine");
  EXPECT_EQ(STATUS_CODE(catalog().UpdateNamespace(hijack)), StatusCode::kNotFound);
  EXPECT_EQ(STATUS_CODE(catalog().DeleteNamespace("org_2", "ns_1")), StatusCode::kNotFound);
  EXPECT_EQ(STATUS_CODE(catalog().GetTask("org_2", "task_1")), StatusCode::kNotFound);
  // Still intact for its owner.
  EXPECT_OK(catalog().GetNamespace("org_1", "ns_1").status());
}

TEST_P(StorageConformanceTest, NamespacesListInCreationOrderThenId) {
  // Inserted out of order, with a created_at tie broken by id.
  const std::vector<std::pair<std::string, int64_t>> rows = {
      {"ns_c", 30}, {"ns_a", 10}, {"ns_e", 20}, {"ns_b", 20}, {"ns_d", 40}};
  for (const auto& [id, created] : rows) {
    model::Namespace ns = SampleNamespace("org_1", id, "name_" + id);
    ns.created_at = created;
    ASSERT_OK(catalog().InsertNamespace(ns));
  }
  ASSERT_OK_AND_ASSIGN(auto all, catalog().ListNamespaces("org_1", model::Page{0, 100}));
  std::vector<std::string> ids;
  for (const auto& ns : all) ids.push_back(ns.namespace_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"ns_a", "ns_b", "ns_e", "ns_c", "ns_d"}));

  ASSERT_OK_AND_ASSIGN(auto page, catalog().ListNamespaces("org_1", model::Page{1, 2}));
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].namespace_id, "ns_b");
  EXPECT_EQ(page[1].namespace_id, "ns_e");
  ASSERT_OK_AND_ASSIGN(auto past_end, catalog().ListNamespaces("org_1", model::Page{5, 2}));
  EXPECT_TRUE(past_end.empty());
  ASSERT_OK_AND_ASSIGN(int64_t count, catalog().CountNamespaces("org_1"));
  EXPECT_EQ(count, 5);
}

TEST_P(StorageConformanceTest, UpdateAndDeleteNamespace) {
  ASSERT_OK(catalog().InsertNamespace(SampleNamespace("org_1", "ns_1", "docs")));
  ASSERT_OK(catalog().InsertNamespace(SampleNamespace("org_1", "ns_2", "taken")));
  model::Namespace changed = SampleNamespace("org_1", "ns_1", "renamed");
  changed.description.reset();
  changed.feature_extractors.clear();
  changed.updated_at = 9999;
  ASSERT_OK(catalog().UpdateNamespace(changed));
  ASSERT_OK_AND_ASSIGN(model::Namespace got, catalog().GetNamespace("org_1", "ns_1"));
  ExpectSame(changed, got);
  EXPECT_EQ(STATUS_CODE(catalog().GetNamespaceByName("org_1", "docs")), StatusCode::kNotFound);

  changed.namespace_name = "taken";
  EXPECT_EQ(STATUS_CODE(catalog().UpdateNamespace(changed)), StatusCode::kAlreadyExists);
  EXPECT_EQ(STATUS_CODE(catalog().UpdateNamespace(SampleNamespace("org_1", "ns_9", "x"))),
            StatusCode::kNotFound);

  ASSERT_OK(catalog().DeleteNamespace("org_1", "ns_1"));
  EXPECT_EQ(STATUS_CODE(catalog().GetNamespace("org_1", "ns_1")), StatusCode::kNotFound);
  EXPECT_EQ(STATUS_CODE(catalog().DeleteNamespace("org_1", "ns_1")), StatusCode::kNotFound);
}

TEST_P(StorageConformanceTest, RenameNamespacesSwapsNamesInOneStep) {
  ASSERT_OK(catalog().InsertNamespace(SampleNamespace("org_1", "ns_src", "prod")));
  ASSERT_OK(catalog().InsertNamespace(SampleNamespace("org_1", "ns_dst", "prod-v2")));
  ASSERT_OK(catalog().InsertNamespace(SampleNamespace("org_1", "ns_other", "other")));
  ASSERT_OK(catalog().InsertNamespace(SampleNamespace("org_2", "ns_foreign", "foreign")));
  ASSERT_OK(
      catalog().RenameNamespaces("org_1", {{"ns_src", "prod-pre-abc"}, {"ns_dst", "prod"}}, 4242));
  ASSERT_OK_AND_ASSIGN(model::Namespace prod, catalog().GetNamespaceByName("org_1", "prod"));
  EXPECT_EQ(prod.namespace_id, "ns_dst");
  EXPECT_EQ(prod.updated_at, 4242);
  ASSERT_OK_AND_ASSIGN(model::Namespace pre, catalog().GetNamespaceByName("org_1", "prod-pre-abc"));
  EXPECT_EQ(pre.namespace_id, "ns_src");
  EXPECT_EQ(STATUS_CODE(catalog().GetNamespaceByName("org_1", "prod-v2")), StatusCode::kNotFound);
  // A plain swap, back.
  ASSERT_OK(
      catalog().RenameNamespaces("org_1", {{"ns_src", "prod"}, {"ns_dst", "prod-pre-abc"}}, 1));
  ASSERT_OK_AND_ASSIGN(prod, catalog().GetNamespaceByName("org_1", "prod"));
  EXPECT_EQ(prod.namespace_id, "ns_src");
  // A name held outside the renames, or a namespace that is not there (or another
  // organization's): nothing changes.
  EXPECT_EQ(STATUS_CODE(
                catalog().RenameNamespaces("org_1", {{"ns_src", "other"}, {"ns_dst", "prod"}}, 2)),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(STATUS_CODE(
                catalog().RenameNamespaces("org_1", {{"ns_src", "x"}, {"ns_foreign", "prod"}}, 2)),
            StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(prod, catalog().GetNamespaceByName("org_1", "prod"));
  EXPECT_EQ(prod.namespace_id, "ns_src");
  ASSERT_OK_AND_ASSIGN(pre, catalog().GetNamespaceByName("org_1", "prod-pre-abc"));
  EXPECT_EQ(pre.namespace_id, "ns_dst");
  ASSERT_OK_AND_ASSIGN(model::Namespace foreign, catalog().GetNamespace("org_2", "ns_foreign"));
  EXPECT_EQ(foreign.namespace_name, "foreign");
}

TEST_P(StorageConformanceTest, TasksUpsertAndListUnfinished) {
  model::Task task = SampleTask("org_1", "task_1", TaskStatus::kInProgress);
  ASSERT_OK(catalog().UpsertTask(task));
  ASSERT_OK_AND_ASSIGN(model::Task got, catalog().GetTask("org_1", "task_1"));
  ExpectSame(task, got);

  ASSERT_OK(catalog().UpsertTask(SampleTask("org_1", "task_2", TaskStatus::kCompleted)));
  ASSERT_OK(catalog().UpsertTask(SampleTask("org_2", "task_3", TaskStatus::kPending)));
  ASSERT_OK_AND_ASSIGN(auto unfinished, catalog().ListUnfinishedTasks());
  std::vector<std::string> ids;
  for (const auto& t : unfinished) ids.push_back(t.task_id);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"task_1", "task_3"}));

  task.status = TaskStatus::kFailed;  // replaces, no duplicate
  task.error.reset();
  task.outputs = model::Value();
  ASSERT_OK(catalog().UpsertTask(task));
  ASSERT_OK_AND_ASSIGN(got, catalog().GetTask("org_1", "task_1"));
  ExpectSame(task, got);
  ASSERT_OK_AND_ASSIGN(unfinished, catalog().ListUnfinishedTasks());
  ASSERT_EQ(unfinished.size(), 1u);
  EXPECT_EQ(unfinished[0].task_id, "task_3");
}

TEST_P(StorageConformanceTest, BlobStoreDedupesByContent) {
  BlobStore& blobs = engine().blobs();
  const std::string bytes("binary\0\xff payload", 16);
  ASSERT_OK_AND_ASSIGN(std::string hash, blobs.Put(bytes));
  EXPECT_EQ(hash, Sha256Hex(bytes));
  EXPECT_TRUE(blobs.Contains(hash));
  ASSERT_OK_AND_ASSIGN(std::string again, blobs.Put(bytes));
  EXPECT_EQ(again, hash);
  ASSERT_OK_AND_ASSIGN(std::string got, blobs.Get(hash));
  EXPECT_EQ(got, bytes);

  ASSERT_OK_AND_ASSIGN(std::string empty_hash, blobs.Put(""));
  ASSERT_OK_AND_ASSIGN(std::string empty, blobs.Get(empty_hash));
  EXPECT_TRUE(empty.empty());

  const std::string absent = Sha256Hex("never stored");
  EXPECT_FALSE(blobs.Contains(absent));
  EXPECT_EQ(STATUS_CODE(blobs.Get(absent)), StatusCode::kNotFound);
}

TEST_P(StorageConformanceTest, NamespaceDataLifecycle) {
  EXPECT_EQ(STATUS_CODE(engine().OpenNamespace("ns_missing")), StatusCode::kNotFound);
  ASSERT_OK(engine().CreateNamespaceData("ns_1"));
  EXPECT_EQ(STATUS_CODE(engine().CreateNamespaceData("ns_1")), StatusCode::kAlreadyExists);
  ASSERT_OK_AND_ASSIGN(auto first, engine().OpenNamespace("ns_1"));
  ASSERT_OK_AND_ASSIGN(auto second, engine().OpenNamespace("ns_1"));
  ASSERT_OK(first->InsertBucket(SampleBucket("bkt_1", "b")));
  ASSERT_OK_AND_ASSIGN(int64_t count, second->CountBuckets());
  EXPECT_EQ(count, 1);

  ASSERT_OK(engine().DropNamespaceData("ns_1"));
  EXPECT_EQ(STATUS_CODE(engine().OpenNamespace("ns_1")), StatusCode::kNotFound);
  // A store held across the drop is safe to call; it reports the data is gone.
  EXPECT_NE(STATUS_CODE(first->CountBuckets()), StatusCode::kOk);
  // The id can be reused, and starts empty.
  ASSERT_OK(engine().CreateNamespaceData("ns_1"));
  ASSERT_OK_AND_ASSIGN(auto fresh, engine().OpenNamespace("ns_1"));
  ASSERT_OK_AND_ASSIGN(count, fresh->CountBuckets());
  EXPECT_EQ(count, 0);
}

TEST_P(StorageConformanceTest, DataSurvivesRestart) {
  model::Namespace ns = SampleNamespace("org_1", "ns_1", "docs");
  ASSERT_OK(catalog().InsertNamespace(ns));
  ASSERT_OK(catalog().UpsertTask(SampleTask("org_1", "task_1", TaskStatus::kProcessing)));
  auto store = NewNamespace("ns_1");
  ASSERT_NE(store, nullptr);
  ASSERT_OK(store->InsertBucket(SampleBucket("bkt_1", "b")));
  ASSERT_OK(store->InsertObject(SampleObject("bkt_1", "obj_1")));
  ASSERT_OK(store->InsertCollection(SampleCollection("col_1", "c")));
  model::Document doc = SampleDocument("col_1", "doc_1", "obj_1");
  ASSERT_OK(store->UpsertDocuments({doc}));
  ASSERT_OK(store->UpsertBatch(SampleBatch("bkt_1", "btch_1")));
  ASSERT_OK_AND_ASSIGN(std::string hash, engine().blobs().Put("blob bytes"));
  store.reset();

  Restart();

  ASSERT_OK_AND_ASSIGN(model::Namespace got_ns, catalog().GetNamespace("org_1", "ns_1"));
  ExpectSame(ns, got_ns);
  ASSERT_OK_AND_ASSIGN(auto unfinished, catalog().ListUnfinishedTasks());
  EXPECT_EQ(unfinished.size(), 1u);
  ASSERT_OK_AND_ASSIGN(auto reopened, engine().OpenNamespace("ns_1"));
  ASSERT_OK_AND_ASSIGN(model::Object obj, reopened->GetObject("bkt_1", "obj_1"));
  ExpectSame(SampleObject("bkt_1", "obj_1"), obj);
  ASSERT_OK_AND_ASSIGN(model::Document got_doc, reopened->GetDocument("col_1", "doc_1", true));
  ExpectSame(doc, got_doc);
  ASSERT_OK_AND_ASSIGN(model::Batch batch, reopened->GetBatch("bkt_1", "btch_1"));
  ExpectSame(SampleBatch("bkt_1", "btch_1"), batch);
  ASSERT_OK_AND_ASSIGN(std::string bytes, engine().blobs().Get(hash));
  EXPECT_EQ(bytes, "blob bytes");
}

TEST_P(StorageConformanceTest, CallsAfterCloseAreUnavailable) {
  auto store = NewNamespace("ns_1");
  ASSERT_NE(store, nullptr);
  ASSERT_OK_AND_ASSIGN(std::string hash, engine().blobs().Put("x"));
  engine().Close();
  engine().Close();  // idempotent
  EXPECT_EQ(STATUS_CODE(catalog().CountOrganizations()), StatusCode::kUnavailable);
  EXPECT_EQ(STATUS_CODE(engine().OpenNamespace("ns_1")), StatusCode::kUnavailable);
  EXPECT_EQ(STATUS_CODE(engine().CreateNamespaceData("ns_2")), StatusCode::kUnavailable);
  EXPECT_EQ(STATUS_CODE(store->CountBuckets()), StatusCode::kUnavailable);
  EXPECT_EQ(STATUS_CODE(engine().blobs().Get(hash)), StatusCode::kUnavailable);
  EXPECT_EQ(STATUS_CODE(engine().blobs().Put("y")), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace ferry::storage::testing
