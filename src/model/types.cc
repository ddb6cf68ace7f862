#include "model/types.h"

#include "model/enum_names.h"

namespace ferry::model {

namespace {
constexpr EnumNames<FieldType, 15> kFieldTypes = {{
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

constexpr EnumNames<TaskStatus, 13> kTaskStatuses = {{
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

}  // namespace

const char* FieldTypeName(FieldType t) { return NameOf(kFieldTypes, t); }
std::optional<FieldType> ParseFieldType(std::string_view name) {
  return ParseName(kFieldTypes, name);
}

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
  return ParseName(kTaskStatuses, name);
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
