#pragma once
// VectorSearchService: nearest-neighbour search over one feature of one collection, with
// a cache of vector indexes built from storage. Owned by app/ and passed down.
//
// Index choice: a collection with at most `hnsw_threshold` documents carrying the feature
// is searched with an ExactIndex (exact cosine); above it, with an HnswIndex
// (approximate) that is also saved to `index_dir`/<namespace>.<collection>.<feature>.hnsw
// (+ ".ids" and ".version"), so a restart loads it instead of rebuilding.
//
// Freshness policy: every search first reads the collection's fingerprint
// (NamespaceStore::GetCollectionVersion: document count, newest updated_at and a counter
// of document writes). When it differs from the one the cached (or saved) index was built at, the
// index is rebuilt from storage before searching, so results always reflect every write
// committed before the search began. Rebuilds are lazy (on the next search), not per write.
//
// Thread-safe: searches of different indexes run in parallel; one index is built at a
// time, and searches of it wait for the build.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "index/vector_index.h"
#include "service/namespace_service.h"
#include "storage/forwarding_storage_engine.h"

namespace ferry::service {

struct VectorSearchOptions {
  // Where HNSW indexes are saved; "" keeps them in memory only. Default "".
  std::string index_dir;
  // Largest collection searched exactly. Default index::kHnswThreshold.
  size_t hnsw_threshold = index::kHnswThreshold;
};

class VectorSearchService {
 public:
  explicit VectorSearchService(VectorSearchOptions options) : options_(std::move(options)) {}

  // The best `k` documents of `collection_id` having a vector for `feature_uri`, accepted
  // by `filter`, by cosine similarity to `query` (RanksBefore order). Empty when no
  // document has the feature. InvalidArgument when the query's size differs from the
  // feature's dimension or its norm is zero.
  Result<std::vector<index::Hit>> Search(const NamespaceHandle& h, const std::string& collection_id,
                                         const std::string& feature_uri,
                                         std::span<const float> query, size_t k,
                                         const index::IdFilter& filter = nullptr);

  // Drops the cached indexes of a namespace (saved files stay); searches rebuild or
  // reload them. Searches in flight keep the index they hold.
  void Forget(const std::string& namespace_id);
  // Forgets a namespace that is gone: its cached indexes and its saved files.
  void Drop(const std::string& namespace_id);

  // Indexes built from storage so far (cache misses and rebuilds; loads from disk are not
  // counted). For tests of the freshness policy.
  int64_t builds() const;

  // The file an HNSW index of this feature is saved to ("" without index_dir).
  std::string IndexPath(const std::string& namespace_id, const std::string& collection_id,
                        const std::string& feature_uri) const;

 private:
  struct Entry {
    std::mutex mu;  // held while checking freshness and (re)building
    bool ready = false;
    model::CollectionVersion version;
    std::shared_ptr<index::VectorIndex> index;  // null: no document has the feature
  };

  std::shared_ptr<Entry> EntryFor(const std::string& key);
  // Brings `e` up to `version`: loads the saved HNSW index when it matches, else builds.
  // REQUIRES: e->mu held.
  Status Refresh(const NamespaceHandle& h, const std::string& collection_id,
                 const std::string& feature_uri, const model::CollectionVersion& version, Entry* e);

  const VectorSearchOptions options_;
  mutable std::mutex mu_;  // guards entries_ and builds_
  std::map<std::string, std::shared_ptr<Entry>> entries_;
  int64_t builds_ = 0;
};

// The storage engine as the server's services see it: dropping a namespace's data (a
// DELETE, a failed or rolled-back migration's target) also drops its vector indexes, so
// neither their memory nor a deleted tenant's vectors on disk outlive the namespace. A
// namespace dropped by another process on shared storage keeps this process's indexes
// until it restarts (they are never searched again).
class IndexDroppingStorageEngine : public storage::ForwardingStorageEngine {
 public:
  IndexDroppingStorageEngine(storage::StorageEngine& target, VectorSearchService& vectors)
      : ForwardingStorageEngine(target), vectors_(vectors) {}
  Status DropNamespaceData(const std::string& namespace_id) override;

 private:
  VectorSearchService& vectors_;
};

}  // namespace ferry::service
