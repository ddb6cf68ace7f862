#pragma once
// Clones (issue 13 §1): POST /v1/namespaces/{id}/clone and POST /v1/collections/{id}/clone.
// A clone runs on the migration engine as a copy migration.

#include <optional>
#include <string>
#include <vector>

#include "model/migration.h"
#include "model/requests.h"
#include "model/resources.h"

namespace ferry::model {

// CloneNamespaceRequest (with CloneNamespaceResourcesConfig's defaults).
struct NamespaceCloneRequest {
  std::string namespace_name;
  bool collections = true;  // with their documents and vectors (and clusters)
  bool retrievers = true;
  bool taxonomies = false;
  std::optional<std::string> description;  // the source's when absent
  std::optional<std::string> source_organization_id;
};

// What a started namespace clone is: the namespace it creates (as the copy's
// namespace_setup creates it), its source and the copy migration that fills it.
struct NamespaceClone {
  Namespace target;
  std::string source_namespace_id;
  Migration migration;
};

// CloneCollectionRequest: a new name, and optional overrides of the source's settings.
struct CollectionCloneRequest {
  std::string collection_name;
  std::optional<std::string> description;
  std::optional<CollectionSource> source;
  std::optional<CollectionExtractor> extractor;  // feature_extractor
  std::optional<bool> enabled;
  std::optional<Value> metadata;
  std::optional<std::vector<TaxonomyApplication>> taxonomy_applications;
};

// A collection clone: the new collection, its source, and how many documents were copied
// into it.
struct CollectionClone {
  Collection collection;
  std::string source_collection_id;
  int64_t documents_copied = 0;
};

}  // namespace ferry::model
