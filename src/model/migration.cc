#include "model/migration.h"

#include "model/enum_names.h"

namespace ferry::model {

namespace {

constexpr EnumNames<MigrationType, 3> kTypes = {{
    {MigrationType::kReExtract, "re_extract"},
    {MigrationType::kCopy, "copy"},
    {MigrationType::kExtend, "extend"},
}};

constexpr EnumNames<MigrationStatus, 7> kStatuses = {{
    {MigrationStatus::kDraft, "draft"},
    {MigrationStatus::kValidating, "validating"},
    {MigrationStatus::kPending, "pending"},
    {MigrationStatus::kInProgress, "in_progress"},
    {MigrationStatus::kCompleted, "completed"},
    {MigrationStatus::kFailed, "failed"},
    {MigrationStatus::kCancelled, "cancelled"},
}};

constexpr EnumNames<MigrationStage, 7> kStages = {{
    {MigrationStage::kNamespaceSetup, "namespace_setup"},
    {MigrationStage::kBatchCreation, "batch_creation"},
    {MigrationStage::kBatchProcessing, "batch_processing"},
    {MigrationStage::kClusterExecution, "cluster_execution"},
    {MigrationStage::kTaxonomyEnrichment, "taxonomy_enrichment"},
    {MigrationStage::kBenchmarkEvaluation, "benchmark_evaluation"},
    {MigrationStage::kFinalization, "finalization"},
}};

constexpr EnumNames<ResourceType, 5> kResourceTypes = {{
    {ResourceType::kBucket, "bucket"},
    {ResourceType::kCollection, "collection"},
    {ResourceType::kTaxonomy, "taxonomy"},
    {ResourceType::kCluster, "cluster"},
    {ResourceType::kRetriever, "retriever"},
}};
}  // namespace

const char* MigrationTypeName(MigrationType t) { return NameOf(kTypes, t); }
std::optional<MigrationType> ParseMigrationType(std::string_view n) { return ParseName(kTypes, n); }
const char* MigrationStatusName(MigrationStatus s) { return NameOf(kStatuses, s); }
std::optional<MigrationStatus> ParseMigrationStatus(std::string_view n) {
  return ParseName(kStatuses, n);
}
bool IsTerminal(MigrationStatus s) {
  return s == MigrationStatus::kCompleted || s == MigrationStatus::kFailed ||
         s == MigrationStatus::kCancelled;
}
const char* MigrationStageName(MigrationStage s) { return NameOf(kStages, s); }
std::optional<MigrationStage> ParseMigrationStage(std::string_view n) {
  return ParseName(kStages, n);
}
const char* ResourceTypeName(ResourceType t) { return NameOf(kResourceTypes, t); }
std::optional<ResourceType> ParseResourceType(std::string_view n) {
  return ParseName(kResourceTypes, n);
}

}  // namespace ferry::model
