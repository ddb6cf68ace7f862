// GET …/migrations/{id} through its route function: a running migration is answered from
// memory (on the calling I/O thread, with the one shared encoding of its state), exactly
// as the catalog holds it; another organization gets 404; a finished one is read from
// the catalog.
#include "api/migration_status_route.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>
#include <utility>

#include "codec/json_value.h"
#include "codec/migration_codec.h"
#include "common/crypto.h"
#include "migration/migration_test_fixture.h"
#include "service/auth_service.h"
#include "service/cluster_service.h"
#include "service/taxonomy_service.h"
#include "service/vector_search.h"

namespace ferry::api {
namespace {

using migration::testing_support::MigrationRunnerTest;
using model::MigrationStatus;

constexpr const char* kKey = "sk_route_test_key_0123456789";
constexpr const char* kOtherKey = "sk_route_test_other_0123456789";

class MigrationStatusRouteTest : public MigrationRunnerTest {
 protected:
  void SetUp() override {
    MigrationRunnerTest::SetUp();
    const std::pair<std::string, std::string> keys[] = {{kKey, caller_.org_id},
                                                        {kOtherKey, "org_other"}};
    for (const auto& [secret, org] : keys) {
      ASSERT_TRUE(
          storage_->catalog().InsertApiKey(model::ApiKey{Sha256Hex(secret), org, "test", 1}).ok());
    }
    auth_ = std::make_unique<service::AuthService>(*deps_);
    namespaces_ = std::make_unique<service::NamespaceService>(*deps_);
    buckets_ = std::make_unique<service::BucketService>(*deps_);
    collections_ = std::make_unique<service::CollectionService>(*deps_);
    batch_runner_ = std::make_unique<service::BatchRunner>(*deps_, 1);
    batches_ = std::make_unique<service::BatchService>(*deps_, *batch_runner_);
    vectors_ = std::make_unique<service::VectorSearchService>(service::VectorSearchOptions{});
    retrievers_ = std::make_unique<service::RetrieverService>(*deps_, *vectors_);
    clusters_ = std::make_unique<service::ClusterService>(*deps_);
    taxonomies_ = std::make_unique<service::TaxonomyService>(*deps_, *retrievers_);
    events_ = std::make_unique<MigrationEventHub>(
        [this](const service::Caller& caller,
               const std::string& id) -> Result<std::shared_ptr<const model::Migration>> {
          FERRY_ASSIGN_OR_RETURN(auto view, migrations_->GetStatus(caller, id));
          return view.migration;
        },
        logger_);
    live_ = std::make_unique<migration::LiveMigrations>(*deps_, *validator_, nullptr);
    clones_ = std::make_unique<migration::CloneService>(*deps_, *migrations_, *collections_);
    ctx_ = std::make_unique<ApiContext>(ApiContext{
        *auth_, *namespaces_, *buckets_, *collections_, *batches_, *migrations_, *extractors_,
        logger_, pool_, *retrievers_, *clusters_, *taxonomies_, *events_, *live_, *clones_});
    route_ = MigrationStatusRoute(*ctx_, state_);
  }

  void TearDown() override {
    pool_.Shutdown();
    batch_runner_->Shutdown();
    clusters_->Shutdown();
    MigrationRunnerTest::TearDown();
  }

  struct Answer {
    http::HttpResponse response;
    bool on_calling_thread = false;  // answered by the thread that called the route
  };

  Answer Get(const std::string& id, const std::string& key) {
    http::HttpRequest req;
    req.method = "GET";
    req.path = "/v1/namespaces/migrations/" + id;
    req.headers["authorization"] = "Bearer " + key;
    std::promise<std::pair<http::HttpResponse, std::thread::id>> answered;
    auto future = answered.get_future();
    route_(req, {{"migration_id", id}}, [&answered](http::HttpResponse r) {
      answered.set_value({std::move(r), std::this_thread::get_id()});
    });
    auto [response, thread] = future.get();
    Answer a;
    a.response = std::move(response);
    a.on_calling_thread = thread == std::this_thread::get_id();
    return a;
  }

  static std::string Body(const http::HttpResponse& r) {
    return r.shared_body != nullptr ? *r.shared_body : r.body;
  }

  std::string CatalogBody(const std::string& id) {
    auto m = storage_->catalog().GetMigration(caller_.org_id, id);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return m.ok() ? codec::Serialize(codec::EncodeMigration(*m)) : "";
  }

  // A copy held in_progress: every worker blocked inside UpsertDocuments of the target.
  std::string StartHeld() {
    auto config = Config(model::MigrationType::kCopy);
    std::string id = CreateDraft(config);
    auto& faults = storage_->Faults(migration::MapId(id, source_.ns.namespace_id, false));
    faults.CloseGate();
    EXPECT_TRUE(migrations_->Start(caller_, id, false).ok());
    faults.WaitUntilBlocked(static_cast<int>(config.batch_options->max_workers));
    return id;
  }

  ThreadPool pool_{2};
  std::unique_ptr<service::AuthService> auth_;
  std::unique_ptr<migration::LiveMigrations> live_;
  std::unique_ptr<service::NamespaceService> namespaces_;
  std::unique_ptr<service::BucketService> buckets_;
  std::unique_ptr<service::CollectionService> collections_;
  std::unique_ptr<service::BatchRunner> batch_runner_;
  std::unique_ptr<service::BatchService> batches_;
  std::unique_ptr<service::VectorSearchService> vectors_;
  std::unique_ptr<service::RetrieverService> retrievers_;
  std::unique_ptr<service::ClusterService> clusters_;
  std::unique_ptr<service::TaxonomyService> taxonomies_;
  std::unique_ptr<MigrationEventHub> events_;
  std::unique_ptr<migration::CloneService> clones_;
  std::unique_ptr<ApiContext> ctx_;
  std::shared_ptr<MigrationStatusRouteState> state_ = std::make_shared<MigrationStatusRouteState>();
  http::RouteFn route_;
};

TEST_F(MigrationStatusRouteTest, RunningMigrationIsServedFromMemoryAsTheCatalogHoldsIt) {
  MakeSource();
  std::string id = StartHeld();

  // First use of the key: authenticated on the pool, the state encoded once.
  Answer first = Get(id, kKey);
  EXPECT_FALSE(first.on_calling_thread);
  ASSERT_EQ(first.response.status, 200) << first.response.body;
  ASSERT_NE(first.response.shared_body, nullptr);
  EXPECT_EQ(Body(first.response), CatalogBody(id));
  EXPECT_EQ(state_->bodies.encodes(), 1u);

  // From then on: answered at once, on the calling (I/O) thread, with the same buffer;
  // nothing re-encoded.
  Answer again = Get(id, kKey);
  EXPECT_TRUE(again.on_calling_thread);
  EXPECT_EQ(again.response.status, 200);
  EXPECT_EQ(again.response.shared_body.get(), first.response.shared_body.get());
  EXPECT_EQ(state_->bodies.encodes(), 1u);

  // Another organization: 404, the first time and once its key is known too.
  for (int i = 0; i < 2; ++i) {
    Answer other = Get(id, kOtherKey);
    EXPECT_EQ(other.response.status, 404) << Body(other.response);
    EXPECT_EQ(Body(other.response).find(caller_.org_id), std::string::npos);
  }
  EXPECT_EQ(Get(id, "sk_route_test_unknown_0123456").response.status, 401);

  // A new durable state (the cancel) is a new version, encoded once more.
  ASSERT_TRUE(migrations_->Cancel(caller_, id, std::string("test")).ok());
  Answer cancelled = Get(id, kKey);
  EXPECT_TRUE(cancelled.on_calling_thread);
  EXPECT_EQ(Body(cancelled.response), CatalogBody(id));
  EXPECT_NE(Body(cancelled.response).find("\"status\":\"cancelled\""), std::string::npos);
  EXPECT_EQ(state_->bodies.encodes(), 2u);

  storage_->Faults(migration::MapId(id, source_.ns.namespace_id, false)).OpenGate();
  runner_->WaitIdle();
  Answer done = Get(id, kKey);  // not running: read from the catalog, on the pool
  EXPECT_FALSE(done.on_calling_thread);
  EXPECT_EQ(done.response.status, 200);
  EXPECT_EQ(Body(done.response), CatalogBody(id));
  EXPECT_EQ(Get(id, kOtherKey).response.status, 404);
}

TEST_F(MigrationStatusRouteTest, FinishedMigrationReadsTheFinalStateFromTheCatalog) {
  MakeSource();
  std::string id = CreateDraft(Config(model::MigrationType::kCopy));
  ASSERT_TRUE(migrations_->Start(caller_, id, false).ok());
  runner_->WaitIdle();
  Answer done = Get(id, kKey);
  ASSERT_EQ(done.response.status, 200);
  EXPECT_EQ(Body(done.response), CatalogBody(id));
  EXPECT_NE(Body(done.response).find("\"status\":\"completed\""), std::string::npos);
  EXPECT_EQ(state_->bodies.encodes(), 0u) << "no version, nothing cached";
  EXPECT_EQ(Get("mig_nothing_here", kKey).response.status, 404);
}

}  // namespace
}  // namespace ferry::api
