#pragma once
// The backend-independent half of NamespaceStore::ChecksumItems: rows as a backend reads
// them (ids as stored, the fields decoded, vectors as raw bytes), mapped as a copy under
// the request's id mapping would hold them, fingerprinted and added to a checksum. Every
// backend streams its rows through these, so both sides of a verification are computed
// alike whatever holds them.

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/resources.h"
#include "storage/bulk_data.h"

namespace ferry::storage {

// A document row of a checksum page. Absent optional ids are std::nullopt.
struct ChecksumDocumentRow {
  std::string id, collection, source_type, root_object, root_bucket;
  std::optional<std::string> source_object, source_document, source_collection;
  std::string path, modality, status, error;
  model::Value fields;
  std::vector<std::pair<std::string, std::string>> vectors;  // (feature URI, raw bytes)
};

// Adds a document row to `out`, its ids mapped when request.mapping is set.
void AddDocumentRow(const ChecksumRequest& request, const ChecksumDocumentRow& row,
                    ItemChecksum* out);

// A request's item_ids sorted and without repeats, cut into pages of at most
// kChecksumIdPage ids. A slice is read back while other slices are copied, so its rows are
// held next to the writer's: pages are kept small (a migration's memory high-water).
constexpr size_t kChecksumIdPage = 250;
std::vector<std::vector<std::string>> ChecksumIdPages(std::vector<std::string> ids);

// Adds an object row to `out`, its ids mapped when request.mapping is set.
void AddObjectRow(const ChecksumRequest& request, const std::string& object_id,
                  const std::string& bucket_id, const std::string& key_prefix,
                  const std::vector<model::Blob>& blobs, ItemChecksum* out);

}  // namespace ferry::storage
