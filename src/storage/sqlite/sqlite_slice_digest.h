#pragma once
// The checksums of one bulk-copied slice computed in the copy's own statements
// (BulkCopyRequest::checksum), so the slice is never read back:
// - the source side: the rows as the statement's SELECT reads them, each handed to this
//   digest by a pass-through SQL function (ferry_slice_object / ferry_slice_document) and
//   mapped as ChecksumItems maps a source side;
// - the target side: the rows as written, from the statement's RETURNING.
// Both are ChecksumItems' own checksums (checksum_rows.h) of the two sides, so the result
// is what reading the slice back would give.

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "storage/bulk_data.h"
#include "storage/checksum_rows.h"
#include "storage/sqlite/sqlite_db.h"

namespace ferry::storage::sqlite {

// Adds a document row whose vectors are packed as stored (records/packed_vectors.h).
// DataLoss when its fields or vectors do not decode.
Status AddStoredDocument(DocumentChecksummer& sums, const DocumentRowView& row,
                         std::string_view packed_vectors);
// The document row of `stmt`'s columns first..first+12 (as DocumentPage reads them:
// document_id, collection_id, fields, source_type, root_object_id, root_bucket_id,
// source_object_id, source_document_id, source_collection_id, lineage_path, modality,
// ingestion_status, error); its packed vectors are column first+13.
DocumentRowView DocumentRowOf(const Statement& stmt, int first);

class SliceDigest {
 public:
  SliceDigest(const BulkCopyRequest& request, const std::string& target_resource_id);
  SliceDigest(const SliceDigest&) = delete;
  SliceDigest& operator=(const SliceDigest&) = delete;

  // Binds this digest to the parameter the statement's tap function reads.
  void Bind(Statement& stmt, int index);
  // The source side (from the tap functions).
  Status AddSourceObject(std::string_view object_id, std::string_view bucket_id,
                         std::string_view key_prefix, std::string_view blobs);
  Status AddSourceDocument(const DocumentRowView& row, std::string_view vectors);
  // The target side: a RETURNING row of the object (object_id, bucket_id, key_prefix,
  // blobs) or document (DocumentRowOf's columns, then vectors) statement.
  Status AddWrittenObject(const Statement& row);
  Status AddWrittenDocument(const Statement& row);
  // A tap's failure, kept for the statement's caller (the engine reports only its text).
  void Fail(Status status);
  const Status& error() const { return error_; }
  // Both sides' checksums: (source, target).
  std::pair<ItemChecksum, ItemChecksum> Finish();

 private:
  ChecksumRequest source_request_;
  ChecksumRequest target_request_;
  ItemChecksum source_;
  ItemChecksum target_;
  ObjectChecksummer source_objects_;
  ObjectChecksummer target_objects_;
  DocumentChecksummer source_documents_;
  DocumentChecksummer target_documents_;
  Status error_;
};

// True when a slice's ids come strictly ascending (no repeats), as a plan's slices do:
// then each source row is read, and each target row written, exactly once, which the
// in-statement checksums need. Other slices are checksummed by reading them back.
bool IdsStrictlyAscending(const std::vector<std::string>& ids);

// Registers the tap functions on a namespace connection. REQUIRES: the mutex held.
Status RegisterSliceDigest(SqliteDb& db);

}  // namespace ferry::storage::sqlite
