// JSON null in request bodies: refused with pydantic's type error where Mixpeek's spec does
// not mark a property nullable (JsonReader::RejectNull), read as absent where it does.

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "codec/batch_task_codec.h"
#include "codec/clone_codec.h"
#include "codec/cluster_codec.h"
#include "codec/codecs.h"
#include "codec/document_write_codec.h"
#include "codec/list_codec.h"
#include "codec/migration_codec.h"
#include "codec/retriever_codec.h"
#include "codec/taxonomy_codec.h"

namespace ferry::codec {
namespace {

namespace json = boost::json;

constexpr char kModelMessage[] =
    "Input should be a valid dictionary or object to extract fields from";

// "/body/a/0/b type: msg" for each issue.
std::vector<std::string> Describe(const model::ValidationIssues& issues) {
  std::vector<std::string> out;
  for (const auto& i : issues) {
    std::string s;
    for (const auto& part : i.loc) {
      s += "/";
      s += part.is_string() ? part.as_string() : std::to_string(part.as_int());
    }
    out.push_back(s + " " + i.type + ": " + i.msg);
  }
  return out;
}

using Decoder = std::function<void(JsonReader)>;

std::vector<std::string> Decode(const Decoder& decode, const char* text) {
  json::value body = json::parse(text);
  model::ValidationIssues issues;
  decode(BodyReader(body, &issues));
  return Describe(issues);
}

using Strings = std::vector<std::string>;

// ---- The mechanism ----

TEST(CodecNullTest, RejectNullTurnsNullFromAbsentIntoPydanticsTypeError) {
  json::value body = json::parse(R"({"s": null, "b": null, "i": null, "n": null, "e2": null,
      "e3": null, "e1": null, "l": null, "el": null, "o": null, "m": null, "a": null})");
  model::ValidationIssues issues;
  JsonReader r = BodyReader(body, &issues);
  // Not declared: null is absent, for every getter.
  EXPECT_FALSE(r.String("s", false));
  EXPECT_FALSE(r.Bool("b", false));
  EXPECT_FALSE(r.Int("i", false, 0, 10));
  EXPECT_FALSE(r.Enum("e2", false, {"x", "y"}));
  EXPECT_FALSE(r.StringList("l", false));
  EXPECT_TRUE(r.Elements("el", false).empty());
  EXPECT_TRUE(r.ObjectValue("o").is_null());
  EXPECT_EQ(r.Member("m"), nullptr);
  EXPECT_EQ(r.Child("m").value(), nullptr);
  EXPECT_TRUE(issues.empty());
  EXPECT_FALSE(r.String("s", true));  // required and not declared: missing, as before
  EXPECT_EQ(Describe(issues), Strings{"/body/s missing: Field required"});
  issues.clear();

  r.RejectNull({"s", "b", "i", "e2", "e3", "e1", "l", "el", "o", "m", "a", "absent"});
  EXPECT_FALSE(r.String("s", false));
  EXPECT_FALSE(r.Bool("b", false));
  EXPECT_FALSE(r.Int("i", false, 0, 10));
  EXPECT_FALSE(r.Int("n", false, 0, 10));  // not declared: absent
  EXPECT_FALSE(r.Enum("e2", false, {"x", "y"}));
  EXPECT_FALSE(r.Enum("e3", true, {"x", "y", "z"}));
  EXPECT_FALSE(r.Enum("e1", false, {"x"}));
  EXPECT_FALSE(r.StringList("l", false));
  EXPECT_TRUE(r.Elements("el", false).empty());
  EXPECT_TRUE(r.ObjectValue("o").is_null());
  EXPECT_FALSE(r.Child("m").ExpectObject());
  EXPECT_TRUE(r.Any("a").is_null());      // Any takes null as a value
  EXPECT_FALSE(r.Bool("absent", false));  // declared and absent: the default
  EXPECT_EQ(Describe(issues),
            (Strings{"/body/s string_type: Input should be a valid string",
                     "/body/b bool_type: Input should be a valid boolean",
                     "/body/i int_type: Input should be a valid integer",
                     "/body/e2 enum: Input should be 'x' or 'y'",
                     "/body/e3 enum: Input should be 'x', 'y' or 'z'",
                     "/body/e1 enum: Input should be 'x'",
                     "/body/l list_type: Input should be a valid list",
                     "/body/el list_type: Input should be a valid list",
                     "/body/o dict_type: Input should be a valid dictionary",
                     std::string("/body/m model_attributes_type: ") + kModelMessage}));
}

TEST(CodecNullTest, RequiredAndDeclaredNullIsATypeErrorNotMissing) {
  json::value body = json::parse(R"({"s": null})");
  model::ValidationIssues issues;
  JsonReader r = BodyReader(body, &issues);
  r.RejectNull({"s", "t"});
  EXPECT_FALSE(r.String("s", true));
  EXPECT_FALSE(r.String("t", true));
  EXPECT_EQ(Describe(issues), (Strings{"/body/s string_type: Input should be a valid string",
                                       "/body/t missing: Field required"}));
}

TEST(CodecNullTest, ANullArrayElementIsANullModelButANullBodyIsNot) {
  EXPECT_EQ(
      Decode(DecodeNamespaceCreate, R"({"namespace_name": "n", "feature_extractors": [null]})"),
      Strings{std::string("/body/feature_extractors/0 model_attributes_type: ") + kModelMessage});
  // The body itself is the handler's to answer (absent); a decoder given it says dict_type.
  EXPECT_EQ(Decode(DecodeBucketCreate, "null"),
            Strings{"/body dict_type: Input should be a valid dictionary"});
}

// ---- Representative fields of each decoder ----

struct Refused {
  const char* what;
  Decoder decode;
  const char* body;
  std::string issue;
};

TEST(CodecNullTest, NullIsRefusedExactlyWhereTheSpecDoesNotAllowIt) {
  const std::string model = std::string(" model_attributes_type: ") + kModelMessage;
  const std::vector<Refused> cases = {
      {"BucketCreateRequest.metadata", DecodeBucketCreate,
       R"({"bucket_name": "b", "bucket_schema": {"properties": {}}, "metadata": null})",
       "/body/metadata dict_type: Input should be a valid dictionary"},
      {"BucketCreateRequest.bucket_schema", DecodeBucketCreate,
       R"({"bucket_name": "b", "bucket_schema": null})", "/body/bucket_schema" + model},
      {"BucketCreateRequest.bucket_name", DecodeBucketCreate,
       R"({"bucket_name": null, "bucket_schema": {"properties": {}}})",
       "/body/bucket_name string_type: Input should be a valid string"},
      {"BucketSchemaField (a null field definition)", DecodeBucketCreate,
       R"({"bucket_name": "b", "bucket_schema": {"properties": {"a": null}}})",
       "/body/bucket_schema/properties/a" + model},
      {"BucketSchema-Input.properties", DecodeBucketCreate,
       R"({"bucket_name": "b", "bucket_schema": {"properties": null}})",
       "/body/bucket_schema/properties dict_type: Input should be a valid dictionary"},
      {"CreateObjectRequest.skip_duplicates", DecodeObjectCreate,
       R"({"blobs": [], "skip_duplicates": null})",
       "/body/skip_duplicates bool_type: Input should be a valid boolean"},
      {"CreateBlobRequest.type", DecodeObjectCreate,
       R"({"blobs": [{"property": "p", "type": null, "data": "x"}]})",
       "/body/blobs/0/type enum: Input should be 'string', 'number', 'integer', 'float', "
       "'boolean', 'object', 'array', 'date', 'datetime', 'text', 'image', 'audio', 'video', "
       "'pdf' or 'excel'"},
      {"CreateCollectionRequest.enabled", DecodeCollectionCreate,
       R"({"collection_name": "c", "source": {"type": "bucket", "bucket_ids": ["b"]},
           "feature_extractor": {"feature_extractor_name": "x", "version": "v1"},
           "enabled": null})",
       "/body/enabled bool_type: Input should be a valid boolean"},
      {"CreateCollectionRequest.source", DecodeCollectionCreate,
       R"({"collection_name": "c", "source": null,
           "feature_extractor": {"feature_extractor_name": "x", "version": "v1"}})",
       "/body/source" + model},
      {"FeatureExtractorConfig.input_mappings", DecodeCollectionCreate,
       R"({"collection_name": "c", "source": {"type": "bucket", "bucket_ids": ["b"]},
           "feature_extractor": {"feature_extractor_name": "x", "version": "v1",
                                 "input_mappings": null}})",
       "/body/feature_extractor/input_mappings dict_type: Input should be a valid dictionary or "
       "list"},
      {"TaxonomyApplicationConfig.priority", DecodeCollectionCreate,
       R"({"collection_name": "c", "source": {"type": "bucket", "bucket_ids": ["b"]},
           "feature_extractor": {"feature_extractor_name": "x", "version": "v1"},
           "taxonomy_applications": [{"taxonomy_id": "t", "priority": null}]})",
       "/body/taxonomy_applications/0/priority int_type: Input should be a valid integer"},
      {"CreateNamespaceRequest.feature_extractors", DecodeNamespaceCreate,
       R"({"namespace_name": "n", "feature_extractors": null})",
       "/body/feature_extractors list_type: Input should be a valid list"},
      {"PayloadIndexConfig.is_protected", DecodeNamespaceCreate,
       R"({"namespace_name": "n", "feature_extractors": [],
           "payload_indexes": [{"field_name": "f", "type": "keyword", "is_protected": null}]})",
       "/body/payload_indexes/0/is_protected bool_type: Input should be a valid boolean"},
      {"CloneNamespaceResourcesConfig.collections", DecodeNamespaceCloneRequest,
       R"({"namespace_name": "n", "include_resources": {"collections": null}})",
       "/body/include_resources/collections bool_type: Input should be a valid boolean"},
      {"CreateClusterRequest.cluster_type", DecodeClusterCreate,
       R"({"collection_ids": ["c"], "cluster_type": null,
           "vector_config": {"clustering_method": "kmeans"}})",
       "/body/cluster_type enum: Input should be 'vector' or 'attribute'"},
      {"VectorBasedConfig.normalize_features", DecodeClusterCreate,
       R"({"collection_ids": ["c"],
           "vector_config": {"clustering_method": "kmeans", "normalize_features": null}})",
       "/body/vector_config/normalize_features bool_type: Input should be a valid boolean"},
      {"CreateRetrieverRequest.budget_limits", DecodeRetrieverCreate,
       R"({"retriever_name": "r", "stages": [], "budget_limits": null})",
       "/body/budget_limits" + model},
      {"CreateRetrieverRequest.tags", DecodeRetrieverCreate,
       R"({"retriever_name": "r", "stages": [], "tags": null})",
       "/body/tags list_type: Input should be a valid list"},
      {"CreateRetrieverRequest.collection_ids (with collection_identifiers)", DecodeRetrieverCreate,
       R"({"retriever_name": "r", "stages": [], "collection_identifiers": ["c"],
           "collection_ids": null})",
       "/body/collection_ids list_type: Input should be a valid list"},
      {"StageConfig.config", DecodeRetrieverCreate,
       R"({"retriever_name": "r", "stages": [{"stage_name": "s", "config": null}]})",
       "/body/stages/0/config dict_type: Input should be a valid dictionary"},
      {"ExecuteRetrieverRequest.pagination", DecodeRetrieverExecute,
       R"({"inputs": {}, "pagination": null})", "/body/pagination" + model},
      {"OffsetPaginationParams.page_size", DecodeRetrieverExecute,
       R"({"pagination": {"method": "offset", "page_size": null}})",
       "/body/pagination/page_size int_type: Input should be a valid integer"},
      {"ExecuteRetrieverRequest.stream", DecodeRetrieverExecute, R"({"stream": null})",
       "/body/stream bool_type: Input should be a valid boolean"},
      {"SearchInteraction.position", DecodeInteraction,
       R"({"feature_id": "d", "interaction_type": ["click"], "position": null})",
       "/body/position int_type: Input should be a valid integer"},
      {"CreateTaxonomyRequest.config", DecodeTaxonomyCreate,
       R"({"taxonomy_name": "t", "config": null})", "/body/config" + model},
      {"EnrichmentField.merge_mode", DecodeTaxonomyCreate,
       R"({"taxonomy_name": "t", "config": {"retriever_id": "r",
           "input_mappings": [{"input_key": "q", "path": "text"}],
           "source_collection": {"collection_id": "c",
               "enrichment_fields": [{"field_path": "x", "merge_mode": null}]}}})",
       "/body/config/source_collection/enrichment_fields/0/merge_mode enum: Input should be "
       "'replace' or 'append'"},
      {"ListTaxonomiesRequest.case_sensitive", DecodeTaxonomyList, R"({"case_sensitive": null})",
       "/body/case_sensitive bool_type: Input should be a valid boolean"},
      {"ListBatchesRequest.limit", DecodeBatchList, R"({"limit": null})",
       "/body/limit int_type: Input should be a valid integer"},
      {"RetryBatchRequest.retry_mode", DecodeBatchRetry, R"({"retry_mode": null})",
       "/body/retry_mode enum: Input should be 'transient_only' or 'all'"},
      {"DocumentCreateRequest.features", DecodeDocumentCreate,
       R"({"collection_id": "c", "features": null})",
       "/body/features list_type: Input should be a valid list"},
      {"DocumentCreateRequest.collection_id", DecodeDocumentCreate, R"({"collection_id": null})",
       "/body/collection_id string_type: Input should be a valid string"},
      {"BulkUpdateDocumentsRequest.update_data", DecodeDocumentBulkUpdate,
       R"({"update_data": null})",
       "/body/update_data dict_type: Input should be a valid dictionary"},
      {"BatchDocumentUpdate.update_data", DecodeDocumentBatchUpdate,
       R"({"updates": [{"document_id": "d", "update_data": null}]})",
       "/body/updates/0/update_data dict_type: Input should be a valid dictionary"},
      {"FilterCondition.operator", DecodeDocumentBulkUpdate,
       R"({"update_data": {"a": 1},
           "filters": {"AND": [{"field": "a", "operator": null, "value": 1}]}})",
       "/body/filters/AND/0/operator enum: Input should be 'eq', 'ne', 'gt', 'lt', 'gte', "
       "'lte', 'in', 'nin', 'contains', 'starts_with', 'ends_with', 'regex', 'exists', "
       "'is_null' or 'text'"},
      {"CreateMigrationRequest.config", DecodeCreateMigration, R"({"config": null})",
       "/body/config" + model},
      {"FerrySyncMigrationRequest.follow", DecodeSyncMigration, R"({"follow": null})",
       "/body/follow bool_type: Input should be a valid boolean"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(Decode(c.decode, c.body), Strings{c.issue}) << c.what;
  }

  // ... while nullable ones (anyOf with null) take null for absent.
  const std::vector<std::pair<Decoder, const char*>> nullable = {
      {DecodeBucketCreate,
       R"({"bucket_name": "b", "description": null, "unique_key": null,
           "bucket_schema": {"properties": {"a": {"type": "text", "required": null}}}})"},
      {DecodeObjectCreate,
       R"({"key_prefix": null, "blobs": [{"property": "p", "type": "text", "data": "x",
           "key_prefix": null, "metadata": null}]})"},
      {[](JsonReader r) { DecodeObjectUpdate(r); },
       R"({"key_prefix": null, "blobs": null, "metadata": null, "skip_duplicates": null})"},
      {DecodeCollectionClone,
       R"({"collection_name": "c", "description": null, "enabled": null, "metadata": null,
           "source": null, "feature_extractor": null, "taxonomy_applications": null})"},
      {DecodeNamespacePatch,
       R"({"namespace_name": null, "description": null, "payload_indexes": null,
           "auto_create_indexes": null, "infrastructure": null})"},
      {DecodeNamespaceCreate,
       R"({"namespace_name": "n", "feature_extractors": [], "namespace_type": null,
           "auto_create_indexes": null, "payload_indexes": null, "description": null})"},
      {DecodeClusterCreate,
       R"({"collection_ids": ["c"], "cluster_name": null, "description": null, "filters": null,
           "llm_labeling": null, "source_enrichment_config": null, "metadata": null,
           "vector_config": {"clustering_method": "kmeans", "feature_uris": null,
                             "algorithm_params": null}})"},
      {DecodeRetrieverCreate,
       R"({"retriever_name": "r", "stages": [], "description": null, "display_config": null,
           "marketplace_listing_id": null})"},
      {DecodeRetrieverPatch,
       R"({"retriever_name": null, "description": null, "tags": null, "display_config": null})"},
      {DecodeInteraction,
       R"({"feature_id": "d", "interaction_type": ["click"], "position": 0, "metadata": null,
           "user_id": null, "document_score": null, "result_set_size": null})"},
      {DecodeDocumentList,
       R"({"filters": null, "cursor": null, "return_vectors": null, "return_url": null,
           "search": null, "sort": null, "select": null, "group_by": null})"},
      {DecodeDocumentCreate,
       R"({"collection_id": "c", "source_type": null, "root_object_id": null,
           "lineage_path": null, "document_schema_version": null})"},
      {DecodeTaskList, R"({"status": null, "task_type": null, "filters": null})"},
      {DecodeBatchRetry, R"({"tier_nums": null})"},
      {DecodeListMigrations, R"({"status": null, "migration_type": null})"},
      // ExecuteTaxonomyRequest's body is anyOf [the model, any object]: null is never refused.
      {DecodeTaxonomyExecute, R"({"batch_size": null, "join_mode": null,
                                  "target_collection_id": "c"})"},
  };
  for (size_t i = 0; i < nullable.size(); ++i) {
    EXPECT_EQ(Decode(nullable[i].first, nullable[i].second), Strings{}) << i;
  }
}

}  // namespace
}  // namespace ferry::codec
