#include "storage/sqlite/sqlite_slice_digest.h"

#include <sqlite3.h>

#include <string>
#include <vector>

#include "storage/records/packed_vectors.h"
#include "storage/records/record_codec.h"

namespace ferry::storage::sqlite {
namespace {

// The pointer type of a bound SliceDigest (sqlite3_bind_pointer compares it by value, so
// no other pointer reaches the tap functions).
constexpr char kDigestPointer[] = "ferry_slice_digest";

ChecksumRequest SideOf(const BulkCopyRequest& r, const std::string& resource_id, bool source) {
  ChecksumRequest side;
  side.resource_type = r.resource_type;
  side.resource_id = resource_id;
  if (source) side.mapping = r.mapping;
  return side;
}

// A value as Statement::TextView / BlobView read the same column ("" for NULL).
std::string_view TextOf(sqlite3_value* v) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(v));
  return text == nullptr ? std::string_view()
                         : std::string_view(text, static_cast<size_t>(sqlite3_value_bytes(v)));
}
std::string_view BlobOf(sqlite3_value* v) {
  const auto* data = static_cast<const char*>(sqlite3_value_blob(v));
  return data == nullptr ? std::string_view()
                         : std::string_view(data, static_cast<size_t>(sqlite3_value_bytes(v)));
}
std::optional<std::string_view> OptionalTextOf(sqlite3_value* v) {
  if (sqlite3_value_type(v) == SQLITE_NULL) return std::nullopt;
  return TextOf(v);
}

SliceDigest* DigestOf(sqlite3_context* ctx, sqlite3_value* v) {
  auto* digest = static_cast<SliceDigest*>(sqlite3_value_pointer(v, kDigestPointer));
  if (digest == nullptr) sqlite3_result_error(ctx, "no slice digest bound", -1);
  return digest;
}

// Returns the last argument unchanged (the column it stands for is inserted as read), or
// fails the statement when the row would not checksum.
void PassThrough(sqlite3_context* ctx, SliceDigest* digest, Status added, sqlite3_value* last) {
  if (!added.ok()) {
    sqlite3_result_error(ctx, added.message().c_str(), -1);
    digest->Fail(std::move(added));
    return;
  }
  sqlite3_result_value(ctx, last);
}

// ferry_slice_object(digest, object_id, bucket_id, key_prefix, blobs) → blobs.
void ObjectTap(sqlite3_context* ctx, int /*argc*/, sqlite3_value** argv) {
  SliceDigest* digest = DigestOf(ctx, argv[0]);
  if (digest == nullptr) return;
  PassThrough(
      ctx, digest,
      digest->AddSourceObject(TextOf(argv[1]), TextOf(argv[2]), TextOf(argv[3]), BlobOf(argv[4])),
      argv[4]);
}

// ferry_slice_document(digest, DocumentRowOf's 13 columns, vectors) → vectors.
void DocumentTap(sqlite3_context* ctx, int /*argc*/, sqlite3_value** argv) {
  SliceDigest* digest = DigestOf(ctx, argv[0]);
  if (digest == nullptr) return;
  sqlite3_value** c = argv + 1;
  const DocumentRowView row{
      TextOf(c[0]),  TextOf(c[1]),         BlobOf(c[2]),         TextOf(c[3]),         TextOf(c[4]),
      TextOf(c[5]),  OptionalTextOf(c[6]), OptionalTextOf(c[7]), OptionalTextOf(c[8]), TextOf(c[9]),
      TextOf(c[10]), TextOf(c[11]),        TextOf(c[12])};
  PassThrough(ctx, digest, digest->AddSourceDocument(row, BlobOf(c[13])), c[13]);
}

}  // namespace

Status AddStoredDocument(DocumentChecksummer& sums, const DocumentRowView& row,
                         std::string_view packed_vectors) {
  FERRY_RETURN_IF_ERROR(sums.Begin(row));
  records::PackedVectorReader vectors(packed_vectors);
  std::string_view uri, bytes;
  while (vectors.Next(&uri, &bytes)) sums.AddVector(uri, bytes);
  if (!vectors.ok()) return records::CorruptField("documents.vectors");
  return Status::Ok();
}

DocumentRowView DocumentRowOf(const Statement& s, int first) {
  return DocumentRowView{s.TextView(first),
                         s.TextView(first + 1),
                         s.BlobView(first + 2),
                         s.TextView(first + 3),
                         s.TextView(first + 4),
                         s.TextView(first + 5),
                         s.OptionalTextView(first + 6),
                         s.OptionalTextView(first + 7),
                         s.OptionalTextView(first + 8),
                         s.TextView(first + 9),
                         s.TextView(first + 10),
                         s.TextView(first + 11),
                         s.TextView(first + 12)};
}

SliceDigest::SliceDigest(const BulkCopyRequest& request, const std::string& target_resource_id)
    : source_request_(SideOf(request, request.source_resource_id, true)),
      target_request_(SideOf(request, target_resource_id, false)),
      source_objects_(source_request_, &source_),
      target_objects_(target_request_, &target_),
      source_documents_(source_request_, &source_),
      target_documents_(target_request_, &target_) {}

void SliceDigest::Bind(Statement& stmt, int index) {
  stmt.BindPointer(index, this, kDigestPointer);
}

Status SliceDigest::AddSourceObject(std::string_view object_id, std::string_view bucket_id,
                                    std::string_view key_prefix, std::string_view blobs) {
  return source_objects_.Add(object_id, bucket_id, key_prefix, blobs);
}

Status SliceDigest::AddSourceDocument(const DocumentRowView& row, std::string_view vectors) {
  return AddStoredDocument(source_documents_, row, vectors);
}

Status SliceDigest::AddWrittenObject(const Statement& row) {
  return target_objects_.Add(row.TextView(0), row.TextView(1), row.TextView(2), row.BlobView(3));
}

Status SliceDigest::AddWrittenDocument(const Statement& row) {
  return AddStoredDocument(target_documents_, DocumentRowOf(row, 0), row.BlobView(13));
}

void SliceDigest::Fail(Status status) {
  if (error_.ok()) error_ = std::move(status);
}

std::pair<ItemChecksum, ItemChecksum> SliceDigest::Finish() {
  source_documents_.Finish();
  target_documents_.Finish();
  return {source_, target_};
}

bool IdsStrictlyAscending(const std::vector<std::string>& ids) {
  for (size_t i = 1; i < ids.size(); ++i) {
    if (!(ids[i - 1] < ids[i])) return false;
  }
  return true;
}

Status RegisterSliceDigest(SqliteDb& db) {
  // Not deterministic: each call adds a row, so the engine must call it once per row.
  // Direct only: no trigger or view reaches it.
  constexpr int kFlags = SQLITE_UTF8 | SQLITE_DIRECTONLY;
  int rc = sqlite3_create_function_v2(db.handle(), "ferry_slice_object", 5, kFlags, nullptr,
                                      &ObjectTap, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteStatus(rc, "register ferry_slice_object");
  rc = sqlite3_create_function_v2(db.handle(), "ferry_slice_document", 15, kFlags, nullptr,
                                  &DocumentTap, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteStatus(rc, "register ferry_slice_document");
  return Status::Ok();
}

}  // namespace ferry::storage::sqlite
