#pragma once
// HnswIdMap: the string ids of an HnswIndex and their hnswlib labels, plus the sidecar
// file that persists them beside hnswlib's own graph file. Labels are dense: the n-th id
// ever inserted has label n, which is also its slot in the hnswlib graph. A removed id
// keeps its label (marked not live) so upserting it again reuses the slot.
//
// Not thread-safe; HnswIndex guards it with its own lock.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "common/status.h"

namespace ferry::index {

// The last component of `path`, for messages: they reach clients and logs, so they name
// the index file, never the server's directories.
std::string FileNameOf(const std::string& path);

class HnswIdMap {
 public:
  // Label of `id` (live or not), or nullopt if it was never inserted.
  std::optional<size_t> Find(std::string_view id) const;

  // Gives `id` the next label (label_count()) and marks it live.
  // REQUIRES: !Find(id).
  size_t Assign(std::string id);

  // REQUIRES: label < label_count().
  const std::string& IdOf(size_t label) const { return ids_[label]; }
  bool IsLive(size_t label) const { return live_[label]; }
  void SetLive(size_t label, bool live);

  size_t label_count() const { return ids_.size(); }
  size_t live_count() const { return live_count_; }

  // Writes the sidecar file to `path` (overwriting it): magic "FRYHNSW1", u64 dimension,
  // u64 count, then per label in order {u64 label, u32 id length, id bytes, u8 live};
  // integers in host byte order. Internal on an I/O failure.
  Status WriteFile(const std::string& path, size_t dimension) const;

  // Reads a file written by WriteFile. InvalidArgument if its dimension is not
  // `dimension`; DataLoss if it is truncated or malformed; Internal if unreadable.
  static Result<HnswIdMap> ReadFile(const std::string& path, size_t dimension);

 private:
  std::vector<std::string> ids_;  // by label
  std::vector<bool> live_;        // by label
  std::unordered_map<std::string, size_t> label_of_;
  size_t live_count_ = 0;
};

}  // namespace ferry::index
