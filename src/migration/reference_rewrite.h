#pragma once
// Rewiring migrated configs to the target (DESIGN.md §1 "feature URIs", §2): every id of
// a migrated resource becomes its target id, and every feature URI naming an extractor
// version that a re-extraction replaced names the new version.

#include <map>
#include <string>

#include "migration/run_context.h"
#include "model/retriever.h"
#include "model/value.h"

namespace ferry::migration {

// Source→target rewrites for one run: resource ids (every node of the plan's graph) and
// feature-URI prefixes ("mixpeek://name@old/" → "mixpeek://name@new/") of rebuilt
// collections whose extractor version changed.
class ReferenceMap {
 public:
  explicit ReferenceMap(const RunContext& ctx);
  // For tests and callers without a context.
  ReferenceMap(std::map<std::string, std::string> ids,
               std::map<std::string, std::string> uri_prefixes)
      : ids_(std::move(ids)), uri_prefixes_(std::move(uri_prefixes)) {}

  // The target id of a migrated resource; `id` itself when it is not migrated.
  std::string Id(const std::string& id) const;
  bool IsMigrated(const std::string& id) const { return ids_.count(id) > 0; }
  // The URI with its extractor version replaced when a re-extraction changed it.
  std::string FeatureUri(const std::string& uri) const;
  // A deep copy of `v` in which every string equal to a migrated id is mapped and every
  // feature URI rewritten (object keys are left alone).
  model::Value Rewrite(const model::Value& v) const;

 private:
  std::map<std::string, std::string> ids_;
  std::map<std::string, std::string> uri_prefixes_;
};

// The target definition of a source retriever: id per retriever_options (see
// RunContext::TargetIdOf), collection ids mapped, stage parameters rewritten.
model::Retriever RewriteRetriever(const ReferenceMap& refs, const model::Retriever& source,
                                  const std::string& target_id);

}  // namespace ferry::migration
