#pragma once
// What the handlers reach: the services and the pool that runs handler bodies off the
// I/O threads. Built by app/ and passed in; no globals.

#include "api/migration_event_hub.h"
#include "common/logging.h"
#include "common/thread_pool.h"
#include "extract/extractor.h"
#include "migration/clone_service.h"
#include "migration/live_migrations.h"
#include "migration/migration_service.h"
#include "service/auth_service.h"
#include "service/batch_service.h"
#include "service/bucket_service.h"
#include "service/cluster_service.h"
#include "service/collection_service.h"
#include "service/namespace_service.h"
#include "service/retriever_service.h"
#include "service/taxonomy_service.h"

namespace ferry::api {

struct ApiContext {
  service::AuthService& auth;
  service::NamespaceService& namespaces;
  service::BucketService& buckets;
  service::CollectionService& collections;
  service::BatchService& batches;
  migration::MigrationService& migrations;
  const extract::ExtractorRegistry& extractors;
  const Logger& logger;
  ThreadPool& handler_pool;
  service::RetrieverService& retrievers;
  service::ClusterService& clusters;
  service::TaxonomyService& taxonomies;
  MigrationEventHub& events;
  migration::LiveMigrations& live;
  migration::CloneService& clones;
};

}  // namespace ferry::api
