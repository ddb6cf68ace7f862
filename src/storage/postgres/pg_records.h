#pragma once
// The backend-independent record encoding (storage/records/: structured fields stored as
// bytes), brought into this backend's namespace.

#include "storage/records/cluster_records.h"
#include "storage/records/migration_record_codec.h"
#include "storage/records/record_codec.h"
#include "storage/records/retriever_records.h"
#include "storage/records/taxonomy_records.h"

namespace ferry::storage::postgres {

using records::CorruptField;
using records::DecodeBatchChecksums;
using records::DecodeBlobs;
using records::DecodeClusterExecutionRecord;
using records::DecodeClusterRecord;
using records::DecodeCounts;
using records::DecodeDependencyGraph;
using records::DecodeExtractor;
using records::DecodeExtractorRefs;
using records::DecodeFloats;
using records::DecodeInteractionRecord;
using records::DecodeMigrationConfig;
using records::DecodeMigrationProgress;
using records::DecodeRetrieverExecutionRecord;
using records::DecodeRetrieverRecord;
using records::DecodeSchema;
using records::DecodeSource;
using records::DecodeStrings;
using records::DecodeTaxonomyApplicationsRecord;
using records::DecodeTaxonomyRecord;
using records::DecodeTiers;
using records::DecodeValidationResult;
using records::DecodeValueBlob;
using records::EncodeBatchChecksums;
using records::EncodeBlobs;
using records::EncodeClusterExecutionRecord;
using records::EncodeClusterRecord;
using records::EncodeCounts;
using records::EncodeDependencyGraph;
using records::EncodeExtractor;
using records::EncodeExtractorRefs;
using records::EncodeFloats;
using records::EncodeInteractionRecord;
using records::EncodeMigrationConfig;
using records::EncodeMigrationProgress;
using records::EncodeRetrieverExecutionRecord;
using records::EncodeRetrieverRecord;
using records::EncodeSchema;
using records::EncodeSource;
using records::EncodeStrings;
using records::EncodeTaxonomyApplicationsRecord;
using records::EncodeTaxonomyRecord;
using records::EncodeTiers;
using records::EncodeValidationResult;
using records::EncodeValueBlob;

}  // namespace ferry::storage::postgres
