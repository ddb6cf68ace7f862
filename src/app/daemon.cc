#include "app/daemon.h"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <thread>

#include "api/http/server.h"
#include "api/routes.h"
#include "api/ui_routes.h"
#include "app/data_dir_lock.h"
#include "app/extractor_config.h"
#include "app/storage_factory.h"
#include "codec/webhook_codec.h"
#include "common/crash_points.h"
#include "common/ids.h"
#include "common/logging.h"
#include "extract/extractor.h"
#include "http_client/http_client.h"
#include "metrics/metered_extractor.h"
#include "metrics/metered_storage.h"
#include "metrics/metrics.h"
#include "metrics/migration_counts.h"
#include "migration/change_log_retention.h"
#include "migration/migration_runner.h"
#include "migration/migration_service.h"
#include "migration/webhooks/curl_poster.h"
#include "migration/webhooks/dispatcher.h"
#include "migration/webhooks/notifier.h"
#include "service/auth_service.h"
#include "service/batch_runner.h"
#include "service/batch_service.h"
#include "service/bucket_service.h"
#include "service/collection_service.h"
#include "service/namespace_service.h"
#include "service/retriever_service.h"
#include "service/vector_search.h"

namespace ferry::app {

namespace {

// Makes sure someone can call the API: FERRY_API_KEY fixes the admin key; otherwise a
// fresh data dir gets an organization and a random key, printed once on stdout.
Status BootstrapKey(service::AuthService& auth, const Logger& logger) {
  const char* fixed = std::getenv("FERRY_API_KEY");
  if (fixed != nullptr && *fixed != '\0') {
    auto key = auth.CreateKey("default", std::string(fixed));
    if (!key.ok()) return key.status();
    logger.Info("admin API key taken from FERRY_API_KEY");
    return Status::Ok();
  }
  FERRY_ASSIGN_OR_RETURN(bool empty, auth.IsEmpty());
  if (!empty) return Status::Ok();
  FERRY_ASSIGN_OR_RETURN(std::string key, auth.CreateKey("default", std::nullopt));
  std::cout << "Created organization 'default'. Admin API key (shown once, store it now):\n  "
            << key << std::endl;
  return Status::Ok();
}

// The owner name of this process's leases (Config::node_name).
std::string NodeName(const Config& config) {
  if (!config.node_name.empty()) return config.node_name;
  if (config.storage.empty()) return "local";
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  return std::string(host[0] != '\0' ? host : "ferryd") + "-" + std::to_string(getpid()) + "-" +
         NewId("n").substr(2, 8);
}

int WaitForTermination() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

}  // namespace

void BlockSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

Status RunDaemon(const Config& config, ExtractorSetup extra_extractors) {
  Logger logger(ParseLogLevel(config.log_level));
  FERRY_ASSIGN_OR_RETURN(auto crash_points, CrashPoints::Parse(config.crash_points));
  // Held until the server stops: `ferryd move-storage` refuses a data directory in use.
  FERRY_ASSIGN_OR_RETURN(auto data_dir_lock, LockEmbeddedDataDir(config));
  FERRY_ASSIGN_OR_RETURN(auto opened_storage, OpenStorage(config, crash_points.get()));
  metrics::Metrics metrics;
  // Everything below reaches storage and extractors through these metered wrappers.
  auto metered = std::make_unique<metrics::MeteredStorageEngine>(*opened_storage, metrics);
  // Held here, before the services: dropping a namespace's data drops its vector indexes.
  service::VectorSearchService vector_search({.index_dir = config.data_dir + "/ns"});
  auto storage = std::make_unique<service::IndexDroppingStorageEngine>(*metered, vector_search);
  metrics.SetMigrationCountSource(
      [&catalog = storage->catalog()] { return metrics::CountMigrationsByStatus(catalog); });
  auto builtin_extractors = extract::ExtractorRegistry::CreateBuiltin(
      {.max_image_pixels = static_cast<int64_t>(config.max_image_pixels)});
  FERRY_RETURN_IF_ERROR(RegisterHttpExtractors(config, *builtin_extractors, logger));
  if (extra_extractors != nullptr) extra_extractors(*builtin_extractors);
  auto extractors = metrics::MeterExtractors(*builtin_extractors, metrics);
  SystemClock clock;
  service::ServiceDeps deps{
      *storage, *extractors, clock, logger, std::chrono::seconds(config.item_timeout_seconds),
      &metrics};
  service::AuthService auth(deps);
  FERRY_RETURN_IF_ERROR(BootstrapKey(auth, logger));

  size_t workers = config.workers != 0 ? config.workers
                                       : std::max<size_t>(2, std::thread::hardware_concurrency());
  service::BatchRunner runner(deps, workers);
  service::NamespaceService namespaces(deps);
  service::BucketService buckets(deps);
  service::CollectionService collections(deps);
  service::BatchService batches(deps, runner);
  namespace webhooks = migration::webhooks;
  http_client::CurlGlobal curl_global;
  webhooks::CurlPosterOptions poster_options;
  poster_options.allow_private_targets = config.webhook_allow_private_targets;
  webhooks::CurlPoster poster(poster_options);
  webhooks::WebhookDispatcherOptions dispatch_options;
  dispatch_options.max_attempts = static_cast<int64_t>(config.webhook_max_attempts);
  dispatch_options.allow_private_targets = config.webhook_allow_private_targets;
  dispatch_options.metrics = &metrics;
  webhooks::WebhookDispatcher dispatcher(storage->catalog(), poster, clock, &logger,
                                         dispatch_options);
  webhooks::WebhookNotifier notifier(storage->catalog(), clock, codec::EncodeWebhookPayload,
                                     &dispatcher);
  migration::ExtractorSpeedTable speeds;
  migration::MigrationValidator validator(deps, speeds, config.webhook_allow_private_targets);
  migration::MigrationRunnerOptions runner_options;
  runner_options.owner = NodeName(config);
  runner_options.execute = config.runs_work();
  runner_options.extraction_threads = config.workers;  // 0: every core
  // On shared storage other processes start migrations, die, and have batches to share.
  if (!config.storage.empty()) runner_options.poll = std::chrono::milliseconds(500);
  migration::MigrationRunner migration_runner(deps, validator, &notifier, runner_options);
  migration::MigrationService migrations(deps, validator, migration_runner);
  migration::LiveOptions live_options;
  live_options.extraction_threads = config.workers;  // 0: every core
  live_options.crash_points = crash_points.get();
  live_options.owner = runner_options.owner;
  // Sync, cutover and rollback (Ferry extensions); stopped before storage closes, also on
  // an early return.
  migration::LiveMigrations live(deps, validator, &notifier, live_options);
  ThreadPool handler_pool(config.handler_threads, "ferry-handler");
  service::RetrieverService retrievers(deps, vector_search);
  service::ClusterService clusters(deps);
  service::TaxonomyService taxonomies(deps, retrievers);
  runner.SetPostProcessor(&taxonomies);
  runner.SetCrashPoints(crash_points.get());
  // Batches stop before `taxonomies` goes, also on an early return.
  struct StopBatches {
    service::BatchRunner& runner;
    ~StopBatches() { runner.Shutdown(); }
  } stop_batches{runner};
  api::MigrationEventHub events(
      [&migrations](const service::Caller& caller,
                    const std::string& id) -> Result<std::shared_ptr<const model::Migration>> {
        FERRY_ASSIGN_OR_RETURN(auto view, migrations.GetStatus(caller, id));
        return view.migration;
      },
      logger);
  migration::CloneService clones(deps, migrations, collections);
  api::ApiContext ctx{auth,       namespaces,  buckets, collections,  batches,
                      migrations, *extractors, logger,  handler_pool, retrievers,
                      clusters,   taxonomies,  events,  live,         clones};
  api::http::Router router;
  if (config.serves_api()) {
    api::RegisterRoutes(router, ctx);
    api::RegisterUiRoutes(router, ctx, ResolveUiDir(config.ui_dir));
  } else {
    api::RegisterHealthRoute(router, ctx);
  }
  api::RegisterMetricsRoute(router, ctx, metrics, config.metrics_require_auth);

  api::http::ServerOptions options;
  options.host = config.host();
  options.port = config.port();
  options.io_threads = config.io_threads;
  options.max_body_bytes = config.max_body_bytes;
  options.max_connections = config.max_connections;
  api::http::HttpServer server(options, api::MakeDispatcher(router, &metrics), logger);
  FERRY_RETURN_IF_ERROR(server.Start());
  // Ingestion batches and cluster executions run in the process whose API received them
  // (docs/postgres.md, "Roles"): a worker resumes none of them.
  if (config.serves_api()) FERRY_RETURN_IF_ERROR(runner.Recover());
  FERRY_RETURN_IF_ERROR(migration_runner.Recover());
  if (config.serves_api()) FERRY_RETURN_IF_ERROR(clusters.Recover());
  // Live syncs follow in the process whose API started them, like ingestion batches.
  if (config.serves_api()) FERRY_RETURN_IF_ERROR(live.Recover());
  migration::ChangeLogTrimmer change_log_trimmer(
      *storage, clock, logger,
      {std::chrono::seconds(config.change_log_retention_seconds),
       std::chrono::milliseconds(config.change_log_trim_interval_ms)});
  if (config.runs_work()) {
    dispatcher.Start();
    change_log_trimmer.Start();
    migration_runner.StartPolling();
  }
  // No data_dir: server paths appear in no message or log.
  logger.Info("ferryd listening", {{"address", options.host + ":" + std::to_string(server.port())},
                                   {"workers", std::to_string(workers)},
                                   {"role", config.role},
                                   {"node", runner_options.owner}});

  int sig = WaitForTermination();
  logger.Info("shutting down", {{"signal", std::to_string(sig)}});
  events.Stop();                // event streams end (their clients reconnect elsewhere)
  server.Stop();                // no new requests; in-flight ones answered
  handler_pool.Shutdown();      // handler bodies done
  live.Shutdown();              // followers stop after their pass; resumed on next start
  runner.Shutdown();            // batches paused at a chunk boundary, resumed on next start
  migration_runner.Shutdown();  // migrations paused at an item boundary, resumed likewise
  clusters.Shutdown();          // queued cluster executions finish
  dispatcher.Stop();            // undelivered webhooks stay in the durable outbox
  change_log_trimmer.Stop();    // a pass in progress ends; the next process trims on
  storage->Close();
  logger.Info("shutdown complete");
  return Status::Ok();
}

Status CreateKeyCommand(const Config& config, const std::string& org) {
  Logger logger(LogLevel::kWarn);
  FERRY_ASSIGN_OR_RETURN(auto storage, OpenStorage(config, nullptr));
  auto extractors = extract::ExtractorRegistry::CreateBuiltin();
  SystemClock clock;
  service::ServiceDeps deps{*storage, *extractors, clock, logger};
  service::AuthService auth(deps);
  FERRY_ASSIGN_OR_RETURN(std::string key, auth.CreateKey(org, std::nullopt));
  std::cout << key << std::endl;
  storage->Close();
  return Status::Ok();
}

}  // namespace ferry::app
