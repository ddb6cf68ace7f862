#pragma once
// HnswIndex: approximate cosine search over an hnswlib HierarchicalNSW graph with the
// inner-product space. Stored vectors and queries are unit length, so hnswlib's distance
// 1 - <q, v> gives score = 1 - distance = cosine similarity, the same scale as
// ExactIndex. Results are approximate: measured recall@10 against ExactIndex is in
// docs/index-benchmarks.md.
//
// Upserting an existing id updates its vector in place (hnswlib re-links the node's
// neighbourhood); Remove marks it deleted, which hides it from searches while the node
// still routes them. A removed id keeps its slot, so upserting it again reuses it.
// Capacity doubles (hnswlib resizeIndex) whenever a new id does not fit.
//
// hnswlib reports failures with exceptions; none leave this class: they become Status.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>

#include "index/hnsw_id_map.h"
#include "index/vector_index.h"

namespace hnswlib {
template <typename dist_t>
class HierarchicalNSW;
class InnerProductSpace;
}  // namespace hnswlib

namespace ferry::index {

struct HnswOptions {
  // Graph degree (hnswlib M): links per node on upper layers, 2*M on the base layer.
  // Higher raises recall, memory (about 8*M bytes per vector) and build time. Default 16.
  size_t m = 16;
  // Candidate list size while inserting; higher builds a better graph, slower. Default 200.
  size_t ef_construction = 200;
  // Candidate list size while searching (at least k is used); the recall/latency knob,
  // changeable later with SetEfSearch. Default 128: on random (worst-case) unit vectors,
  // 5k × 64-d, recall@10 is 0.90 at 64 and 0.98 at 128 (docs/index-benchmarks.md).
  size_t ef_search = 128;
  // Slots allocated up front; the graph doubles when full. Default 1024.
  size_t initial_capacity = 1024;
  // Seed of hnswlib's level generator: the same inserts in the same order build the same
  // graph. Default 100 (hnswlib's own default).
  uint64_t random_seed = 100;

  // InvalidArgument unless 2 <= m <= 1024, ef_construction >= 1, ef_search >= 1 and
  // initial_capacity >= 1.
  Status Validate() const;
};

class HnswIndex final : public VectorIndex {
 public:
  // An empty index. InvalidArgument for dimension 0 or invalid options;
  // ResourceExhausted if the initial capacity cannot be allocated.
  static Result<std::unique_ptr<HnswIndex>> Create(size_t dimension,
                                                   const HnswOptions& options = {});

  // Opens an index written by Save(path). The graph's own M and ef_construction come from
  // the file; of `options` only ef_search applies. NotFound if either file is missing;
  // InvalidArgument if it was saved with another dimension; DataLoss if the files are
  // corrupt or do not belong together.
  static Result<std::unique_ptr<HnswIndex>> Load(const std::string& path, size_t dimension,
                                                 const HnswOptions& options = {});

  ~HnswIndex() override;

  size_t Size() const override;
  Status Remove(std::string_view id) override;

  // Sets the search candidate list size. InvalidArgument if ef == 0.
  Status SetEfSearch(size_t ef);

  // Writes the graph to `path` and the id map to IdFilePath(path), each to a temporary
  // file that is synced and then renamed over the target, so each file is either old or
  // new after a crash (the pair is checked for consistency by Load). Searches may run
  // meanwhile; writes wait. Internal on I/O failure.
  Status Save(const std::string& path) const;

  // The sidecar file holding the id map of the index saved at `path`.
  static std::string IdFilePath(const std::string& path) { return path + ".ids"; }

 protected:
  Status Write(std::string_view id, std::vector<float> unit, WriteMode mode) override;
  Result<std::vector<Hit>> SearchUnit(std::span<const float> unit_query, size_t k,
                                      const IdFilter& filter) const override;

 private:
  using Graph = hnswlib::HierarchicalNSW<float>;

  HnswIndex(size_t dimension, std::unique_ptr<hnswlib::InnerProductSpace> space,
            std::unique_ptr<Graph> graph, HnswIdMap ids);

  // Adds a graph node for a never-seen id, growing the graph first if it is full.
  Status InsertNew(std::string_view id, const std::vector<float>& unit);
  // Hits for up to `fetch` graph neighbours of the query that are live and pass `filter`.
  Result<std::vector<Hit>> Collect(std::span<const float> unit_query, size_t fetch,
                                   const IdFilter& filter) const;

  // The space owns the distance parameters the graph points into: it must outlive it.
  std::unique_ptr<hnswlib::InnerProductSpace> space_;
  std::unique_ptr<Graph> graph_;
  HnswIdMap ids_;
  mutable std::shared_mutex mu_;  // guards graph_ and ids_
  mutable std::mutex save_mu_;    // one Save at a time (they share temporary file names)
};

}  // namespace ferry::index
