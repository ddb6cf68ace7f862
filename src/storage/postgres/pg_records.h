#pragma once
// The backend-independent record encoding (structured fields stored as bytes), shared
// with the SQLite backend, brought into this backend's namespace.

#include "storage/sqlite/migration_record_codec.h"
#include "storage/sqlite/record_codec.h"

namespace ferry::storage::postgres {

using sqlite::CorruptField;
using sqlite::DecodeDependencyGraph;
using sqlite::DecodeExtractorRefs;
using sqlite::DecodeMigrationConfig;
using sqlite::DecodeMigrationProgress;
using sqlite::DecodeStrings;
using sqlite::DecodeValidationResult;
using sqlite::DecodeValueBlob;
using sqlite::EncodeDependencyGraph;
using sqlite::EncodeExtractorRefs;
using sqlite::EncodeMigrationConfig;
using sqlite::EncodeMigrationProgress;
using sqlite::EncodeStrings;
using sqlite::EncodeValidationResult;
using sqlite::EncodeValueBlob;

}  // namespace ferry::storage::postgres
