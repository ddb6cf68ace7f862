// Conformance: migration target claims and the namespace delete guard (catalog_store.h).

#include <string>

#include "storage/conformance/storage_conformance.h"

namespace ferry::storage::testing {
namespace {

using model::MigrationStatus;

// A migration of `org_id` from `source` in `status`, inserted into the catalog.
Status InsertMigration(CatalogStore& catalog, const std::string& org_id, const std::string& id,
                       const std::string& source, MigrationStatus status) {
  model::Migration m = SampleMigration(org_id, id);
  m.config.source_namespace_id = source;
  m.status = status;
  return catalog.InsertMigration(m);
}

TEST_P(StorageConformanceTest, TargetClaimIsExclusiveAcrossOrganizations) {
  ASSERT_OK(InsertMigration(catalog(), "org_1", "mig_1", "ns_src", MigrationStatus::kPending));
  ASSERT_OK(InsertMigration(catalog(), "org_2", "mig_2", "ns_other", MigrationStatus::kPending));
  ASSERT_OK(InsertMigration(catalog(), "org_1", "mig_3", "ns_src", MigrationStatus::kPending));
  ASSERT_OK(catalog().ClaimMigrationTarget("org_1", "mig_1", "ns_t", "target"));
  // Idempotent for the holder (a resumed start).
  EXPECT_OK(catalog().ClaimMigrationTarget("org_1", "mig_1", "ns_t", "target"));
  // The id is taken for every organization, with the same answer.
  Status other_org = catalog().ClaimMigrationTarget("org_2", "mig_2", "ns_t", "t2");
  EXPECT_EQ(other_org.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(other_org.message(), "target_namespace_id");
  Status same_org = catalog().ClaimMigrationTarget("org_1", "mig_3", "ns_t", "t3");
  EXPECT_EQ(same_org.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(same_org.message(), "target_namespace_id");
  // The name only within the organization.
  Status name = catalog().ClaimMigrationTarget("org_1", "mig_3", "ns_t3", "target");
  EXPECT_EQ(name.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(name.message(), "target_namespace_name");
  EXPECT_OK(catalog().ClaimMigrationTarget("org_2", "mig_2", "ns_t2", "target"));

  ASSERT_OK_AND_ASSIGN(bool id_free, catalog().NamespaceIdAvailable("ns_t"));
  EXPECT_FALSE(id_free);
  ASSERT_OK_AND_ASSIGN(bool name_free, catalog().NamespaceNameAvailable("org_1", "target"));
  EXPECT_FALSE(name_free);
  ASSERT_OK_AND_ASSIGN(bool elsewhere, catalog().NamespaceNameAvailable("org_3", "target"));
  EXPECT_TRUE(elsewhere);
}

TEST_P(StorageConformanceTest, ExistingNamespacesCannotBeClaimed) {
  ASSERT_OK(catalog().InsertNamespace(SampleNamespace("org_1", "ns_1", "docs")));
  ASSERT_OK(InsertMigration(catalog(), "org_2", "mig_2", "ns_x", MigrationStatus::kPending));
  ASSERT_OK(InsertMigration(catalog(), "org_1", "mig_1", "ns_1", MigrationStatus::kPending));
  Status other_org = catalog().ClaimMigrationTarget("org_2", "mig_2", "ns_1", "fresh");
  EXPECT_EQ(other_org.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(other_org.message(), "target_namespace_id");
  Status name = catalog().ClaimMigrationTarget("org_1", "mig_1", "ns_new", "docs");
  EXPECT_EQ(name.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(name.message(), "target_namespace_name");
  ASSERT_OK_AND_ASSIGN(bool id_free, catalog().NamespaceIdAvailable("ns_1"));
  EXPECT_FALSE(id_free);
  ASSERT_OK_AND_ASSIGN(bool free_id, catalog().NamespaceIdAvailable("ns_new"));
  EXPECT_TRUE(free_id);
  ASSERT_OK_AND_ASSIGN(bool name_free, catalog().NamespaceNameAvailable("org_1", "docs"));
  EXPECT_FALSE(name_free);
}

// A namespace created between a request's name check and its insert, while a migration
// claimed that name (or id) for its target: the insert is refused, and only the claimed
// target itself (the migration creating it) goes in.
TEST_P(StorageConformanceTest, AClaimedTargetsNameOrIdCannotBeInsertedByOthers) {
  ASSERT_OK(InsertMigration(catalog(), "org_1", "mig_1", "ns_src", MigrationStatus::kPending));
  ASSERT_OK(catalog().ClaimMigrationTarget("org_1", "mig_1", "ns_t", "target"));
  EXPECT_EQ(catalog().InsertNamespace(SampleNamespace("org_1", "ns_other", "target")).code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(catalog().InsertNamespace(SampleNamespace("org_1", "ns_t", "another")).code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(catalog().InsertNamespace(SampleNamespace("org_2", "ns_t", "target")).code(),
            StatusCode::kAlreadyExists);
  EXPECT_OK(catalog().InsertNamespace(SampleNamespace("org_2", "ns_x", "target")));
  EXPECT_OK(catalog().InsertNamespace(SampleNamespace("org_1", "ns_t", "target")));
}

TEST_P(StorageConformanceTest, TargetClaimEndsWithTheMigrationsUnfinishedStates) {
  ASSERT_OK(InsertMigration(catalog(), "org_1", "mig_1", "ns_src", MigrationStatus::kPending));
  ASSERT_OK(InsertMigration(catalog(), "org_1", "mig_2", "ns_src", MigrationStatus::kPending));
  ASSERT_OK(catalog().ClaimMigrationTarget("org_1", "mig_1", "ns_t", "target"));
  ASSERT_OK_AND_ASSIGN(model::Migration m, catalog().GetMigration("org_1", "mig_1"));
  m.status = MigrationStatus::kInProgress;
  ASSERT_OK(catalog().UpdateMigration(m));
  EXPECT_EQ(STATUS_CODE(catalog().ClaimMigrationTarget("org_1", "mig_2", "ns_t", "t2")),
            StatusCode::kAlreadyExists);
  Restart();  // claims are durable
  EXPECT_EQ(STATUS_CODE(catalog().ClaimMigrationTarget("org_1", "mig_2", "ns_t", "t2")),
            StatusCode::kAlreadyExists);
  m.status = MigrationStatus::kFailed;
  ASSERT_OK(catalog().UpdateMigration(m));
  ASSERT_OK_AND_ASSIGN(bool id_free, catalog().NamespaceIdAvailable("ns_t"));
  EXPECT_TRUE(id_free);
  ASSERT_OK(catalog().ClaimMigrationTarget("org_1", "mig_2", "ns_t", "target"));
  ASSERT_OK(catalog().DeleteMigration("org_1", "mig_2"));
  ASSERT_OK_AND_ASSIGN(id_free, catalog().NamespaceIdAvailable("ns_t"));
  EXPECT_TRUE(id_free);
  ASSERT_OK_AND_ASSIGN(bool name_free, catalog().NamespaceNameAvailable("org_1", "target"));
  EXPECT_TRUE(name_free);
}

TEST_P(StorageConformanceTest, NamespaceOfAnUnfinishedMigrationCannotBeDeleted) {
  ASSERT_OK(catalog().InsertNamespace(SampleNamespace("org_1", "ns_src", "source")));
  ASSERT_OK(catalog().InsertNamespace(SampleNamespace("org_1", "ns_t", "target")));
  ASSERT_OK(InsertMigration(catalog(), "org_1", "mig_1", "ns_src", MigrationStatus::kPending));
  ASSERT_OK(catalog().ClaimMigrationTarget("org_1", "mig_1", "ns_t2", "target2"));
  // A draft does not hold its source.
  ASSERT_OK(InsertMigration(catalog(), "org_1", "mig_d", "ns_t", MigrationStatus::kDraft));

  Status source = catalog().DeleteNamespace("org_1", "ns_src");
  EXPECT_EQ(source.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(source.message().find("mig_1"), std::string::npos) << source.message();
  ASSERT_OK(catalog().InsertNamespace(SampleNamespace("org_1", "ns_t2", "target2")));
  Status target = catalog().DeleteNamespace("org_1", "ns_t2");
  EXPECT_EQ(target.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(target.message().find("mig_1"), std::string::npos) << target.message();
  EXPECT_OK(catalog().DeleteNamespace("org_1", "ns_t"));
  ASSERT_OK_AND_ASSIGN(model::Namespace still, catalog().GetNamespace("org_1", "ns_src"));
  EXPECT_EQ(still.namespace_name, "source");

  ASSERT_OK_AND_ASSIGN(model::Migration m, catalog().GetMigration("org_1", "mig_1"));
  m.status = MigrationStatus::kCompleted;
  ASSERT_OK(catalog().UpdateMigration(m));
  EXPECT_OK(catalog().DeleteNamespace("org_1", "ns_src"));
  EXPECT_OK(catalog().DeleteNamespace("org_1", "ns_t2"));
}

// Messages reach clients and logs: they name resources, never the backend's location.
TEST_P(StorageConformanceTest, ErrorMessagesNameNoLocation) {
  std::shared_ptr<NamespaceStore> held = NewNamespace("ns_1");
  ASSERT_OK(engine().DropNamespaceData("ns_1"));
  Status closed = held->InsertBucket(SampleBucket("bkt_1", "b"));
  EXPECT_FALSE(closed.ok());
  EXPECT_EQ(closed.message().find(location_), std::string::npos) << closed.message();
  EXPECT_NE(closed.message().find("ns_1"), std::string::npos) << closed.message();
  auto missing = engine().OpenNamespace("ns_1");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message().find(location_), std::string::npos);
  auto bad = engine().OpenNamespace("../x");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message().find(location_), std::string::npos);
  engine().Close();
  Status after_close = catalog().InsertNamespace(SampleNamespace("org_1", "ns_2", "n"));
  EXPECT_FALSE(after_close.ok());
  EXPECT_EQ(after_close.message().find(location_), std::string::npos) << after_close.message();
}

}  // namespace
}  // namespace ferry::storage::testing
