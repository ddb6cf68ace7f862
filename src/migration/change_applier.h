#pragma once
// ChangeApplier: carries the client writes of one namespace's change log (storage/
// change_log_store.h) to the other namespace of a live migration — forward (sync and
// cutover: source → target) or back (rollback: target → source). It applies the items'
// current state, not the log's history: each changed item is read once from the `from`
// side and written as it is now (upserted, or deleted when it is gone), so applying the
// same entries again changes nothing (idempotent, resumable after a crash).
//
// - Objects are copied with their ids mapped; an object whose content (blobs: values,
//   content hashes, metadata) equals the other side's is skipped, and so are its
//   documents: nothing is re-extracted for it.
// - Copied collections: documents copied with ids and lineage mapped (skipped when
//   equal), deleted when gone; an extended collection's extra vectors are recomputed.
// - Rebuilt collections (re_extract, and everything downstream of a rebuilt collection):
//   a changed object's documents are re-derived on the `to` side with that side's
//   collection definition and extractor, in tier order so downstream collections read
//   their upstream's new documents; documents left over from the old version (fewer
//   chunks) are removed; a deleted object's documents are removed. A client write to a
//   document of a rebuilt collection re-derives its object's documents (they are a
//   function of the object); a document deleted on its own there is not carried.

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/timeout_runner.h"
#include "extract/extractor.h"
#include "service/service_deps.h"
#include "storage/change_log_store.h"
#include "storage/namespace_store.h"

namespace ferry::migration {

// One collection of the migration, seen from the side changes come from.
struct ApplyCollection {
  std::string from_id;
  model::Collection to;  // its definition on the side changes go to
  bool rebuild = false;
  // For a rebuilt collection fed by another collection: that collection's `from` id.
  std::string upstream_from_id;
  // Root buckets (`from` ids) of the collection's documents.
  std::vector<std::string> root_buckets;
  // Extractors whose vectors are added to each copied document (extend).
  std::vector<std::pair<const extract::FeatureExtractor*, model::Value>> extra;
  // Feature URIs whose vectors are not carried (a rollback of extend drops the added ones).
  std::set<std::string> drop_features;
};

struct ApplyPlan {
  storage::NamespaceStore* from = nullptr;
  storage::NamespaceStore* to = nullptr;
  // Maps an item or resource id of the `from` side to the `to` side.
  std::function<std::string(const std::string&)> map_id;
  std::map<std::string, std::string> buckets;  // `from` bucket id → `to` bucket id
  std::vector<ApplyCollection> collections;    // in execution (tier) order
  std::string batch_id;                        // recorded on re-derived documents
};

struct ApplyCounts {
  int64_t objects_upserted = 0;
  int64_t objects_deleted = 0;
  int64_t objects_skipped = 0;  // unchanged content: not copied, not re-extracted
  int64_t documents_upserted = 0;
  int64_t documents_deleted = 0;
  int64_t documents_skipped = 0;
  int64_t objects_rederived = 0;  // objects whose documents were re-extracted
  int64_t items = 0;              // distinct items the entries named
  ApplyCounts& operator+=(const ApplyCounts& o);
};

class ChangeApplier {
 public:
  // `pool` (not owned, may be null) runs the extractions of rebuilt documents.
  ChangeApplier(const service::ServiceDeps& deps, ApplyPlan plan, TimeoutPool* pool)
      : deps_(deps), plan_(std::move(plan)), pool_(pool) {}

  // Applies the items named by `entries` (any order; entries of resources outside the
  // plan are ignored). Stops at the first storage error, having written a prefix that a
  // later call with the same entries completes.
  Result<ApplyCounts> Apply(const std::vector<storage::ChangeEntry>& entries);

 private:
  using Roots = std::map<std::string, std::set<std::string>>;  // from resource → root ids
  Status ApplyObjects(const std::string& from_bucket, const std::set<std::string>& ids,
                      ApplyCounts& counts, Roots& changed_roots);
  Status ApplyCopiedDocuments(const ApplyCollection& c, const std::set<std::string>& ids,
                              ApplyCounts& counts);
  Status Rederive(const ApplyCollection& c, const std::set<std::string>& roots,
                  ApplyCounts& counts);
  Status AddExtraVectors(const ApplyCollection& c, model::Document& doc);
  // A lineage path ("bkt_…/col_…") with each id mapped.
  std::string MapPath(const std::string& path) const;

  const service::ServiceDeps& deps_;
  ApplyPlan plan_;
  TimeoutPool* pool_;
};

}  // namespace ferry::migration
