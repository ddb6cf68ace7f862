#pragma once
// Wire shapes of the clone endpoints: CloneNamespaceRequest (with
// CloneNamespaceResourcesConfig) and CloneNamespaceResponse.

#include <boost/json.hpp>

#include "codec/json_reader.h"
#include "model/clone.h"

namespace ferry::codec {

model::NamespaceCloneRequest DecodeNamespaceCloneRequest(JsonReader body);
// A clone just started: status "cloning", the namespace it creates (its counts 0), the
// migration's task as task_id, cloned_resources null (present when ready).
boost::json::object EncodeNamespaceClone(const model::NamespaceClone& clone);
// CloneCollectionRequest (collection_codec.cc: it shares the create request's decoders);
// absent overrides stay nullopt.
model::CollectionCloneRequest DecodeCollectionClone(JsonReader body);
// CloneCollectionResponse: the new collection (with its document count) and its source.
boost::json::object EncodeCollectionClone(const model::CollectionClone& clone,
                                          const std::string& org_id);

}  // namespace ferry::codec
