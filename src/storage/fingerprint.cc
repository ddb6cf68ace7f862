#include "storage/fingerprint.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <iterator>

#include "common/crypto.h"

namespace ferry::storage {

namespace {

using model::Value;

// Length-prefixed, so that concatenations cannot collide.
void Put(std::string* out, std::string_view s) {
  out->append(std::to_string(s.size()));
  out->push_back(':');
  out->append(s);
}

void PutCanonical(std::string* out, const Value& v) {
  if (v.is_null()) {
    out->push_back('n');
  } else if (v.is_bool()) {
    out->append(v.as_bool() ? "t" : "f");
  } else if (v.is_int()) {
    out->push_back('i');
    Put(out, std::to_string(v.as_int()));
  } else if (v.is_double()) {
    double d = v.as_double();
    char bytes[sizeof d];
    std::memcpy(bytes, &d, sizeof d);
    out->push_back('d');
    Put(out, std::string_view(bytes, sizeof d));
  } else if (v.is_string()) {
    out->push_back('s');
    Put(out, v.as_string());
  } else if (v.is_array()) {
    out->push_back('[');
    for (const auto& e : v.as_array()) PutCanonical(out, e);
    out->push_back(']');
  } else {
    std::vector<const model::ValueObject::Entry*> entries;
    for (const auto& e : v.as_object()) entries.push_back(&e);
    std::sort(entries.begin(), entries.end(),
              [](const auto* a, const auto* b) { return a->first < b->first; });
    out->push_back('{');
    for (const auto* e : entries) {
      Put(out, e->first);
      PutCanonical(out, e->second);
    }
    out->push_back('}');
  }
}

bool Excluded(const FingerprintScope& scope, const std::string& key) {
  if (scope.excluded_fields.count(key) > 0) return true;
  for (const auto& p : scope.excluded_field_prefixes) {
    if (key.compare(0, p.size(), p) == 0) return true;
  }
  return false;
}

// The fields without the scope's exclusions, canonically encoded.
void PutFields(std::string* out, const Value& fields, const FingerprintScope& scope) {
  if ((scope.excluded_fields.empty() && scope.excluded_field_prefixes.empty()) ||
      !fields.is_object()) {
    PutCanonical(out, fields);
    return;
  }
  model::ValueObject kept;
  for (const auto& [k, v] : fields.as_object()) {
    if (!Excluded(scope, k)) kept.Set(k, v);
  }
  PutCanonical(out, Value(std::move(kept)));
}

// PutCanonical of the value EncodeValue wrote at the front of *in, read without building
// it. `scope` (top level only) leaves fields out of an object. An object's entries are
// sorted by key; of entries with one key the last is kept, as decoding keeps it.
bool PutCanonicalEncoded(std::string* out, std::string_view* in, int depth,
                         const FingerprintScope* scope) {
  model::EncodedHead head;
  if (depth > 256 || !model::ReadEncodedHead(in, &head)) return false;
  switch (head.kind) {
    case Value::Kind::kNull:
      out->push_back('n');
      return true;
    case Value::Kind::kBool:
      out->append(head.boolean ? "t" : "f");
      return true;
    case Value::Kind::kInt:
      out->push_back('i');
      Put(out, std::to_string(head.integer));
      return true;
    case Value::Kind::kDouble: {
      char bytes[sizeof head.number];
      std::memcpy(bytes, &head.number, sizeof bytes);
      out->push_back('d');
      Put(out, std::string_view(bytes, sizeof bytes));
      return true;
    }
    case Value::Kind::kString:
      out->push_back('s');
      Put(out, head.string);
      return true;
    case Value::Kind::kArray:
      out->push_back('[');
      for (uint64_t i = 0; i < head.count; ++i) {
        if (!PutCanonicalEncoded(out, in, depth + 1, nullptr)) return false;
      }
      out->push_back(']');
      return true;
    case Value::Kind::kObject:
      break;
  }
  struct Entry {
    std::string_view key, value;
  };
  std::vector<Entry> entries;
  entries.reserve(head.count);
  for (uint64_t i = 0; i < head.count; ++i) {
    Entry e;
    if (!model::ReadEncodedKey(in, &e.key)) return false;
    const std::string_view start = *in;
    if (!model::SkipEncodedValue(in, depth + 1)) return false;
    e.value = start.substr(0, start.size() - in->size());
    if (scope == nullptr || !Excluded(*scope, std::string(e.key))) entries.push_back(e);
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.key < b.key; });
  out->push_back('{');
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i + 1 < entries.size() && entries[i + 1].key == entries[i].key) continue;
    Put(out, entries[i].key);
    std::string_view value = entries[i].value;
    if (!PutCanonicalEncoded(out, &value, depth + 1, nullptr)) return false;
  }
  out->push_back('}');
  return true;
}

// The fields of a stored blob (records' EncodeBlobs) that its fingerprint covers or
// decoding requires, in the order of kBlobKeys; absent ones empty.
constexpr std::string_view kBlobKeys[] = {"blob_id",  "property",     "type",       "key_prefix",
                                          "data",     "content_hash", "size_bytes", "mime_type",
                                          "filename", "metadata"};
enum BlobKey { kBlobId, kProperty, kType, kKeyPrefix, kData, kHash, kSize, kMime, kName, kMeta };

// A stored string: false unless `value` (one encoded value) is a string.
bool StoredString(std::string_view value, std::string_view* out) {
  model::EncodedHead head;
  if (!model::ReadEncodedHead(&value, &head) || head.kind != Value::Kind::kString) return false;
  *out = head.string;
  return true;
}

// Appends what ObjectFingerprint appends for one blob, read from its stored object at the
// front of *in; false where DecodeBlobs would fail (a required field missing or of
// another type, an unknown field type). Of repeated keys the last counts, as in decoding.
bool PutStoredBlob(std::string* s, std::string_view* in) {
  model::EncodedHead head;
  if (!model::ReadEncodedHead(in, &head) || head.kind != Value::Kind::kObject) return false;
  std::string_view fields[std::size(kBlobKeys)];
  for (uint64_t i = 0; i < head.count; ++i) {
    std::string_view key;
    if (!model::ReadEncodedKey(in, &key)) return false;
    const std::string_view start = *in;
    if (!model::SkipEncodedValue(in, 2)) return false;
    for (size_t k = 0; k < std::size(kBlobKeys); ++k) {
      if (kBlobKeys[k] == key) fields[k] = start.substr(0, start.size() - in->size());
    }
  }
  std::string_view text[std::size(kBlobKeys)];
  for (BlobKey k : {kBlobId, kProperty, kType}) {
    if (!StoredString(fields[k], &text[k])) return false;
  }
  for (BlobKey k : {kKeyPrefix, kHash, kMime, kName}) {
    if (!fields[k].empty() && !StoredString(fields[k], &text[k])) return false;
  }
  const auto type = model::ParseFieldType(text[kType]);
  model::EncodedHead size;
  std::string_view size_value = fields[kSize];
  if (!type || !model::ReadEncodedHead(&size_value, &size) || size.kind != Value::Kind::kInt) {
    return false;
  }
  Put(s, text[kProperty]);
  Put(s, model::FieldTypeName(*type));
  Put(s, text[kKeyPrefix]);
  for (BlobKey k : {kData, kHash, kSize, kMime, kName, kMeta}) {
    if (k == kHash || k == kMime || k == kName) {
      Put(s, text[k]);
    } else if (k == kSize) {
      Put(s, std::to_string(size.integer));
    } else if (fields[k].empty()) {
      s->push_back('n');  // absent: null, as decoding reads it
    } else if (std::string_view value = fields[k]; !PutCanonicalEncoded(s, &value, 2, nullptr)) {
      return false;
    }
  }
  return true;
}

// The fingerprint input of a document up to its fields.
void PutDocumentHeader(std::string* s, const DocumentView& d, const FingerprintScope& scope) {
  Put(s, d.document_id);
  Put(s, d.collection_id);
  Put(s, d.source_type);
  Put(s, d.root_object_id);
  Put(s, d.root_bucket_id);
  Put(s, d.source_object_id);
  Put(s, d.source_document_id);
  Put(s, d.source_collection_id);
  Put(s, d.lineage_path);
  Put(s, d.modality);
  Put(s, d.ingestion_status);
  Put(s, scope.ignore_error ? std::string_view() : d.error);
}

uint64_t HexLane(std::string_view hex) {
  uint64_t v = 0;
  for (char c : hex) {
    v <<= 4;
    v |= static_cast<uint64_t>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
  }
  return v;
}

}  // namespace

void ContentChecksum::Add(std::string_view hex) {
  for (size_t lane = 0; lane < lanes_.size() && hex.size() >= (lane + 1) * 16; ++lane) {
    lanes_[lane] += HexLane(hex.substr(lane * 16, 16));
  }
  ++count_;
}

void ContentChecksum::AddDigest(const unsigned char (&sha256)[kSha256Bytes]) {
  AddDigest(sha256, 1);
}

void ContentChecksum::AddDigest(const unsigned char (&sha256)[kSha256Bytes], int64_t items) {
  for (size_t lane = 0; lane < lanes_.size(); ++lane) {
    uint64_t v = 0;
    for (size_t i = 0; i < 8; ++i) v = (v << 8) | sha256[lane * 8 + i];
    lanes_[lane] += v;
  }
  count_ += items;
}

void ContentChecksum::Merge(const ContentChecksum& other) {
  for (size_t lane = 0; lane < lanes_.size(); ++lane) lanes_[lane] += other.lanes_[lane];
  count_ += other.count_;
}

std::optional<ContentChecksum> ContentChecksum::FromHex(std::string_view hex, int64_t count) {
  if (hex.size() != 64 || count < 0) return std::nullopt;
  for (char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  }
  ContentChecksum out;
  for (size_t lane = 0; lane < out.lanes_.size(); ++lane) {
    out.lanes_[lane] = HexLane(hex.substr(lane * 16, 16));
  }
  out.count_ = count;
  return out;
}

std::string ContentChecksum::Hex() const {
  std::string out;
  char buf[17];
  for (uint64_t lane : lanes_) {
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(lane));
    out += buf;
  }
  return out;
}

std::string DocumentFingerprint(const DocumentView& d, const FingerprintScope& scope) {
  static const Value kNull;
  std::string s;
  PutDocumentHeader(&s, d, scope);
  PutFields(&s, d.fields != nullptr ? *d.fields : kNull, scope);
  std::vector<std::pair<std::string_view, std::string_view>> vectors;
  for (const auto& v : d.vectors) {
    if (scope.excluded_vector_uris.count(std::string(v.first)) == 0) vectors.push_back(v);
  }
  std::sort(vectors.begin(), vectors.end());
  for (const auto& [uri, bytes] : vectors) {
    Put(&s, uri);
    Put(&s, bytes);
  }
  return Sha256Hex(s);
}

bool DocumentFingerprinter::Begin(const DocumentView& d, std::string_view encoded_fields) {
  buffer_.clear();
  vectors_.clear();
  spans_.clear();
  PutDocumentHeader(&buffer_, d, scope_);
  const bool excludes = !scope_.excluded_fields.empty() || !scope_.excluded_field_prefixes.empty();
  return PutCanonicalEncoded(&buffer_, &encoded_fields, 0, excludes ? &scope_ : nullptr) &&
         encoded_fields.empty();
}

void DocumentFingerprinter::AddVector(std::string_view feature_uri, std::string_view bytes) {
  if (!scope_.excluded_vector_uris.empty() &&
      scope_.excluded_vector_uris.count(std::string(feature_uri)) > 0) {
    return;
  }
  spans_.push_back(VectorSpan{vectors_.size(), feature_uri.size(), bytes.size()});
  vectors_.append(feature_uri).append(bytes);
}

void DocumentFingerprinter::Finish(unsigned char (&digest)[kSha256Bytes]) {
  auto uri = [this](const VectorSpan& v) {
    return std::string_view(vectors_).substr(v.at, v.uri_size);
  };
  auto data = [this](const VectorSpan& v) {
    return std::string_view(vectors_).substr(v.at + v.uri_size, v.data_size);
  };
  std::sort(spans_.begin(), spans_.end(), [&](const VectorSpan& a, const VectorSpan& b) {
    return std::make_pair(uri(a), data(a)) < std::make_pair(uri(b), data(b));
  });
  for (const auto& v : spans_) {
    Put(&buffer_, uri(v));
    Put(&buffer_, data(v));
  }
  Sha256Digest(buffer_, digest);
}

std::string DocumentFingerprint(const model::Document& d, const FingerprintScope& scope) {
  const auto& l = d.lineage;
  DocumentView v;
  v.document_id = d.document_id;
  v.collection_id = d.collection_id;
  std::string source_type = model::SourceTypeName(l.source_type);
  v.source_type = source_type;
  v.root_object_id = l.root_object_id;
  v.root_bucket_id = l.root_bucket_id;
  if (l.source_object_id) v.source_object_id = *l.source_object_id;
  if (l.source_document_id) v.source_document_id = *l.source_document_id;
  if (l.source_collection_id) v.source_collection_id = *l.source_collection_id;
  v.lineage_path = l.path;
  v.modality = d.modality;
  v.ingestion_status = d.ingestion_status;
  if (d.error) v.error = *d.error;
  v.fields = &d.fields;
  // float32 in memory is the stored little-endian encoding on every host Ferry builds for.
  static_assert(sizeof(float) == 4);
  for (const auto& fv : d.vectors) {
    v.vectors.emplace_back(fv.feature_uri,
                           std::string_view(reinterpret_cast<const char*>(fv.values.data()),
                                            fv.values.size() * sizeof(float)));
  }
  return DocumentFingerprint(v, scope);
}

std::string ObjectFingerprint(std::string_view object_id, std::string_view bucket_id,
                              std::string_view key_prefix, const std::vector<model::Blob>& blobs) {
  std::string s;
  Put(&s, object_id);
  Put(&s, bucket_id);
  Put(&s, key_prefix);
  for (const auto& b : blobs) {
    Put(&s, b.property);
    Put(&s, model::FieldTypeName(b.type));
    Put(&s, b.key_prefix.value_or(""));
    PutCanonical(&s, b.data);
    Put(&s, b.content_hash.value_or(""));
    Put(&s, std::to_string(b.size_bytes));
    Put(&s, b.mime_type.value_or(""));
    Put(&s, b.filename.value_or(""));
    PutCanonical(&s, b.metadata);
  }
  return Sha256Hex(s);
}

bool ObjectFingerprintOfStored(std::string_view object_id, std::string_view bucket_id,
                               std::string_view key_prefix, std::string_view stored_blobs,
                               std::string* buffer, unsigned char (&digest)[kSha256Bytes]) {
  buffer->clear();
  Put(buffer, object_id);
  Put(buffer, bucket_id);
  Put(buffer, key_prefix);
  model::EncodedHead blobs;
  if (!model::ReadEncodedHead(&stored_blobs, &blobs) || blobs.kind != Value::Kind::kArray) {
    return false;
  }
  for (uint64_t i = 0; i < blobs.count; ++i) {
    if (!PutStoredBlob(buffer, &stored_blobs)) return false;
  }
  if (!stored_blobs.empty()) return false;
  Sha256Digest(*buffer, digest);
  return true;
}

std::string ObjectFingerprint(const model::Object& o) {
  return ObjectFingerprint(o.object_id, o.bucket_id, o.key_prefix.value_or(""), o.blobs);
}

}  // namespace ferry::storage
