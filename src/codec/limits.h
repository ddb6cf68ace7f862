#pragma once
// Size limits of request fields: what a decoder accepts before anything is stored, so a
// client cannot make the server keep (and later list) unbounded data. Where Mixpeek's
// spec gives a maxLength / maxItems the limit is the spec's (named below); elsewhere it is
// Ferry's own. The table for clients is docs/api-limits.md; api/openapi.json carries the
// same numbers (tools/gen_openapi.py). Over a limit, the decoder records a 422 issue with
// the field's loc, FastAPI's types: string_too_long, too_long.

#include <cstddef>

namespace ferry::codec::limits {

// Any string field without a tighter limit, in characters (Unicode code points).
inline constexpr size_t kString = 10'000;
// Any list field without a tighter limit, in items (the spec's largest request list,
// BatchDeleteDocumentsRequest.document_ids, has maxItems 1000).
inline constexpr size_t kList = 1'000;
// Resource names: namespace, bucket, collection, retriever, taxonomy, cluster (spec:
// CollectionModel.collection_name and InstantiateScaffoldRequest's names, maxLength 100).
inline constexpr size_t kName = 100;
// URLs a client gives (a migration's webhook_url) (spec: ExternalLink.url, maxLength 2048).
inline constexpr size_t kUrl = 2'048;
// A blob's property name (spec: CreateBlobRequest.property, maxLength 100).
inline constexpr size_t kBlobProperty = 100;
// Feature extractors of one namespace.
inline constexpr size_t kFeatureExtractors = 32;
// Payload indexes of one namespace.
inline constexpr size_t kPayloadIndexes = 64;
// Fields of one bucket schema.
inline constexpr size_t kSchemaFields = 256;
// Blobs of one object.
inline constexpr size_t kBlobs = 100;
// Object ids given to one batch at its creation.
inline constexpr size_t kBatchObjects = 10'000;
// Nesting of a request body (ParseBody refuses deeper JSON), and so of the fields a dotted
// property name ("a.b.c", one level per segment) may address in a document update.
inline constexpr size_t kJsonDepth = 64;
// Stages of one retriever.
inline constexpr size_t kStages = 32;
// A retriever stage's parameters (config.parameters, or the rest of config without it),
// and the inputs of one retriever execution, each measured as compact JSON, in bytes.
inline constexpr size_t kStageParametersBytes = 1024 * 1024;
inline constexpr size_t kExecuteInputsBytes = 1024 * 1024;
// A metadata object (of a bucket, batch, blob, collection, retriever interaction,
// cluster or taxonomy), measured as compact JSON, in bytes.
inline constexpr size_t kMetadataBytes = 64 * 1024;

}  // namespace ferry::codec::limits
