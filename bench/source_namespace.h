#pragma once
// Builds the benchmark's source namespace: one bucket of N text objects and one
// text_extractor v1 collection over it, with real documents and real vectors.
//
// Bucket and collection go through the services. Objects are written with
// NamespaceStore::UpsertObjects in chunks (the per-object service path stores every text
// in the blob store with two fsyncs each, too slow for 100k objects); each chunk then
// goes through the real batch path — BatchService::Create/Submit and BatchRunner — which
// runs the extractor and writes the documents. At most a few chunks are alive at once,
// so setup memory does not grow with N.

#include <cstdint>
#include <string>

#include "common/result.h"
#include "service/batch_runner.h"
#include "service/batch_service.h"
#include "service/bucket_service.h"
#include "service/collection_service.h"
#include "service/namespace_service.h"

namespace ferry::bench {

struct SourceNamespace {
  std::string namespace_id;
  std::string bucket_id;
  std::string collection_id;
  int64_t objects = 0;
  int64_t documents = 0;
};

// The services the builder uses, all built on the same ServiceDeps.
struct SetupServices {
  service::NamespaceService& namespaces;
  service::BucketService& buckets;
  service::CollectionService& collections;
  service::BatchService& batches;
  service::BatchRunner& runner;
};

// Creates namespace `name` with one bucket of text objects (none written) and one
// text_extractor collection of `extractor_version` over it; `out`'s counts stay 0.
Status CreateTextNamespace(SetupServices services, const service::Caller& caller,
                           const std::string& name, const std::string& extractor_version,
                           SourceNamespace* out);

// Creates namespace `name` with `n` objects (texts SyntheticText(0..n-1)) and their
// documents. Internal when a batch fails or the document count is not n.
Result<SourceNamespace> BuildSourceNamespace(const service::ServiceDeps& deps,
                                             SetupServices services, const service::Caller& caller,
                                             const std::string& name, int64_t n);

}  // namespace ferry::bench
