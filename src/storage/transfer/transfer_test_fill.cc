#include "storage/transfer/transfer_test_fill.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "storage/conformance/storage_conformance.h"

namespace ferry::storage::transfer::testing {
namespace {

using storage::testing::SampleValue;

model::Taxonomy Taxonomy() {
  model::Taxonomy t;
  t.taxonomy_id = "tax_1";
  t.taxonomy_name = "labels";
  t.description = "labels";
  t.retriever_id = "ret_1";
  t.input_mappings =
      std::vector<model::InputMapping>{{"query", "payload", std::string("text"), model::Value()}};
  t.source_collection_id = "col_1";
  t.enrichment_fields = std::vector<model::EnrichmentField>{{"category", std::nullopt, "replace"}};
  t.metadata = SampleValue();
  t.version = 2;
  t.created_at = 300;
  t.updated_at = 307;
  return t;
}

model::Cluster Cluster() {
  model::Cluster c;
  c.cluster_id = "clust_1";
  c.cluster_name = "groups";
  c.description = "groups things";
  c.collection_ids = {"col_1"};
  c.feature_uris = {"mixpeek://text_extractor@v1/embedding"};
  c.algorithm_params = SampleValue();
  c.metadata = SampleValue();
  c.status = model::TaskStatus::kCompleted;
  c.last_run_id = "run_1";
  c.num_clusters = 2;
  c.created_at = 400;
  c.updated_at = 405;
  return c;
}

model::ClusterExecution ClusterRun(const std::string& artifact_hash) {
  model::ClusterExecution e;
  e.run_id = "run_1";
  e.cluster_id = "clust_1";
  e.status = "completed";
  e.num_clusters = 2;
  e.num_points = 3;
  e.silhouette_score = 0.75;
  e.centroids = {{"cl_0", "Cluster 0", 2, {0.5f, -1.25f}}, {"cl_1", "Cluster 1", 1, {1.0f, 0.0f}}};
  e.artifacts = {{"members", artifact_hash, 99, "text/tab-separated-values"}};
  e.created_at = 410;
  e.completed_at = 413;
  return e;
}

model::Retriever Retriever() {
  model::Retriever r;
  r.retriever_id = "ret_1";
  r.retriever_name = "finder";
  r.description = "finds things";
  r.collection_ids = {"col_1"};
  model::RetrieverStage s;
  s.stage_name = "search";
  s.stage_type = "filter";
  s.stage_id = "feature_search";
  s.parameters = SampleValue();
  r.stages = {s};
  r.tags = {"x"};
  r.version = 3;
  r.created_at = 500;
  r.updated_at = 505;
  return r;
}

model::RetrieverExecution Execution() {
  model::RetrieverExecution e;
  e.execution_id = "exec_1";
  e.retriever_id = "ret_1";
  e.inputs = SampleValue();
  e.results = {{"doc_1", "col_1", 0.75}};
  e.stages = {{"search", 10, 2, 1.5}};
  e.total_processed = 10;
  e.latency_ms = 2.25;
  e.created_at = 510;
  e.completed_at = 512;
  return e;
}

model::Interaction Interaction(const std::string& id, TimestampMs created_at) {
  model::Interaction i;
  i.interaction_id = id;
  i.feature_id = "doc_1";
  i.interaction_type = {"click"};
  i.position = 2;
  i.metadata = SampleValue();
  i.user_id = "u1";
  i.execution_id = "exec_1";
  i.retriever_id = "ret_1";
  i.document_score = 0.5;
  i.created_at = created_at;
  return i;
}

model::MigrationFailedItem FailedItem(const std::string& item_id, const std::string& status) {
  model::MigrationFailedItem f;
  f.migration_id = "mig_1";
  f.item_id = item_id;
  f.resource_id = "bkt_1";
  f.resource_type = model::ResourceType::kBucket;
  f.batch_no = 2;
  f.error = "extractor said no";
  f.attempts = 3;
  f.status = status;
  f.created_at = 700;
  f.updated_at = 701;
  return f;
}

model::WebhookEvent Webhook(const std::string& delivery_id, const std::string& status) {
  model::WebhookEvent e;
  e.delivery_id = delivery_id;
  e.org_id = "org_a";
  e.migration_id = "mig_1";
  e.event = "migration.started";
  e.url = "https://example.com/hook";
  e.body = std::string("{\"event\":1}") + '\0' + "tail";
  e.attempts = 2;
  e.next_attempt_at = 800;
  e.status = status;
  e.last_error = "HTTP 500";
  e.created_at = 790;
  return e;
}

Status FillCatalog(CatalogStore& c) {
  FERRY_RETURN_IF_ERROR(c.InsertOrganization({"org_a", "acme", 10}));
  FERRY_RETURN_IF_ERROR(c.InsertOrganization({"org_b", "empty", 20}));
  FERRY_RETURN_IF_ERROR(c.InsertApiKey({std::string(64, 'a'), "org_a", "default", 11}));
  FERRY_RETURN_IF_ERROR(c.InsertApiKey({std::string(64, 'b'), "org_a", "ci", 12}));
  FERRY_RETURN_IF_ERROR(c.SetWebhookSecret("org_a", "whsec_test_secret"));
  FERRY_RETURN_IF_ERROR(
      c.InsertNamespace(storage::testing::SampleNamespace("org_a", "ns_move", "moving")));
  FERRY_RETURN_IF_ERROR(
      c.UpsertTask(storage::testing::SampleTask("org_a", "task_1", model::TaskStatus::kCompleted)));
  model::Migration m = storage::testing::SampleMigration("org_a", "mig_1");
  m.status = model::MigrationStatus::kInProgress;
  m.config.source_namespace_id = "ns_move";
  m.config.target_namespace_id = "ns_target";
  m.config.target_namespace_name = "moving-v2";
  FERRY_RETURN_IF_ERROR(c.InsertMigration(m));
  FERRY_RETURN_IF_ERROR(c.ClaimMigrationTarget("org_a", "mig_1", "ns_target", "moving-v2"));
  model::MigrationBatch done = storage::testing::SampleMigrationBatch("mig_1", 1);
  done.status = "completed";
  done.completed_by = "ferryd-host-1";
  FERRY_RETURN_IF_ERROR(
      c.ImportMigrationBatches({done, storage::testing::SampleMigrationBatch("mig_1", 2)}));
  FERRY_RETURN_IF_ERROR(c.ImportMigrationFailedItems(
      {FailedItem("obj_1", "resolved"), FailedItem("obj_2", "failed")}));
  FERRY_RETURN_IF_ERROR(c.EnqueueWebhook(Webhook("whd_1", "delivered")).status());
  return c.EnqueueWebhook(Webhook("whd_2", "pending")).status();
}

Status FillNamespace(NamespaceStore& ns, const std::string& blob_hash,
                     const std::string& artifact_hash) {
  FERRY_RETURN_IF_ERROR(ns.InsertBucket(storage::testing::SampleBucket("bkt_1", "files")));
  // Both objects hold the same bytes: one blob, referenced twice.
  model::Object first = storage::testing::SampleObject("bkt_1", "obj_1");
  model::Object second = storage::testing::SampleObject("bkt_1", "obj_2");
  first.blobs[0].content_hash = blob_hash;
  second.blobs[0].content_hash = blob_hash;
  FERRY_RETURN_IF_ERROR(ns.UpsertObjects({first, second}));
  FERRY_RETURN_IF_ERROR(ns.UpsertBatch(storage::testing::SampleBatch("bkt_1", "btch_1")));
  FERRY_RETURN_IF_ERROR(ns.InsertCollection(storage::testing::SampleCollection("col_1", "docs")));
  FERRY_RETURN_IF_ERROR(
      ns.UpsertDocuments({storage::testing::SampleDocument("col_1", "doc_1", "obj_1"),
                          storage::testing::SampleDocument("col_1", "doc_2", "obj_2")}));
  FERRY_RETURN_IF_ERROR(ns.InsertTaxonomy(Taxonomy()));
  FERRY_RETURN_IF_ERROR(ns.InsertCluster(Cluster()));
  FERRY_RETURN_IF_ERROR(ns.UpsertClusterExecution(ClusterRun(artifact_hash)));
  FERRY_RETURN_IF_ERROR(ns.InsertRetriever(Retriever()));
  FERRY_RETURN_IF_ERROR(ns.InsertExecution(Execution()));
  FERRY_RETURN_IF_ERROR(ns.InsertInteraction(Interaction("int_1", 520)));
  return ns.InsertInteraction(Interaction("int_2", 530));
}

}  // namespace

Status FillEveryKind(StorageEngine& engine) {
  FERRY_RETURN_IF_ERROR(engine.CreateNamespaceData("ns_move"));
  FERRY_RETURN_IF_ERROR(FillCatalog(engine.catalog()));
  FERRY_ASSIGN_OR_RETURN(std::string hash, engine.blobs().Put("the bytes of obj_1"));
  FERRY_ASSIGN_OR_RETURN(std::string artifact, engine.blobs().Put("cl_0\tobj_1\n"));
  FERRY_ASSIGN_OR_RETURN(std::shared_ptr<NamespaceStore> ns, engine.OpenNamespace("ns_move"));
  return FillNamespace(*ns, hash, artifact);
}

}  // namespace ferry::storage::transfer::testing
