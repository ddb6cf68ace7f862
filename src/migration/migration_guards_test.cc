// The guards around a migration's namespaces (issue 10): client-supplied ids follow the
// id grammar, a target is claimed atomically and reported the same whichever
// organization holds it, the chosen target is shown in the config, list accepts a source
// name, and the namespaces of an unfinished migration cannot be deleted.

#include "common/ids.h"
#include "migration/migration_test_fixture.h"

namespace ferry::migration {
namespace {

using model::MigrationStatus;
using model::MigrationType;
using model::Value;
using model::ValueArray;
using testing_support::MigrationRunnerTest;

ValueArray BodyConfig(std::initializer_list<Value> rest) {
  ValueArray loc{Value("body"), Value("config")};
  for (const auto& v : rest) loc.push_back(v);
  return loc;
}

bool HasIssueAt(const model::ValidationIssues& issues, const ValueArray& loc) {
  for (const auto& i : issues) {
    if (Value(i.loc) == Value(loc)) return true;
  }
  return false;
}

const model::ValidationIssue* ErrorAt(const model::ValidationResult& r, const char* field) {
  for (const auto& i : r.errors) {
    if (Value(i.loc) == Value(ValueArray{Value("config"), Value(field)})) return &i;
  }
  return nullptr;
}

TEST(IdGrammarTest, IsValidIdAcceptsOnlyTheStorageAlphabet) {
  EXPECT_TRUE(IsValidId("ns_0123abcDEF-x"));
  EXPECT_TRUE(IsValidId(std::string(128, 'a')));
  for (const char* bad : {"", "../../x", "a/b", "a.b", "a b", "ns\n1", "%2e%2e"}) {
    EXPECT_FALSE(IsValidId(bad)) << bad;
  }
  EXPECT_FALSE(IsValidId(std::string(129, 'a')));
}

TEST(CheckClientIdsTest, EveryClientSuppliedIdIsLocated) {
  model::MigrationConfig c;
  c.source_namespace_id = "src/../x";
  c.target_namespace_id = "../../x";
  c.target_namespace_name = "a/b";
  model::ResourceFilter f;
  f.collection_ids = std::vector<std::string>{"col_ok", "a/b"};
  f.retriever_ids = std::vector<std::string>{"ret 1"};
  f.taxonomy_ids = std::vector<std::string>{".."};
  f.cluster_ids = std::vector<std::string>{""};
  c.filters = f;
  model::ValidationIssues issues;
  CheckClientIds(c, {Value("body"), Value("config")}, &issues);
  EXPECT_EQ(issues.size(), 7u);
  EXPECT_TRUE(HasIssueAt(issues, BodyConfig({Value("source_namespace_id")})));
  EXPECT_TRUE(HasIssueAt(issues, BodyConfig({Value("target_namespace_id")})));
  EXPECT_TRUE(HasIssueAt(issues, BodyConfig({Value("target_namespace_name")})));
  EXPECT_TRUE(HasIssueAt(
      issues, BodyConfig({Value("filters"), Value("collection_ids"), Value(int64_t{1})})));
  EXPECT_TRUE(HasIssueAt(
      issues, BodyConfig({Value("filters"), Value("retriever_ids"), Value(int64_t{0})})));
  EXPECT_TRUE(
      HasIssueAt(issues, BodyConfig({Value("filters"), Value("taxonomy_ids"), Value(int64_t{0})})));
  EXPECT_TRUE(
      HasIssueAt(issues, BodyConfig({Value("filters"), Value("cluster_ids"), Value(int64_t{0})})));

  // Names are accepted where a name may stand: the source (id or name).
  model::MigrationConfig ok;
  ok.source_namespace_id = "My source namespace";
  ok.target_namespace_id = "ns_target-1";
  ok.target_namespace_name = "target name";
  issues.clear();
  CheckClientIds(ok, {Value("body"), Value("config")}, &issues);
  EXPECT_TRUE(issues.empty()) << issues.front().msg;
}

class MigrationGuardsTest : public MigrationRunnerTest {
 protected:
  void SetUp() override {
    MigrationRunnerTest::SetUp();
    MakeSource();
  }

  model::ValidationResult Validate(const model::MigrationConfig& config) {
    auto outcome = migrations_->Validate(caller_, config);
    EXPECT_TRUE(outcome.ok()) << outcome.status().ToString();
    return outcome.ok() ? outcome->result : model::ValidationResult{};
  }

  // A namespace row (no data) of `org_id`, to occupy an id or a name.
  void InsertNamespace(const std::string& org_id, const std::string& id, const std::string& name) {
    model::Namespace ns;
    ns.namespace_id = id;
    ns.org_id = org_id;
    ns.namespace_name = name;
    ASSERT_TRUE(storage_->catalog().InsertNamespace(ns).ok());
  }
};

TEST_F(MigrationGuardsTest, AStoredTargetIdOutsideTheGrammarIsInvalid) {
  for (const char* bad : {"../../x", "a/b"}) {
    model::MigrationConfig c = Config(MigrationType::kCopy);
    c.target_namespace_id = bad;
    model::ValidationResult r = Validate(c);
    EXPECT_FALSE(r.valid) << bad;
    const auto* issue = ErrorAt(r, "target_namespace_id");
    ASSERT_NE(issue, nullptr) << bad;
    EXPECT_EQ(issue->type, "string_pattern_mismatch");
  }
}

TEST_F(MigrationGuardsTest, ATakenTargetIdReadsTheSameForEveryOrganization) {
  InsertNamespace("org_elsewhere", "ns_foreign", "theirs");
  InsertNamespace(caller_.org_id, "ns_mine", "mine");
  model::MigrationConfig c = Config(MigrationType::kCopy);
  std::map<std::string, std::string> messages;
  for (const char* id : {"ns_foreign", "ns_mine"}) {
    c.target_namespace_id = id;
    model::ValidationResult r = Validate(c);
    EXPECT_FALSE(r.valid) << id;
    const auto* issue = ErrorAt(r, "target_namespace_id");
    ASSERT_NE(issue, nullptr) << id;
    EXPECT_EQ(issue->msg, std::string("target_namespace_id '") + id + "' is not available");
    EXPECT_EQ(issue->type, "already_exists");
  }
  // A name is per organization: another organization's name is free here.
  c.target_namespace_id.reset();
  c.target_namespace_name = "theirs";
  EXPECT_TRUE(Validate(c).valid);
  c.target_namespace_name = "mine";
  EXPECT_NE(ErrorAt(Validate(c), "target_namespace_name"), nullptr);
}

TEST_F(MigrationGuardsTest, OnlyOneOfTwoMigrationsToOneTargetStarts) {
  model::MigrationConfig c = Config(MigrationType::kCopy);
  c.target_namespace_id = "ns_shared";
  c.target_namespace_name = "shared";
  std::string first = CreateDraft(c);
  std::string second = CreateDraft(c);  // both valid while neither has started
  storage_->Faults("ns_shared").CloseGate();
  ASSERT_TRUE(migrations_->Start(caller_, first, true).ok());
  storage_->Faults("ns_shared").WaitUntilBlocked(1);

  auto refused = migrations_->Start(caller_, second, true);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message(),
            "migration is invalid: target_namespace_id 'ns_shared' is not available");
  model::Migration loser = migrations_->Get(caller_, second).value();
  EXPECT_EQ(loser.status, MigrationStatus::kDraft);
  EXPECT_FALSE(loser.validation_result->valid);
  EXPECT_FALSE(loser.task_id.has_value());
  storage_->Faults("ns_shared").OpenGate();
  runner_->WaitIdle();
  ExpectCompletedProgress(migrations_->Get(caller_, first).value());
  EXPECT_EQ(migrations_->Get(caller_, second)->status, MigrationStatus::kDraft);
  // The target now exists: it stays unavailable after the claim ends with the run.
  EXPECT_FALSE(Validate(c).valid);
}

TEST_F(MigrationGuardsTest, AnotherOrganizationsClaimKeepsTheDraftUntilReleased) {
  model::MigrationConfig c = Config(MigrationType::kCopy);
  c.target_namespace_id = "ns_raced";
  c.target_namespace_name = "raced";
  std::string id = CreateDraft(c);
  // Another organization's migration claims the id between validation and the claim:
  // the claim is the last word, with the same message as validation's.
  model::Migration other;
  other.migration_id = "mig_other";
  other.org_id = "org_elsewhere";
  other.status = MigrationStatus::kPending;
  other.config.source_namespace_id = "ns_x";
  other.additional_data = Value(model::ValueObject{});
  ASSERT_TRUE(storage_->catalog().InsertMigration(other).ok());
  ASSERT_TRUE(
      storage_->catalog().ClaimMigrationTarget("org_elsewhere", "mig_other", "ns_raced", "x").ok());
  auto refused = migrations_->Start(caller_, id, true);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("target_namespace_id 'ns_raced' is not available"),
            std::string::npos)
      << refused.status().message();
  EXPECT_EQ(migrations_->Get(caller_, id)->status, MigrationStatus::kDraft);
  EXPECT_FALSE(storage_->OpenNamespace("ns_raced").ok());  // nothing written
  // A claimed name is taken for namespace creation too (in the claimer's organization).
  service::NamespaceService namespaces(*deps_);
  model::NamespaceCreate nc;
  nc.namespace_name = "x";
  nc.feature_extractors = {{"text_extractor", "v1", {}}};
  EXPECT_EQ(namespaces.Create(service::Caller{"org_elsewhere"}, nc).status().code(),
            StatusCode::kAlreadyExists);
  EXPECT_TRUE(namespaces.Create(caller_, nc).ok());
  // Released when that migration ends: the draft starts.
  other.status = MigrationStatus::kFailed;
  ASSERT_TRUE(storage_->catalog().UpdateMigration(other).ok());
  ASSERT_TRUE(migrations_->Start(caller_, id, true).ok());
  runner_->WaitIdle();
  ExpectCompletedProgress(migrations_->Get(caller_, id).value());
}

TEST_F(MigrationGuardsTest, TheChosenTargetIsInTheConfigFromCreation) {
  std::string message;
  auto created = migrations_->Create(caller_, Config(MigrationType::kCopy), false, &message);
  ASSERT_TRUE(created.ok());
  const std::string& id = created->migration_id;
  ASSERT_TRUE(created->config.target_namespace_id.has_value());
  ASSERT_TRUE(created->config.target_namespace_name.has_value());
  EXPECT_EQ(*created->config.target_namespace_id, MapId(id, source_.ns.namespace_id, false));
  EXPECT_EQ(*created->config.target_namespace_name, "source-copy-" + id.substr(id.size() - 8));
  model::Migration stored = migrations_->Get(caller_, id).value();
  EXPECT_EQ(stored.config.target_namespace_id, created->config.target_namespace_id);
  EXPECT_EQ(stored.config.target_namespace_name, created->config.target_namespace_name);
  ASSERT_TRUE(migrations_->Start(caller_, id, true).ok());
  runner_->WaitIdle();
  model::Migration done = migrations_->Get(caller_, id).value();
  ExpectCompletedProgress(done);
  EXPECT_EQ(done.config.target_namespace_id, created->config.target_namespace_id);
  EXPECT_EQ(TargetId(done), *created->config.target_namespace_id);
  EXPECT_TRUE(storage_->catalog().GetNamespace(caller_.org_id, TargetId(done)).ok());
}

TEST_F(MigrationGuardsTest, AGeneratedNameFitsTheNameLimit) {
  service::NamespaceService namespaces(*deps_);
  std::string long_name(99, 'n');
  long_name += "\xc3\xa9";  // 101 bytes, ending in a two-byte character
  ASSERT_TRUE(storage_->catalog()
                  .UpdateNamespace([&] {
                    model::Namespace ns = source_.ns;
                    ns.namespace_name = long_name;
                    return ns;
                  }())
                  .ok());
  std::string message;
  auto m = migrations_->Create(caller_, Config(MigrationType::kCopy), false, &message);
  ASSERT_TRUE(m.ok());
  const std::string& name = *m->config.target_namespace_name;
  EXPECT_LE(name.size(), 100u);
  EXPECT_EQ(name.substr(0, 80), long_name.substr(0, 80));
  model::ValidationIssues issues;
  service::ValidateName(name, {}, &issues);
  EXPECT_TRUE(issues.empty());
}

TEST_F(MigrationGuardsTest, ListFindsASourceByNameOrId) {
  std::string id = CreateDraft(Config(MigrationType::kCopy));
  model::Page page{0, 100};
  for (const std::string& ident : {source_.ns.namespace_id, std::string("source")}) {
    model::MigrationListFilter filter;
    filter.source_namespace_id = ident;
    auto list = migrations_->List(caller_, filter, page);
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->items.size(), 1u) << ident;
    EXPECT_EQ(list->items[0].migration_id, id);
    EXPECT_EQ(list->total, 1);
  }
  model::MigrationListFilter none;
  none.source_namespace_id = "no such namespace";
  auto list = migrations_->List(caller_, none, page);
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->items.empty());
  // Another organization's name does not resolve here.
  auto foreign = migrations_->List(
      service::Caller{"org_elsewhere"},
      model::MigrationListFilter{std::nullopt, std::nullopt, std::string("source")}, page);
  ASSERT_TRUE(foreign.ok());
  EXPECT_TRUE(foreign->items.empty());
}

TEST_F(MigrationGuardsTest, NamespacesOfARunningMigrationCannotBeDeleted) {
  model::MigrationConfig c = Config(MigrationType::kCopy);
  c.target_namespace_id = "ns_held";
  std::string id = CreateDraft(c);
  storage_->Faults("ns_held").CloseGate();
  ASSERT_TRUE(migrations_->Start(caller_, id, true).ok());
  storage_->Faults("ns_held").WaitUntilBlocked(1);

  service::NamespaceService namespaces(*deps_);
  for (const std::string& ns : {source_.ns.namespace_id, std::string("ns_held")}) {
    Status st = namespaces.Delete(caller_, ns);
    EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition) << ns;
    EXPECT_NE(st.message().find(id), std::string::npos) << st.message();
  }
  storage_->Faults("ns_held").OpenGate();
  runner_->WaitIdle();
  ExpectCompletedProgress(migrations_->Get(caller_, id).value());
  source_.store.reset();
  EXPECT_TRUE(namespaces.Delete(caller_, "ns_held").ok());
  EXPECT_TRUE(namespaces.Delete(caller_, "source").ok());
}

TEST_F(MigrationGuardsTest, ARetryClaimsATargetItNeverCreatedAgain) {
  // A run that failed before namespace_setup: its claim ended with it, and another
  // organization's migration has claimed the id since. The retry must not write into it.
  model::MigrationConfig c = Config(MigrationType::kCopy);
  c.target_namespace_id = "ns_contested";
  c.target_namespace_name = "contested";
  const std::string id = CreateDraft(c);
  model::Migration failed = migrations_->Get(caller_, id).value();
  failed.status = MigrationStatus::kFailed;
  failed.progress.overall_status = failed.status;
  ASSERT_TRUE(storage_->catalog().UpdateMigration(failed).ok());
  model::Migration other;
  other.migration_id = "mig_claimer";
  other.org_id = "org_elsewhere";
  other.status = MigrationStatus::kPending;
  other.config.source_namespace_id = "ns_x";
  other.additional_data = Value(model::ValueObject{});
  ASSERT_TRUE(storage_->catalog().InsertMigration(other).ok());
  ASSERT_TRUE(storage_->catalog()
                  .ClaimMigrationTarget("org_elsewhere", "mig_claimer", "ns_contested", "x")
                  .ok());

  auto refused = migrations_->Retry(caller_, id);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("target_namespace_id 'ns_contested' is not available"),
            std::string::npos)
      << refused.status().message();
  EXPECT_EQ(migrations_->Get(caller_, id)->status, MigrationStatus::kFailed);
  EXPECT_FALSE(storage_->OpenNamespace("ns_contested").ok());
  // Once free, the retry claims it: another migration now finds it taken.
  other.status = MigrationStatus::kFailed;
  ASSERT_TRUE(storage_->catalog().UpdateMigration(other).ok());
  ASSERT_TRUE(migrations_->Retry(caller_, id).ok());
  EXPECT_EQ(storage_->catalog()
                .ClaimMigrationTarget("org_elsewhere", "mig_claimer", "ns_contested", "x")
                .code(),
            StatusCode::kAlreadyExists);
  runner_->WaitIdle();
  ExpectCompletedProgress(migrations_->Get(caller_, id).value());
}

}  // namespace
}  // namespace ferry::migration
