#include "model/migration.h"

#include <array>
#include <utility>

namespace ferry::model {

namespace {
template <typename E, size_t N>
const char* NameOf(const std::array<std::pair<E, const char*>, N>& table, E e) {
  for (const auto& [k, v] : table) {
    if (k == e) return v;
  }
  return "";
}

template <typename E, size_t N>
std::optional<E> Parse(const std::array<std::pair<E, const char*>, N>& table,
                       std::string_view name) {
  for (const auto& [k, v] : table) {
    if (name == v) return k;
  }
  return std::nullopt;
}

constexpr std::array<std::pair<MigrationType, const char*>, 3> kTypes = {{
    {MigrationType::kReExtract, "re_extract"},
    {MigrationType::kCopy, "copy"},
    {MigrationType::kExtend, "extend"},
}};

constexpr std::array<std::pair<MigrationStatus, const char*>, 7> kStatuses = {{
    {MigrationStatus::kDraft, "draft"},
    {MigrationStatus::kValidating, "validating"},
    {MigrationStatus::kPending, "pending"},
    {MigrationStatus::kInProgress, "in_progress"},
    {MigrationStatus::kCompleted, "completed"},
    {MigrationStatus::kFailed, "failed"},
    {MigrationStatus::kCancelled, "cancelled"},
}};

constexpr std::array<std::pair<MigrationStage, const char*>, 7> kStages = {{
    {MigrationStage::kNamespaceSetup, "namespace_setup"},
    {MigrationStage::kBatchCreation, "batch_creation"},
    {MigrationStage::kBatchProcessing, "batch_processing"},
    {MigrationStage::kClusterExecution, "cluster_execution"},
    {MigrationStage::kTaxonomyEnrichment, "taxonomy_enrichment"},
    {MigrationStage::kBenchmarkEvaluation, "benchmark_evaluation"},
    {MigrationStage::kFinalization, "finalization"},
}};

constexpr std::array<std::pair<ResourceType, const char*>, 5> kResourceTypes = {{
    {ResourceType::kBucket, "bucket"},
    {ResourceType::kCollection, "collection"},
    {ResourceType::kTaxonomy, "taxonomy"},
    {ResourceType::kCluster, "cluster"},
    {ResourceType::kRetriever, "retriever"},
}};
}  // namespace

const char* MigrationTypeName(MigrationType t) { return NameOf(kTypes, t); }
std::optional<MigrationType> ParseMigrationType(std::string_view n) { return Parse(kTypes, n); }
const char* MigrationStatusName(MigrationStatus s) { return NameOf(kStatuses, s); }
std::optional<MigrationStatus> ParseMigrationStatus(std::string_view n) {
  return Parse(kStatuses, n);
}
bool IsTerminal(MigrationStatus s) {
  return s == MigrationStatus::kCompleted || s == MigrationStatus::kFailed ||
         s == MigrationStatus::kCancelled;
}
const char* MigrationStageName(MigrationStage s) { return NameOf(kStages, s); }
std::optional<MigrationStage> ParseMigrationStage(std::string_view n) { return Parse(kStages, n); }
const char* ResourceTypeName(ResourceType t) { return NameOf(kResourceTypes, t); }
std::optional<ResourceType> ParseResourceType(std::string_view n) {
  return Parse(kResourceTypes, n);
}

}  // namespace ferry::model
