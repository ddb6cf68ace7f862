#include "migration/run_context.h"

#include "common/crypto.h"

namespace ferry::migration {

std::string MapId(const std::string& migration_id, const std::string& source_id, bool preserve) {
  if (preserve) return source_id;
  size_t underscore = source_id.find('_');
  std::string prefix = underscore == std::string::npos ? "id" : source_id.substr(0, underscore);
  prefix += "_";
  prefix += Sha256Hex(migration_id + "|" + source_id).substr(0, 24);
  return prefix;
}

std::string RunContext::TargetId(const std::string& source_id) const {
  return MapId(migration_id, source_id, config.preserve_resource_ids);
}

}  // namespace ferry::migration
