#include "index/hnsw_index.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <queue>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "index/hnswlib_call.h"

namespace ferry::index {

Status HnswOptions::Validate() const {
  if (m < 2 || m > 1024) return Status::InvalidArgument("HNSW m must be in [2, 1024]");
  if (ef_construction == 0) return Status::InvalidArgument("HNSW ef_construction must be >= 1");
  if (ef_search == 0) return Status::InvalidArgument("HNSW ef_search must be >= 1");
  if (initial_capacity == 0) return Status::InvalidArgument("HNSW capacity must be >= 1");
  return Status::Ok();
}

HnswIndex::HnswIndex(size_t dimension, std::unique_ptr<hnswlib::InnerProductSpace> space,
                     std::unique_ptr<Graph> graph, HnswIdMap ids)
    : VectorIndex(dimension),
      space_(std::move(space)),
      graph_(std::move(graph)),
      ids_(std::move(ids)) {}

HnswIndex::~HnswIndex() = default;

Result<std::unique_ptr<HnswIndex>> HnswIndex::Create(size_t dimension, const HnswOptions& options) {
  if (dimension == 0) return Status::InvalidArgument("vector dimension must be positive");
  FERRY_RETURN_IF_ERROR(options.Validate());
  auto space = std::make_unique<hnswlib::InnerProductSpace>(dimension);
  std::unique_ptr<Graph> graph;
  FERRY_RETURN_IF_ERROR(CallHnswlib("create HNSW graph", [&] {
    graph = std::make_unique<Graph>(space.get(), options.initial_capacity, options.m,
                                    options.ef_construction, options.random_seed);
    graph->setEf(options.ef_search);
  }));
  return std::unique_ptr<HnswIndex>(
      new HnswIndex(dimension, std::move(space), std::move(graph), HnswIdMap()));
}

size_t HnswIndex::Size() const {
  std::shared_lock lock(mu_);
  return ids_.live_count();
}

Status HnswIndex::SetEfSearch(size_t ef) {
  if (ef == 0) return Status::InvalidArgument("HNSW ef_search must be >= 1");
  std::unique_lock lock(mu_);
  graph_->setEf(ef);
  return Status::Ok();
}

Status HnswIndex::Write(std::string_view id, std::vector<float> unit, WriteMode mode) {
  std::unique_lock lock(mu_);
  const std::optional<size_t> label = ids_.Find(id);
  if (!label) return InsertNew(id, unit);
  if (mode == WriteMode::kInsertOnly && ids_.IsLive(*label)) {
    return Status::AlreadyExists(std::string("vector id already indexed: ").append(id));
  }
  // An existing label makes hnswlib overwrite the node's vector, re-link its
  // neighbourhood and clear its deleted mark.
  FERRY_RETURN_IF_ERROR(
      CallHnswlib("update HNSW node", [&] { graph_->addPoint(unit.data(), *label); }));
  ids_.SetLive(*label, true);
  return Status::Ok();
}

Status HnswIndex::InsertNew(std::string_view id, const std::vector<float>& unit) {
  const size_t label = ids_.label_count();
  FERRY_RETURN_IF_ERROR(CallHnswlib("add HNSW node", [&] {
    if (graph_->cur_element_count >= graph_->max_elements_) {
      graph_->resizeIndex(std::max<size_t>(2 * graph_->max_elements_, 1));
    }
    graph_->addPoint(unit.data(), label);
  }));
  ids_.Assign(std::string(id));
  return Status::Ok();
}

Status HnswIndex::Remove(std::string_view id) {
  std::unique_lock lock(mu_);
  const std::optional<size_t> label = ids_.Find(id);
  if (!label || !ids_.IsLive(*label)) {
    return Status::NotFound(std::string("vector id not indexed: ").append(id));
  }
  FERRY_RETURN_IF_ERROR(CallHnswlib("delete HNSW node", [&] { graph_->markDelete(*label); }));
  ids_.SetLive(*label, false);
  return Status::Ok();
}

Result<std::vector<Hit>> HnswIndex::Collect(std::span<const float> unit_query, size_t fetch,
                                            const IdFilter& filter) const {
  std::priority_queue<std::pair<float, hnswlib::labeltype>> found;
  FERRY_RETURN_IF_ERROR(CallHnswlib("search HNSW graph",
                                    [&] { found = graph_->searchKnn(unit_query.data(), fetch); }));
  std::vector<Hit> hits;
  hits.reserve(found.size());
  for (; !found.empty(); found.pop()) {
    const size_t label = found.top().second;
    if (label >= ids_.label_count() || !ids_.IsLive(label)) continue;
    const std::string& id = ids_.IdOf(label);
    if (filter && !filter(id)) continue;
    hits.push_back(Hit{id, 1.0f - found.top().first});
  }
  return hits;
}

Result<std::vector<Hit>> HnswIndex::SearchUnit(std::span<const float> unit_query, size_t k,
                                               const IdFilter& filter) const {
  std::shared_lock lock(mu_);
  if (ids_.live_count() == 0) return std::vector<Hit>{};
  // Without a filter one graph search suffices. With one, widen the search until k ids
  // pass or every node has been asked for.
  size_t fetch = k;
  std::vector<Hit> hits;
  while (true) {
    FERRY_ASSIGN_OR_RETURN(hits, Collect(unit_query, fetch, filter));
    if (!filter || hits.size() >= k || fetch >= ids_.label_count()) break;
    fetch = std::min(fetch * 4, ids_.label_count());
  }
  std::sort(hits.begin(), hits.end(), RanksBefore);
  if (hits.size() > k) hits.resize(k);
  return hits;
}

// Persistence: hnswlib's graph file plus the HnswIdMap sidecar.

namespace {

// Index files hold the namespace's vectors: readable by the server's user only (0600,
// whatever the umask), like the databases beside them, and durable before the rename.
Status RestrictAndSyncFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return Status::Internal("cannot open " + FileNameOf(path) + ": " + std::strerror(errno));
  if (::fchmod(fd, S_IRUSR | S_IWUSR) != 0) {
    const int chmod_errno = errno;
    ::close(fd);
    return Status::Internal("cannot restrict " + FileNameOf(path) + ": " +
                            std::strerror(chmod_errno));
  }
  const int rc = ::fsync(fd);
  const int sync_errno = errno;
  ::close(fd);
  if (rc != 0)
    return Status::Internal("cannot sync " + FileNameOf(path) + ": " + std::strerror(sync_errno));
  return Status::Ok();
}

Status RenameFile(const std::string& from, const std::string& to) {
  std::error_code ec;
  std::filesystem::rename(from, to, ec);
  if (ec)
    return Status::Internal("cannot rename " + FileNameOf(from) + " to " + FileNameOf(to) + ": " +
                            ec.message());
  return Status::Ok();
}

// hnswlib's saveIndex ignores write errors; a graph file shorter than its element data
// alone is certainly truncated.
Status CheckGraphFileSize(const std::string& path, size_t min_bytes) {
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec || size < min_bytes)
    return Status::Internal("short write of HNSW graph file " + FileNameOf(path));
  return Status::Ok();
}

Status CheckFilesExist(const std::string& path) {
  for (const std::string& p : {path, HnswIndex::IdFilePath(path)}) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(p, ec)) {
      return Status::NotFound("HNSW index file not found: " + FileNameOf(p));
    }
  }
  return Status::Ok();
}

// hnswlib's loading constructor leaves the deleted count and metrics uninitialised and
// never checks the stored element size against the space: fix the first, check the rest.
Status RepairAndCheck(hnswlib::HierarchicalNSW<float>& graph, size_t dimension,
                      const HnswIdMap& ids, const std::string& path) {
  graph.metric_distance_computations = 0;
  graph.metric_hops = 0;
  graph.num_deleted_ = 0;
  for (size_t i = 0; i < graph.cur_element_count; ++i) {
    if (graph.isMarkedDeleted(static_cast<hnswlib::tableint>(i))) ++graph.num_deleted_;
  }
  const size_t stored_bytes = graph.label_offset_ - graph.offsetData_;
  if (graph.offsetData_ != graph.size_links_level0_ || stored_bytes != dimension * sizeof(float)) {
    return Status::InvalidArgument("HNSW graph file " + FileNameOf(path) + " does not hold " +
                                   std::to_string(dimension) + "-float vectors");
  }
  if (graph.cur_element_count != ids.label_count()) {
    return Status::DataLoss("HNSW graph file " + FileNameOf(path) +
                            " and its id file disagree on count");
  }
  for (size_t label = 0; label < ids.label_count(); ++label) {
    auto it = graph.label_lookup_.find(label);
    if (it == graph.label_lookup_.end() || graph.isMarkedDeleted(it->second) == ids.IsLive(label)) {
      return Status::DataLoss("HNSW graph file " + FileNameOf(path) +
                              " and its id file disagree on label " + std::to_string(label));
    }
  }
  return Status::Ok();
}

}  // namespace

Status HnswIndex::Save(const std::string& path) const {
  std::lock_guard save_lock(save_mu_);
  const std::string graph_tmp = path + ".tmp";
  const std::string ids_path = IdFilePath(path);
  const std::string ids_tmp = ids_path + ".tmp";
  {
    std::shared_lock lock(mu_);
    FERRY_RETURN_IF_ERROR(CallHnswlib("save HNSW graph", [&] { graph_->saveIndex(graph_tmp); }));
    FERRY_RETURN_IF_ERROR(
        CheckGraphFileSize(graph_tmp, graph_->cur_element_count * graph_->size_data_per_element_));
    FERRY_RETURN_IF_ERROR(ids_.WriteFile(ids_tmp, dimension()));
  }
  FERRY_RETURN_IF_ERROR(RestrictAndSyncFile(graph_tmp));
  FERRY_RETURN_IF_ERROR(RestrictAndSyncFile(ids_tmp));
  FERRY_RETURN_IF_ERROR(RenameFile(graph_tmp, path));
  return RenameFile(ids_tmp, ids_path);
}

Result<std::unique_ptr<HnswIndex>> HnswIndex::Load(const std::string& path, size_t dimension,
                                                   const HnswOptions& options) {
  if (dimension == 0) return Status::InvalidArgument("vector dimension must be positive");
  FERRY_RETURN_IF_ERROR(options.Validate());
  FERRY_RETURN_IF_ERROR(CheckFilesExist(path));
  FERRY_ASSIGN_OR_RETURN(HnswIdMap ids, HnswIdMap::ReadFile(IdFilePath(path), dimension));
  auto space = std::make_unique<hnswlib::InnerProductSpace>(dimension);
  std::unique_ptr<Graph> graph;
  FERRY_RETURN_IF_ERROR(CallHnswlib(
      "load HNSW graph " + FileNameOf(path),
      [&] { graph = std::make_unique<Graph>(space.get(), path); }, StatusCode::kDataLoss));
  FERRY_RETURN_IF_ERROR(RepairAndCheck(*graph, dimension, ids, path));
  graph->setEf(options.ef_search);
  return std::unique_ptr<HnswIndex>(
      new HnswIndex(dimension, std::move(space), std::move(graph), std::move(ids)));
}

}  // namespace ferry::index
