#include "storage/checksum_rows.h"

#include <algorithm>

#include "common/ids.h"

namespace ferry::storage {
namespace {

// Maps ids when the request has a mapping (the source side of a verification).
class IdMapper {
 public:
  explicit IdMapper(const ChecksumRequest& r) : mapping_(r.mapping) {}
  std::string Id(std::string_view id) const {
    return mapping_ ? MapResourceId(mapping_->migration_id, id, mapping_->preserve)
                    : std::string(id);
  }
  // An absent optional id maps to "" (as absent ids do when a document is copied).
  std::string OptionalId(const std::optional<std::string_view>& id) const {
    return id ? Id(*id) : std::string();
  }
  std::string Path(std::string_view path) const {
    return mapping_ ? MapLineagePath(mapping_->migration_id, path, mapping_->preserve)
                    : std::string(path);
  }

 private:
  const std::optional<IdMapping>& mapping_;
};

}  // namespace

DocumentChecksummer::DocumentChecksummer(const ChecksumRequest& request, ItemChecksum* out)
    : request_(request), out_(out), fingerprinter_(request.scope) {}

Status DocumentChecksummer::Begin(const DocumentRowView& d) {
  Finish();
  const IdMapper map(request_);
  const std::string id = map.Id(d.id), collection = map.Id(d.collection),
                    root_object = map.Id(d.root_object), root_bucket = map.Id(d.root_bucket),
                    source_object = map.OptionalId(d.source_object),
                    source_document = map.OptionalId(d.source_document),
                    source_collection = map.OptionalId(d.source_collection),
                    path = map.Path(d.path);
  DocumentView v;
  v.document_id = id;
  v.collection_id = collection;
  v.source_type = d.source_type;
  v.root_object_id = root_object;
  v.root_bucket_id = root_bucket;
  v.source_object_id = source_object;
  v.source_document_id = source_document;
  v.source_collection_id = source_collection;
  v.lineage_path = path;
  v.modality = d.modality;
  v.ingestion_status = d.status;
  v.error = d.error;
  if (!fingerprinter_.Begin(v, d.fields)) {
    return Status::DataLoss("stored field does not decode: documents.fields");
  }
  open_ = true;
  return Status::Ok();
}

void DocumentChecksummer::Finish() {
  if (!open_) return;
  open_ = false;
  unsigned char digest[kSha256Bytes];
  fingerprinter_.Finish(digest);
  out_->checksum.AddDigest(digest);
  ++out_->count;
}

Status ObjectChecksummer::Add(std::string_view object_id, std::string_view bucket_id,
                              std::string_view key_prefix, std::string_view stored_blobs) {
  const IdMapper map(request_);
  unsigned char digest[kSha256Bytes];
  if (!ObjectFingerprintOfStored(map.Id(object_id), map.Id(bucket_id), key_prefix, stored_blobs,
                                 &buffer_, digest)) {
    return Status::DataLoss("stored field does not decode: objects.blobs");
  }
  out_->checksum.AddDigest(digest);
  ++out_->count;
  return Status::Ok();
}

std::vector<std::vector<std::string>> ChecksumIdPages(std::vector<std::string> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::vector<std::vector<std::string>> pages;
  for (size_t at = 0; at < ids.size(); at += kChecksumIdPage) {
    const auto first = ids.begin() + static_cast<std::ptrdiff_t>(at);
    const size_t n = std::min(kChecksumIdPage, ids.size() - at);
    pages.emplace_back(std::make_move_iterator(first),
                       std::make_move_iterator(first + static_cast<std::ptrdiff_t>(n)));
  }
  return pages;
}

}  // namespace ferry::storage
