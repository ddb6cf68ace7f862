#include "migration/reference_rewrite.h"

namespace ferry::migration {

using model::Value;

ReferenceMap::ReferenceMap(const RunContext& ctx) {
  for (const auto& node : ctx.plan.graph.nodes) {
    ids_[node.resource_id] = ctx.TargetIdOf(node.resource_type, node.resource_id);
  }
  for (const auto& c : ctx.plan.snapshot.collections) {
    auto a = ctx.plan.actions.find(c.collection_id);
    if (a == ctx.plan.actions.end() || a->second.kind != CollectionAction::Kind::kRebuild) {
      continue;
    }
    const auto& from = c.extractor;
    const auto& to = a->second.target_extractor;
    if (from.name == to.name && from.version == to.version) continue;
    uri_prefixes_["mixpeek://" + from.name + "@" + from.version + "/"] =
        "mixpeek://" + to.name + "@" + to.version + "/";
  }
}

std::string ReferenceMap::Id(const std::string& id) const {
  auto it = ids_.find(id);
  return it == ids_.end() ? id : it->second;
}

std::string ReferenceMap::FeatureUri(const std::string& uri) const {
  for (const auto& [from, to] : uri_prefixes_) {
    if (uri.compare(0, from.size(), from) == 0) return to + uri.substr(from.size());
  }
  return uri;
}

Value ReferenceMap::Rewrite(const Value& v) const {
  if (v.is_string()) {
    const std::string& s = v.as_string();
    if (ids_.count(s) > 0) return Value(Id(s));
    if (s.rfind("mixpeek://", 0) == 0) return Value(FeatureUri(s));
    return v;
  }
  if (v.is_array()) {
    model::ValueArray out;
    for (const auto& e : v.as_array()) out.push_back(Rewrite(e));
    return Value(std::move(out));
  }
  if (v.is_object()) {
    model::ValueObject out;
    for (const auto& [k, e] : v.as_object()) out.Set(k, Rewrite(e));
    return Value(std::move(out));
  }
  return v;
}

model::Retriever RewriteRetriever(const ReferenceMap& refs, const model::Retriever& source,
                                  const std::string& target_id) {
  model::Retriever r = source;
  r.retriever_id = target_id;
  for (auto& c : r.collection_ids) c = refs.Id(c);
  for (auto& s : r.stages) s.parameters = refs.Rewrite(s.parameters);
  r.input_schema = refs.Rewrite(r.input_schema);
  return r;
}

}  // namespace ferry::migration
