#pragma once
// The wire shapes of every resource: request decoders (recording ValidationIssues) and
// response encoders (Mixpeek's schema names and fields; unknown optionals as null).

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "codec/json_reader.h"
#include "model/extractor_info.h"
#include "model/requests.h"
#include "model/resources.h"

namespace ferry::codec {

// Namespaces.
model::NamespaceCreate DecodeNamespaceCreate(JsonReader body);
model::NamespacePatch DecodeNamespacePatch(JsonReader body);
boost::json::object EncodeNamespace(const model::Namespace& ns, const model::NamespaceStats& st);

// Buckets. BucketSchema-Input: {properties: {name: {type, required, …}}}.
model::BucketCreate DecodeBucketCreate(JsonReader body);
model::BucketSchema DecodeBucketSchema(JsonReader schema);
boost::json::object EncodeBucketSchema(const model::BucketSchema& schema);
boost::json::object EncodeBucket(const model::Bucket& b, const model::BucketStats& st,
                                 const std::string& org_id);

// Objects. Blob payloads are decoded here (base64 for binary types).
model::ObjectCreate DecodeObjectCreate(JsonReader body);
boost::json::object EncodeObject(const model::Object& o, const std::string& org_id);
// PUT (UpdateObjectRequest): key_prefix and blobs; object metadata is refused (objects
// carry none here). PATCH (PatchObjectRequest): key_prefix, and every other root field
// names a property of `schema` whose blob takes that value (null removes it).
model::ObjectUpdate DecodeObjectUpdate(JsonReader body);
model::ObjectUpdate DecodeObjectPatch(JsonReader body, const model::BucketSchema& schema);

// Batches.
model::BatchCreate DecodeBatchCreate(JsonReader body);
boost::json::object EncodeBatch(const model::Batch& b, const std::string& org_id);

// Collections.
model::CollectionCreate DecodeCollectionCreate(JsonReader body);
boost::json::object EncodeCollection(const model::Collection& c, int64_t document_count,
                                     const std::string& org_id);

// Documents; vectors appear (keyed by vector index name) only when with_vectors.
boost::json::object EncodeDocument(const model::Document& d, const std::string& org_id,
                                   const std::string& namespace_id, bool with_vectors);

// Tasks.
boost::json::object EncodeTask(const model::Task& t);

// Extractors (FeatureExtractorResponseModel).
boost::json::object EncodeExtractorInfo(const model::ExtractorInfo& info);

// Pagination block of list responses (PaginationResponse).
boost::json::object EncodePagination(const model::Page& page, int64_t total, int64_t returned);

// Error envelopes.
boost::json::object EncodeError(int status, const std::string& type, const std::string& message,
                                const boost::json::value& details = nullptr);
boost::json::object EncodeValidationIssues(const model::ValidationIssues& issues);

}  // namespace ferry::codec
