#include "index/exact_index.h"

#include <algorithm>
#include <mutex>
#include <utility>

#include "index/vector_math.h"

namespace ferry::index {
namespace {

struct Candidate {
  float score;
  size_t row;
};

}  // namespace

ExactIndex::ExactIndex(size_t dimension) : VectorIndex(dimension) {}

size_t ExactIndex::Size() const {
  std::shared_lock lock(mu_);
  return ids_.size();
}

std::span<const float> ExactIndex::Row(size_t row) const {
  return std::span<const float>(rows_).subspan(row * dimension(), dimension());
}

Status ExactIndex::Write(std::string_view id, std::vector<float> unit, WriteMode mode) {
  std::unique_lock lock(mu_);
  std::string key(id);
  auto it = row_of_.find(key);
  if (it != row_of_.end()) {
    if (mode == WriteMode::kInsertOnly) {
      return Status::AlreadyExists("vector id already indexed: " + key);
    }
    std::copy(unit.begin(), unit.end(), rows_.begin() + it->second * dimension());
    return Status::Ok();
  }
  row_of_.emplace(key, ids_.size());
  ids_.push_back(std::move(key));
  rows_.insert(rows_.end(), unit.begin(), unit.end());
  return Status::Ok();
}

Status ExactIndex::Remove(std::string_view id) {
  std::unique_lock lock(mu_);
  auto it = row_of_.find(std::string(id));
  if (it == row_of_.end())
    return Status::NotFound(std::string("vector id not indexed: ").append(id));
  const size_t hole = it->second;
  const size_t last = ids_.size() - 1;
  row_of_.erase(it);
  if (hole != last) {
    std::copy_n(rows_.begin() + last * dimension(), dimension(),
                rows_.begin() + hole * dimension());
    ids_[hole] = std::move(ids_[last]);
    row_of_[ids_[hole]] = hole;
  }
  ids_.pop_back();
  rows_.resize(last * dimension());
  return Status::Ok();
}

Result<std::vector<Hit>> ExactIndex::SearchUnit(std::span<const float> unit_query, size_t k,
                                                const IdFilter& filter) const {
  std::shared_lock lock(mu_);
  // Heap ordered so that front() is the worst kept candidate.
  auto better = [this](const Candidate& a, const Candidate& b) {
    return a.score != b.score ? a.score > b.score : ids_[a.row] < ids_[b.row];
  };
  std::vector<Candidate> heap;
  heap.reserve(std::min(k, ids_.size()) + 1);
  for (size_t row = 0; row < ids_.size(); ++row) {
    const Candidate c{Dot(unit_query, Row(row)), row};
    if (heap.size() == k && !better(c, heap.front())) continue;
    if (filter && !filter(ids_[row])) continue;
    heap.push_back(c);
    std::push_heap(heap.begin(), heap.end(), better);
    if (heap.size() > k) {
      std::pop_heap(heap.begin(), heap.end(), better);
      heap.pop_back();
    }
  }
  std::sort_heap(heap.begin(), heap.end(), better);
  std::vector<Hit> hits;
  hits.reserve(heap.size());
  for (const Candidate& c : heap) hits.push_back(Hit{ids_[c.row], c.score});
  return hits;
}

}  // namespace ferry::index
