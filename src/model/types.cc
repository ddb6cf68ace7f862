#include "model/types.h"

#include <array>
#include <utility>

namespace ferry::model {

namespace {
constexpr std::array<std::pair<FieldType, const char*>, 15> kFieldTypes = {{
    {FieldType::kString, "string"},
    {FieldType::kNumber, "number"},
    {FieldType::kInteger, "integer"},
    {FieldType::kFloat, "float"},
    {FieldType::kBoolean, "boolean"},
    {FieldType::kObject, "object"},
    {FieldType::kArray, "array"},
    {FieldType::kDate, "date"},
    {FieldType::kDatetime, "datetime"},
    {FieldType::kText, "text"},
    {FieldType::kImage, "image"},
    {FieldType::kAudio, "audio"},
    {FieldType::kVideo, "video"},
    {FieldType::kPdf, "pdf"},
    {FieldType::kExcel, "excel"},
}};

constexpr std::array<std::pair<TaskStatus, const char*>, 13> kTaskStatuses = {{
    {TaskStatus::kPending, "PENDING"},
    {TaskStatus::kInProgress, "IN_PROGRESS"},
    {TaskStatus::kProcessing, "PROCESSING"},
    {TaskStatus::kCompleted, "COMPLETED"},
    {TaskStatus::kCompletedWithErrors, "COMPLETED_WITH_ERRORS"},
    {TaskStatus::kFailed, "FAILED"},
    {TaskStatus::kCanceled, "CANCELED"},
    {TaskStatus::kUnknown, "UNKNOWN"},
    {TaskStatus::kSkipped, "SKIPPED"},
    {TaskStatus::kDraft, "DRAFT"},
    {TaskStatus::kActive, "ACTIVE"},
    {TaskStatus::kArchived, "ARCHIVED"},
    {TaskStatus::kSuspended, "SUSPENDED"},
}};

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
}  // namespace

const char* FieldTypeName(FieldType t) { return NameOf(kFieldTypes, t); }
std::optional<FieldType> ParseFieldType(std::string_view name) { return Parse(kFieldTypes, name); }

bool IsStoredAsBlob(FieldType t) {
  switch (t) {
    case FieldType::kText:
    case FieldType::kImage:
    case FieldType::kAudio:
    case FieldType::kVideo:
    case FieldType::kPdf:
    case FieldType::kExcel:
      return true;
    default:
      return false;
  }
}

const char* TaskStatusName(TaskStatus s) { return NameOf(kTaskStatuses, s); }
std::optional<TaskStatus> ParseTaskStatus(std::string_view name) {
  return Parse(kTaskStatuses, name);
}

bool IsTerminal(TaskStatus s) {
  return s == TaskStatus::kCompleted || s == TaskStatus::kCompletedWithErrors ||
         s == TaskStatus::kFailed || s == TaskStatus::kCanceled || s == TaskStatus::kSkipped;
}

const char* SourceTypeName(SourceType t) {
  return t == SourceType::kBucket ? "bucket" : "collection";
}

std::optional<SourceType> ParseSourceType(std::string_view name) {
  if (name == "bucket") return SourceType::kBucket;
  if (name == "collection") return SourceType::kCollection;
  return std::nullopt;
}

}  // namespace ferry::model
