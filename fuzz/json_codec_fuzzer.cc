// Fuzzes the JSON request decoders (codec/): the migration config and every resource's
// create (and patch, list, execute) request, read the way the handlers read them
// (api/handler_support ParseJson: blank is {}, else codec::ParseBody, 64 levels at most),
// then the issues' error body and, for a valid request with an encoder of the same
// shape, the response encoding.
//
// The first byte picks the decoder, counted from 'A': "A{...}" is a namespace create,
// "J{...}" a migration create (table kDecoders below). The rest is the body.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "codec/cluster_codec.h"
#include "codec/codecs.h"
#include "codec/embeddings_codec.h"
#include "codec/json_value.h"
#include "codec/migration_codec.h"
#include "codec/retriever_codec.h"
#include "codec/taxonomy_codec.h"

namespace codec = ferry::codec;
namespace json = boost::json;

namespace {

using Decoder = std::function<void(codec::JsonReader)>;

// The result is encoded (and serialised) only when the request is valid, as handlers do.
template <typename T, typename Encode>
Decoder Encoded(T (*decode)(codec::JsonReader), Encode encode) {
  return [decode, encode](codec::JsonReader body) {
    ferry::model::ValidationIssues* issues = body.issues();
    T value = decode(body);
    if (issues->empty()) (void)codec::Serialize(encode(value));
  };
}

template <typename T>
Decoder Plain(T (*decode)(codec::JsonReader)) {
  return [decode](codec::JsonReader body) { (void)decode(body); };
}

const Decoder kDecoders[] = {
    /*A*/ Plain(&codec::DecodeNamespaceCreate),
    /*B*/ Plain(&codec::DecodeNamespacePatch),
    /*C*/ Plain(&codec::DecodeBucketCreate),
    /*D*/ Encoded(&codec::DecodeBucketSchema, codec::EncodeBucketSchema),
    /*E*/ Plain(&codec::DecodeObjectCreate),
    /*F*/ Plain(&codec::DecodeBatchCreate),
    /*G*/ Plain(&codec::DecodeCollectionCreate),
    /*H*/
    Encoded(
        &codec::DecodeClusterCreate,
        [](const ferry::model::Cluster& c) { return codec::EncodeClusterMetadata(c, "ns_fuzz"); }),
    /*I*/ Plain(&codec::DecodeClusterPatch),
    /*J*/
    Encoded(&codec::DecodeCreateMigration,
            [](const codec::CreateMigrationRequest& r) {
              return codec::EncodeMigrationConfig(r.config);
            }),
    /*K*/ Encoded(&codec::DecodeValidateMigration, codec::EncodeMigrationConfig),
    /*L*/ Encoded(&codec::DecodeMigrationConfig, codec::EncodeMigrationConfig),
    /*M*/ Plain(&codec::DecodeStartMigration),
    /*N*/ Plain(&codec::DecodeCancelMigration),
    /*O*/ Plain(&codec::DecodeListMigrations),
    /*P*/ Plain(&codec::DecodeRetrieverCreate),
    /*Q*/ Plain(&codec::DecodeRetrieverPatch),
    /*R*/ Plain(&codec::DecodeRetrieverExecute),
    /*S*/ Encoded(&codec::DecodeInteraction, codec::EncodeInteraction),
    /*T*/ Plain(&codec::DecodeInteractionQuery),
    /*U*/ Encoded(&codec::DecodeTaxonomyCreate, codec::EncodeTaxonomy),
    /*V*/ Plain(&codec::DecodeTaxonomyPatch),
    /*W*/ Plain(&codec::DecodeTaxonomyList),
    /*X*/ Plain(&codec::DecodeTaxonomyExecute),
};
constexpr size_t kCount = sizeof(kDecoders) / sizeof(kDecoders[0]);
// One past the table: the HTTP extractor's embeddings response (a body Ferry reads from
// a remote server, not from a client).
constexpr size_t kEmbeddings = kCount;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t which = static_cast<uint8_t>(data[0] - 'A') % (kCount + 1);
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (which == kEmbeddings) {
    (void)codec::DecodeEmbeddingsResponse(body, 2, 3);
    (void)codec::DescribeEmbeddingsError(body);
    return 0;
  }
  json::value parsed = json::object();
  if (body.find_first_not_of(" \t\r\n") != std::string_view::npos) {
    auto result = codec::ParseBody(body);
    if (!result.ok()) return 0;
    parsed = std::move(result).value();
  }
  (void)codec::ToJson(codec::FromJson(parsed));
  ferry::model::ValidationIssues issues;
  kDecoders[which](codec::BodyReader(parsed, &issues));
  if (!issues.empty()) (void)codec::Serialize(codec::EncodeValidationIssues(issues));
  return 0;
}
