#pragma once
// The backend-independent half of NamespaceStore::ChecksumItems: rows as a backend reads
// them (ids as stored, the fields decoded, vectors as raw bytes), mapped as a copy under
// the request's id mapping would hold them, fingerprinted and added to a checksum. Every
// backend streams its rows through these, so both sides of a verification are computed
// alike whatever holds them.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/resources.h"
#include "storage/bulk_data.h"
#include "storage/fingerprint.h"

namespace ferry::storage {

// A document row of a checksum scan as a backend reads it: views into the row, valid
// while the backend holds it. `fields` are the stored bytes (model::EncodeValue).
struct DocumentRowView {
  std::string_view id, collection, fields, source_type, root_object, root_bucket;
  std::optional<std::string_view> source_object, source_document, source_collection;
  std::string_view path, modality, status, error;
};

// Streams a scan's documents into a checksum: Begin a document, add its vectors, Begin the
// next (which finishes the one before), Finish at the end. Ids are mapped when the
// request has a mapping (the source side of a verification). Buffers are kept across
// documents, and nothing is decoded into model types.
class DocumentChecksummer {
 public:
  DocumentChecksummer(const ChecksumRequest& request, ItemChecksum* out);
  // DataLoss when the stored fields do not decode.
  Status Begin(const DocumentRowView& row);
  void AddVector(std::string_view feature_uri, std::string_view bytes) {
    fingerprinter_.AddVector(feature_uri, bytes);
  }
  void Finish();

 private:
  const ChecksumRequest& request_;
  ItemChecksum* out_;
  DocumentFingerprinter fingerprinter_;
  bool open_ = false;
};

// A request's item_ids sorted and without repeats, cut into pages of at most
// kChecksumIdPage ids. A slice is read back while other slices are copied, so its rows are
// held next to the writer's: pages are kept small (a migration's memory high-water).
constexpr size_t kChecksumIdPage = 250;
std::vector<std::vector<std::string>> ChecksumIdPages(std::vector<std::string> ids);

// Adds objects rows to a checksum, their blobs as stored (nothing decoded into model
// types), ids mapped when the request has a mapping.
class ObjectChecksummer {
 public:
  ObjectChecksummer(const ChecksumRequest& request, ItemChecksum* out)
      : request_(request), out_(out) {}
  // DataLoss when the stored blobs do not decode.
  Status Add(std::string_view object_id, std::string_view bucket_id, std::string_view key_prefix,
             std::string_view stored_blobs);

 private:
  const ChecksumRequest& request_;
  ItemChecksum* out_;
  std::string buffer_;
};

}  // namespace ferry::storage
