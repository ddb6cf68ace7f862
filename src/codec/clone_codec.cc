#include "codec/clone_codec.h"

#include "codec/codecs.h"

namespace ferry::codec {

namespace json = boost::json;

model::NamespaceCloneRequest DecodeNamespaceCloneRequest(JsonReader body) {
  model::NamespaceCloneRequest req;
  if (!body.ExpectObject()) return req;
  body.RejectNull({"namespace_name"});
  req.namespace_name = body.String("namespace_name", true, limits::kName).value_or("");
  req.description = body.String("description", false);
  req.source_organization_id = body.String("source_organization_id", false);
  JsonReader include = body.Child("include_resources");
  if (include.value() != nullptr && include.ExpectObject()) {
    include.RejectNull({"collections", "retrievers", "taxonomies"});
    req.collections = include.Bool("collections", false).value_or(req.collections);
    req.retrievers = include.Bool("retrievers", false).value_or(req.retrievers);
    req.taxonomies = include.Bool("taxonomies", false).value_or(req.taxonomies);
  }
  return req;
}

json::object EncodeNamespaceClone(const model::NamespaceClone& clone) {
  const auto& task = clone.migration.task_id;
  return json::object{{"namespace", EncodeNamespace(clone.target, model::NamespaceStats{})},
                      {"source_namespace_id", clone.source_namespace_id},
                      {"status", "cloning"},
                      {"task_id", task ? json::value(*task) : json::value(nullptr)},
                      {"cloned_resources", nullptr}};
}

json::object EncodeCollectionClone(const model::CollectionClone& clone, const std::string& org_id) {
  return json::object{
      {"collection", EncodeCollection(clone.collection, clone.documents_copied, org_id)},
      {"source_collection_id", clone.source_collection_id}};
}

}  // namespace ferry::codec
