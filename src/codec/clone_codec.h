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

}  // namespace ferry::codec
