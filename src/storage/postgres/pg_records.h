#pragma once
// The backend-independent record encoding (structured fields stored as bytes), shared
// with the SQLite backend, brought into this backend's namespace.

#include "storage/sqlite/cluster_records.h"
#include "storage/sqlite/migration_record_codec.h"
#include "storage/sqlite/record_codec.h"
#include "storage/sqlite/retriever_records.h"
#include "storage/sqlite/taxonomy_records.h"

namespace ferry::storage::postgres {

using sqlite::CorruptField;
using sqlite::DecodeClusterExecutionRecord;
using sqlite::DecodeClusterRecord;
using sqlite::DecodeDependencyGraph;
using sqlite::DecodeExtractorRefs;
using sqlite::DecodeInteractionRecord;
using sqlite::DecodeMigrationConfig;
using sqlite::DecodeMigrationProgress;
using sqlite::DecodeRetrieverExecutionRecord;
using sqlite::DecodeRetrieverRecord;
using sqlite::DecodeStrings;
using sqlite::DecodeTaxonomyRecord;
using sqlite::DecodeValidationResult;
using sqlite::DecodeValueBlob;
using sqlite::EncodeClusterExecutionRecord;
using sqlite::EncodeClusterRecord;
using sqlite::EncodeDependencyGraph;
using sqlite::EncodeExtractorRefs;
using sqlite::EncodeInteractionRecord;
using sqlite::EncodeMigrationConfig;
using sqlite::EncodeMigrationProgress;
using sqlite::EncodeRetrieverExecutionRecord;
using sqlite::EncodeRetrieverRecord;
using sqlite::EncodeStrings;
using sqlite::EncodeTaxonomyRecord;
using sqlite::EncodeValidationResult;
using sqlite::EncodeValueBlob;

}  // namespace ferry::storage::postgres
