#pragma once
// Enumerations shared by the resource structs, with their spellings in the API.

#include <optional>
#include <string>
#include <string_view>

namespace ferry::model {

// Bucket schema field types (Mixpeek's BucketSchemaFieldType).
enum class FieldType {
  kString,
  kNumber,
  kInteger,
  kFloat,
  kBoolean,
  kObject,
  kArray,
  kDate,
  kDatetime,
  kText,
  kImage,
  kAudio,
  kVideo,
  kPdf,
  kExcel,
};
const char* FieldTypeName(FieldType t);
std::optional<FieldType> ParseFieldType(std::string_view name);
// True for types whose blob payload is bytes stored in the blob store (image, audio,
// video, pdf, excel) or large text; false for scalar/structured values kept inline.
bool IsStoredAsBlob(FieldType t);

// Mixpeek's TaskStatusEnum.
enum class TaskStatus {
  kPending,
  kInProgress,
  kProcessing,
  kCompleted,
  kCompletedWithErrors,
  kFailed,
  kCanceled,
  kUnknown,
  kSkipped,
  kDraft,
  kActive,
  kArchived,
  kSuspended,
};
const char* TaskStatusName(TaskStatus s);
std::optional<TaskStatus> ParseTaskStatus(std::string_view name);
bool IsTerminal(TaskStatus s);

// Where a collection's documents come from (Mixpeek's SourceType, subset we build).
enum class SourceType { kBucket, kCollection };
const char* SourceTypeName(SourceType t);
std::optional<SourceType> ParseSourceType(std::string_view name);

}  // namespace ferry::model
