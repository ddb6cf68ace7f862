// Taxonomies in migrations: target taxonomies with rewritten references, collections'
// taxonomy_applications mapped, taxonomy_options one at a time (preserve_taxonomy_ids,
// preserve_enrichment_fields, re_run_enrichment, migrate_reference_collections),
// selection by taxonomy_ids, and a dry run.
#include "migration/migration_test_fixture.h"
#include "service/retriever_service.h"
#include "service/taxonomy_service.h"
#include "service/vector_search.h"

namespace ferry::migration {
namespace {

using namespace testing_support;  // NOLINT(build/namespaces): the fixture's helpers
using model::MigrationStage;
using model::MigrationStatus;
using model::MigrationType;
using model::Value;
using model::ValueArray;
using model::ValueObject;

Value Obj(std::initializer_list<std::pair<const char*, Value>> kv) {
  ValueObject o;
  for (const auto& [k, v] : kv) o.Set(k, v);
  return Value(std::move(o));
}

class TaxonomyMigrationTest : public MigrationRunnerTest {
 protected:
  // The fixture's source, plus: a retriever over `sentences`, a flat taxonomy matching
  // against `sentences`, and a collection `labelled` over the bucket that applies it
  // (one document per sentence, filled by a batch, so every labelled document carries the
  // enrichment: the identical sentence of `sentences`).
  void MakeTaxonomySource() {
    MakeSource();
    retrievers_ = std::make_unique<service::RetrieverService>(*deps_, vectors_);
    taxonomies_ = std::make_unique<service::TaxonomyService>(*deps_, *retrievers_);
    model::RetrieverCreate create;
    create.retriever_name = "finder";
    create.collections = {sentences_.collection_id};
    Value search = Obj({{"feature_uri", kV1Uri},
                        {"query", Obj({{"input_mode", "text"}, {"text", "{{inputs.query}}"}})},
                        {"top_k", int64_t{5}}});
    create.stages = {{"search", std::nullopt, "feature_search",
                      Obj({{"searches", Value(ValueArray{search})}, {"final_top_k", int64_t{3}}}),
                      std::nullopt}};
    model::ValidationIssues issues;
    auto r = retrievers_->Create(source_, create, &issues);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    retriever_ = *r;

    model::Taxonomy t;
    t.taxonomy_name = "nearest";
    t.retriever_id = retriever_.retriever_id;
    t.input_mappings =
        std::vector<model::InputMapping>{{"query", "payload", std::string("text"), Value()}};
    t.source_collection_id = sentences_.collection_id;
    t.enrichment_fields = std::vector<model::EnrichmentField>{
        {"chunk_index", std::nullopt, "replace"}, {"text", std::string("nearest_text"), "replace"}};
    auto created = taxonomies_->Create(source_, t, &issues);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    taxonomy_ = *created;

    service::CollectionService collections(*deps_);
    model::CollectionCreate cc;
    cc.collection_name = "labelled";
    cc.source.bucket_ids = {bucket_.bucket_id};
    cc.extractor.name = "text_extractor";
    cc.extractor.version = "v1";
    model::ValueObject params;
    params.Set("split_by", "sentences");
    params.Set("chunk_size", 1);
    cc.extractor.parameters = Value(std::move(params));
    model::TaxonomyApplication app;
    app.taxonomy_id = taxonomy_.taxonomy_id;
    cc.taxonomy_applications = {app};
    auto col = collections.Create(source_, cc, &issues);
    ASSERT_TRUE(col.ok()) << col.status().ToString();
    labelled_ = *col;

    service::BatchRunner batch_runner(*deps_, 2);
    batch_runner.SetPostProcessor(taxonomies_.get());
    service::BatchService batches(*deps_, batch_runner);
    model::BatchCreate bcr;
    bcr.object_ids = object_ids_;
    auto batch = batches.Create(source_, bucket_, bcr, &issues);
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    ASSERT_TRUE(batches.Submit(caller_, source_, bucket_, batch->batch_id).ok());
    batch_runner.WaitIdle();
    for (const auto& d : Take(source_.store->ListDocuments(labelled_.collection_id, kAll, false))) {
      ASSERT_NE(d.fields.Get("nearest_text"), nullptr) << d.document_id;
      ASSERT_NE(d.fields.Get("_taxonomy_chunk_index"), nullptr) << d.document_id;
      enriched_[d.fields.Get("text")->as_string()] = d.fields.Get("nearest_text")->as_string();
    }
    // Each labelled sentence's best match is the identical sentence of `sentences`.
    ASSERT_EQ(enriched_.size(), static_cast<size_t>(2 * kObjects));
    for (const auto& [text, nearest] : enriched_) ASSERT_EQ(text, nearest);
  }

  // Sets nearest_text of every source labelled document to "stale".
  void MakeSourceEnrichmentStale() {
    auto docs = Take(source_.store->ListDocuments(labelled_.collection_id, kAll, true));
    for (auto& d : docs) {
      ValueObject f = d.fields.as_object();
      f.Set("nearest_text", "stale");
      d.fields = Value(std::move(f));
    }
    ASSERT_TRUE(source_.store->UpsertDocuments(docs).ok());
  }

  model::MigrationConfig WithOptions(model::TaxonomyOptions o) {
    auto c = Config(MigrationType::kCopy);
    c.taxonomy_options = o;
    return c;
  }

  // The target's labelled documents: text → nearest_text ("" when absent), and
  // whether any carries a "_taxonomy_" field.
  std::map<std::string, std::string> TargetEnrichment(const model::Migration& m,
                                                      bool* any_taxonomy_field) {
    auto target = Target(m);
    std::map<std::string, std::string> out;
    *any_taxonomy_field = false;
    auto c = Take(target->GetCollectionByName("labelled"));
    for (const auto& d : Take(target->ListDocuments(c.collection_id, kAll, false))) {
      const Value* v = d.fields.Get("nearest_text");
      EXPECT_NE(d.fields.Get("text"), nullptr);
      out[d.fields.Get("text")->as_string()] = v != nullptr ? v->as_string() : "";
      for (const auto& [k, value] : d.fields.as_object()) {
        *any_taxonomy_field |= k.rfind("_taxonomy_", 0) == 0;
      }
    }
    return out;
  }

  static const model::StageProgress& Stage(const model::Migration& m) {
    return m.progress.stages[static_cast<int>(MigrationStage::kTaxonomyEnrichment)];
  }

  service::VectorSearchService vectors_{service::VectorSearchOptions{}};
  std::unique_ptr<service::RetrieverService> retrievers_;
  std::unique_ptr<service::TaxonomyService> taxonomies_;
  model::Retriever retriever_;
  model::Taxonomy taxonomy_;
  model::Collection labelled_;
  std::map<std::string, std::string> enriched_;  // labelled text → nearest_text
};

TEST_F(TaxonomyMigrationTest, DefaultsKeepIdsAndEnrichmentAndRewriteReferences) {
  MakeTaxonomySource();
  model::Migration m = Run(Config(MigrationType::kCopy));
  ExpectCompletedProgress(m);
  auto target = Target(m);
  auto t = Take(target->GetTaxonomy(taxonomy_.taxonomy_id));  // preserve_taxonomy_ids
  EXPECT_EQ(t.taxonomy_name, "nearest");
  auto sentences = Take(target->GetCollectionByName("sentences"));
  EXPECT_NE(sentences.collection_id, sentences_.collection_id);
  EXPECT_EQ(t.source_collection_id, sentences.collection_id);
  auto finder = Take(target->GetRetrieverByName("finder"));
  EXPECT_EQ(t.retriever_id, finder.retriever_id);
  auto labelled = Take(target->GetCollectionByName("labelled"));
  ASSERT_EQ(labelled.taxonomy_applications.size(), 1u);
  EXPECT_EQ(labelled.taxonomy_applications[0].taxonomy_id, taxonomy_.taxonomy_id);
  bool any = false;
  EXPECT_EQ(TargetEnrichment(m, &any), enriched_);
  EXPECT_TRUE(any);
  EXPECT_EQ(Stage(m).items_total, 0);
}

TEST_F(TaxonomyMigrationTest, PreserveTaxonomyIdsFalseMapsTheIdEverywhere) {
  MakeTaxonomySource();
  model::TaxonomyOptions o;
  o.preserve_taxonomy_ids = false;
  model::Migration m = Run(WithOptions(o));
  ExpectCompletedProgress(m);
  auto target = Target(m);
  auto t = Take(target->GetTaxonomyByName("nearest"));
  EXPECT_EQ(t.taxonomy_id, MapId(m.migration_id, taxonomy_.taxonomy_id, false));
  EXPECT_NE(t.taxonomy_id, taxonomy_.taxonomy_id);
  EXPECT_EQ(target->GetTaxonomy(taxonomy_.taxonomy_id).status().code(), StatusCode::kNotFound);
  auto labelled = Take(target->GetCollectionByName("labelled"));
  ASSERT_EQ(labelled.taxonomy_applications.size(), 1u);
  EXPECT_EQ(labelled.taxonomy_applications[0].taxonomy_id, t.taxonomy_id);
}

TEST_F(TaxonomyMigrationTest, PreserveEnrichmentFieldsFalseStripsThem) {
  MakeTaxonomySource();
  model::TaxonomyOptions o;
  o.preserve_enrichment_fields = false;
  model::Migration m = Run(WithOptions(o));
  ExpectCompletedProgress(m);  // verification leaves the stripped fields out
  bool any = true;
  auto got = TargetEnrichment(m, &any);
  EXPECT_FALSE(any);
  ASSERT_EQ(got.size(), static_cast<size_t>(2 * kObjects));
  for (const auto& [text, nearest] : got) EXPECT_EQ(nearest, "") << text;
  // Every target document of every collection was looked at once.
  EXPECT_EQ(Stage(m).items_total, 3 * 2 * kObjects);
  // The source keeps its fields.
  for (const auto& d : Take(source_.store->ListDocuments(labelled_.collection_id, kAll, false))) {
    EXPECT_NE(d.fields.Get("nearest_text"), nullptr);
  }
}

TEST_F(TaxonomyMigrationTest, ReRunEnrichmentRecomputesAgainstTheTarget) {
  MakeTaxonomySource();
  MakeSourceEnrichmentStale();
  bool any = false;
  model::Migration kept = Run(Config(MigrationType::kCopy));
  ExpectCompletedProgress(kept);
  for (const auto& [text, nearest] : TargetEnrichment(kept, &any)) EXPECT_EQ(nearest, "stale");

  model::TaxonomyOptions o;
  o.re_run_enrichment = true;
  model::Migration m = Run(WithOptions(o));
  ExpectCompletedProgress(m);
  EXPECT_EQ(TargetEnrichment(m, &any), enriched_);
  EXPECT_EQ(Stage(m).items_total, 2 * kObjects);
  EXPECT_EQ(Stage(m).items_failed, 0);
  // The source is untouched.
  for (const auto& d : Take(source_.store->ListDocuments(labelled_.collection_id, kAll, false))) {
    EXPECT_EQ(*d.fields.Get("nearest_text"), Value("stale"));
  }
}

TEST_F(TaxonomyMigrationTest, ReRunAfterReExtractUsesTheRewrittenRetriever) {
  MakeTaxonomySource();
  MakeSourceEnrichmentStale();
  auto c = Config(MigrationType::kReExtract);  // text_extractor v1 → v2 everywhere
  model::TaxonomyOptions o;
  o.re_run_enrichment = true;
  c.taxonomy_options = o;
  model::Migration m = Run(c);
  ExpectCompletedProgress(m);
  bool any = false;
  auto got = TargetEnrichment(m, &any);
  // v2 embeddings of identical sentences still match each other best.
  EXPECT_EQ(got, enriched_);
  EXPECT_EQ(Stage(m).items_failed, 0);
}

TEST_F(TaxonomyMigrationTest, SelectionByTaxonomyIdsAndMigrateReferenceCollections) {
  MakeTaxonomySource();
  auto c = Config(MigrationType::kCopy);
  model::ResourceFilter f;
  f.taxonomy_ids = std::vector<std::string>{taxonomy_.taxonomy_id};
  f.auto_include_dependencies = false;
  c.filters = f;
  auto plan = std::move(validator_->Validate(caller_.org_id, c)).value();
  EXPECT_TRUE(plan.result.valid) << plan.result.errors.front().msg;
  EXPECT_EQ(plan.graph.execution_order,
            std::vector<std::string>(
                {bucket_.bucket_id, sentences_.collection_id, taxonomy_.taxonomy_id}));
  EXPECT_EQ(plan.result.estimated_resources["taxonomy"], 1);
  // The taxonomy's retriever is not selected: a warning, not an error.
  ASSERT_EQ(plan.result.warnings.size(), 1u);
  EXPECT_EQ(plan.result.warnings[0].type, "unmigrated_reference");
  model::Migration m = Run(c);
  ExpectCompletedProgress(m);
  auto target = Target(m);
  EXPECT_TRUE(target->GetTaxonomy(taxonomy_.taxonomy_id).ok());
  EXPECT_EQ(Take(target->CountCollections()), 1);
  EXPECT_EQ(Take(target->CountDocuments(MapId(m.migration_id, sentences_.collection_id, false))),
            2 * kObjects);

  model::TaxonomyOptions off;
  off.migrate_reference_collections = false;
  c.taxonomy_options = off;
  auto refused = std::move(validator_->Validate(caller_.org_id, c)).value();
  EXPECT_FALSE(refused.result.valid);
  ASSERT_FALSE(refused.result.errors.empty());
  EXPECT_EQ(refused.result.errors[0].type, "missing_dependency");
}

TEST_F(TaxonomyMigrationTest, DryRunWritesNothing) {
  MakeTaxonomySource();
  std::string before = DumpSource();
  auto c = Config(MigrationType::kCopy);
  model::TaxonomyOptions o;
  o.preserve_enrichment_fields = false;
  o.re_run_enrichment = true;
  c.taxonomy_options = o;
  c.dry_run = true;
  model::Migration m = Run(c);
  EXPECT_EQ(m.status, MigrationStatus::kCompleted) << m.error_message.value_or("");
  EXPECT_EQ(storage_->OpenNamespace(TargetId(m)).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Stage(m).status, MigrationStatus::kCompleted);
  EXPECT_EQ(Stage(m).items_total, 0);
  EXPECT_EQ(DumpSource(), before);
}

}  // namespace
}  // namespace ferry::migration
