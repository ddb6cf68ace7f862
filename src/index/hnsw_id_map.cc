#include "index/hnsw_id_map.h"

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <utility>

namespace ferry::index {
namespace {

constexpr char kMagic[8] = {'F', 'R', 'Y', 'H', 'N', 'S', 'W', '1'};
// An id longer than this is taken as corruption rather than allocated.
constexpr uint32_t kMaxIdLength = 1 << 20;

template <typename T>
void WritePod(std::ostream& out, T value) {
  out.write(reinterpret_cast<const char*>(&value), sizeof(value));
}

template <typename T>
bool ReadPod(std::istream& in, T& value) {
  return static_cast<bool>(in.read(reinterpret_cast<char*>(&value), sizeof(value)));
}

Status Malformed(const std::string& path, const std::string& why) {
  return Status::DataLoss("HNSW id file " + FileNameOf(path) + " is malformed: " + why);
}

}  // namespace

std::string FileNameOf(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

std::optional<size_t> HnswIdMap::Find(std::string_view id) const {
  auto it = label_of_.find(std::string(id));
  if (it == label_of_.end()) return std::nullopt;
  return it->second;
}

size_t HnswIdMap::Assign(std::string id) {
  const size_t label = ids_.size();
  label_of_.emplace(id, label);
  ids_.push_back(std::move(id));
  live_.push_back(true);
  ++live_count_;
  return label;
}

void HnswIdMap::SetLive(size_t label, bool live) {
  if (live_[label] == live) return;
  live_[label] = live;
  live_count_ = live ? live_count_ + 1 : live_count_ - 1;
}

Status HnswIdMap::WriteFile(const std::string& path, size_t dimension) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Status::Internal("cannot create HNSW id file " + FileNameOf(path));
  out.write(kMagic, sizeof(kMagic));
  WritePod<uint64_t>(out, dimension);
  WritePod<uint64_t>(out, ids_.size());
  for (size_t label = 0; label < ids_.size(); ++label) {
    WritePod<uint64_t>(out, label);
    WritePod<uint32_t>(out, static_cast<uint32_t>(ids_[label].size()));
    out.write(ids_[label].data(), static_cast<std::streamsize>(ids_[label].size()));
    WritePod<uint8_t>(out, live_[label] ? 1 : 0);
  }
  out.flush();
  if (!out) return Status::Internal("cannot write HNSW id file " + FileNameOf(path));
  return Status::Ok();
}

Result<HnswIdMap> HnswIdMap::ReadFile(const std::string& path, size_t dimension) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Internal("cannot open HNSW id file " + FileNameOf(path));
  char magic[sizeof(kMagic)];
  uint64_t stored_dimension = 0;
  uint64_t count = 0;
  if (!in.read(magic, sizeof(magic)) || std::memcmp(magic, kMagic, sizeof(kMagic)) != 0) {
    return Malformed(path, "bad magic");
  }
  if (!ReadPod(in, stored_dimension) || !ReadPod(in, count)) return Malformed(path, "no header");
  if (stored_dimension != dimension) {
    return Status::InvalidArgument("HNSW id file " + FileNameOf(path) + " has dimension " +
                                   std::to_string(stored_dimension) + ", expected " +
                                   std::to_string(dimension));
  }
  HnswIdMap map;
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t label = 0;
    uint32_t length = 0;
    uint8_t live = 0;
    if (!ReadPod(in, label) || !ReadPod(in, length)) return Malformed(path, "truncated");
    if (label != i || length == 0 || length > kMaxIdLength) return Malformed(path, "bad entry");
    std::string id(length, '\0');
    if (!in.read(id.data(), length) || !ReadPod(in, live)) return Malformed(path, "truncated");
    if (map.Find(id)) return Malformed(path, "duplicate id " + id);
    map.SetLive(map.Assign(std::move(id)), live != 0);
  }
  if (in.peek() != std::char_traits<char>::eof()) return Malformed(path, "trailing bytes");
  return map;
}

}  // namespace ferry::index
