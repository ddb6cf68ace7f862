#include "service/vector_search.h"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "index/exact_index.h"
#include "index/hnsw_index.h"

namespace ferry::service {
namespace {

// Documents read per storage call while building.
constexpr int64_t kBuildPage = 1000;

std::string FileSafe(const std::string& s) {
  std::string out = s;
  for (char& ch : out) {
    if (std::isalnum(static_cast<unsigned char>(ch)) == 0 && ch != '_' && ch != '-') ch = '_';
  }
  return out;
}

std::string VersionText(const model::CollectionVersion& v) {
  std::ostringstream out;
  out << v.document_count << ' ' << v.max_updated_at << ' ' << v.write_mark;
  return out.str();
}

// The dimension of the index saved at `path` when it was built at `v`, else 0. The
// sidecar holds "<fingerprint> <dimension>".
size_t SavedDimension(const std::string& path, const model::CollectionVersion& v) {
  std::ifstream in(path + ".version");
  std::string line;
  if (!in || !std::getline(in, line)) return 0;
  const std::string prefix = VersionText(v) + " ";
  if (line.rfind(prefix, 0) != 0) return 0;
  try {
    return static_cast<size_t>(std::stoull(line.substr(prefix.size())));
  } catch (const std::exception&) {
    return 0;
  }
}

// Every (document id, vector) of the feature in the collection, read in id order.
Status ForEachVector(
    const NamespaceHandle& h, const std::string& collection_id, const std::string& feature_uri,
    const std::function<Status(const std::string&, const std::vector<float>&)>& fn) {
  storage::IdQuery query;
  query.limit = kBuildPage;
  while (true) {
    FERRY_ASSIGN_OR_RETURN(auto ids, h.store->ListDocumentIds(collection_id, query));
    if (ids.empty()) return Status::Ok();
    FERRY_ASSIGN_OR_RETURN(auto docs, h.store->GetDocuments(collection_id, ids));
    for (const auto& d : docs) {
      for (const auto& v : d.vectors) {
        if (v.feature_uri == feature_uri) FERRY_RETURN_IF_ERROR(fn(d.document_id, v.values));
      }
    }
    query.after_id = ids.back();
  }
}

}  // namespace

std::string VectorSearchService::IndexPath(const std::string& namespace_id,
                                           const std::string& collection_id,
                                           const std::string& feature_uri) const {
  if (options_.index_dir.empty()) return "";
  std::string name = FileSafe(namespace_id);
  name.append(".").append(FileSafe(collection_id)).append(".").append(FileSafe(feature_uri));
  name.append(".hnsw");
  return (std::filesystem::path(options_.index_dir) / name).string();
}

void VectorSearchService::Forget(const std::string& namespace_id) {
  const std::string prefix = namespace_id + "\n";
  std::lock_guard lock(mu_);
  for (auto it = entries_.begin(); it != entries_.end();) {
    it = it->first.compare(0, prefix.size(), prefix) == 0 ? entries_.erase(it) : std::next(it);
  }
}

void VectorSearchService::Drop(const std::string& namespace_id) {
  Forget(namespace_id);
  if (options_.index_dir.empty()) return;
  // Its files are named after it (IndexPath): "<namespace>.<collection>.<feature>.hnsw…".
  // Ids hold no '.', so the prefix names this namespace's files only.
  const std::string prefix = FileSafe(namespace_id) + ".";
  std::error_code ec;
  for (const auto& f : std::filesystem::directory_iterator(options_.index_dir, ec)) {
    const std::string name = f.path().filename().string();
    if (name.compare(0, prefix.size(), prefix) == 0 && name.find(".hnsw") != std::string::npos) {
      std::filesystem::remove(f.path(), ec);
    }
  }
}

Status IndexDroppingStorageEngine::DropNamespaceData(const std::string& namespace_id) {
  Status st = ForwardingStorageEngine::DropNamespaceData(namespace_id);
  if (st.ok()) vectors_.Drop(namespace_id);
  return st;
}

int64_t VectorSearchService::builds() const {
  std::lock_guard lock(mu_);
  return builds_;
}

std::shared_ptr<VectorSearchService::Entry> VectorSearchService::EntryFor(const std::string& key) {
  std::lock_guard lock(mu_);
  auto& e = entries_[key];
  if (e == nullptr) e = std::make_shared<Entry>();
  return e;
}

Status VectorSearchService::Refresh(const NamespaceHandle& h, const std::string& collection_id,
                                    const std::string& feature_uri,
                                    const model::CollectionVersion& version, Entry* e) {
  const std::string path = IndexPath(h.ns.namespace_id, collection_id, feature_uri);
  const bool large = static_cast<size_t>(version.document_count) > options_.hnsw_threshold;
  if (large && !path.empty() && !e->ready) {
    if (size_t dim = SavedDimension(path, version); dim != 0) {
      auto loaded = index::HnswIndex::Load(path, dim);
      if (loaded.ok()) {
        e->index = std::shared_ptr<index::VectorIndex>(std::move(*loaded));
        e->version = version;
        e->ready = true;
        return Status::Ok();
      }
    }
  }
  // Build from storage; the index type is chosen once the first vector gives the dimension.
  std::shared_ptr<index::VectorIndex> built;
  FERRY_RETURN_IF_ERROR(ForEachVector(
      h, collection_id, feature_uri,
      [&](const std::string& id, const std::vector<float>& v) -> Status {
        if (built == nullptr) {
          if (large) {
            index::HnswOptions options;
            options.initial_capacity = static_cast<size_t>(version.document_count);
            FERRY_ASSIGN_OR_RETURN(auto hnsw, index::HnswIndex::Create(v.size(), options));
            built = std::move(hnsw);
          } else {
            built = std::make_shared<index::ExactIndex>(v.size());
          }
        }
        Status st = built->Upsert(id, v);
        // A vector of another dimension or a zero vector cannot be searched: skip it.
        return st.code() == StatusCode::kInvalidArgument ? Status::Ok() : st;
      }));
  {
    std::lock_guard lock(mu_);
    ++builds_;
  }
  if (large && built != nullptr && !path.empty()) {
    auto* hnsw = static_cast<index::HnswIndex*>(built.get());
    std::filesystem::create_directories(options_.index_dir);
    FERRY_RETURN_IF_ERROR(hnsw->Save(path));
    {
      std::ofstream out(path + ".version", std::ios::trunc);
      out << VersionText(version) << ' ' << hnsw->dimension() << '\n';
    }
    std::error_code ec;  // private like the index beside it; a failure is harmless
    std::filesystem::permissions(
        path + ".version", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
        ec);
  }
  e->index = std::move(built);
  e->version = version;
  e->ready = true;
  return Status::Ok();
}

Result<std::vector<index::Hit>> VectorSearchService::Search(const NamespaceHandle& h,
                                                            const std::string& collection_id,
                                                            const std::string& feature_uri,
                                                            std::span<const float> query, size_t k,
                                                            const index::IdFilter& filter) {
  std::string key = h.ns.namespace_id;
  key.append("\n").append(collection_id).append("\n").append(feature_uri);
  std::shared_ptr<Entry> e = EntryFor(key);
  std::shared_ptr<index::VectorIndex> idx;
  {
    std::lock_guard lock(e->mu);
    FERRY_ASSIGN_OR_RETURN(model::CollectionVersion version,
                           h.store->GetCollectionVersion(collection_id));
    if (!e->ready || !(e->version == version)) {
      FERRY_RETURN_IF_ERROR(Refresh(h, collection_id, feature_uri, version, e.get()));
    }
    idx = e->index;
  }
  if (idx == nullptr) return std::vector<index::Hit>{};
  return idx->Search(query, k, filter);
}

}  // namespace ferry::service
