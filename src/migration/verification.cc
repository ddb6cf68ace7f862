#include "migration/verification.h"

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "common/crypto.h"
#include "migration/batch_executor.h"

namespace ferry::migration {

namespace {

using model::Value;

constexpr int64_t kPage = 500;
constexpr size_t kMaxDifferences = 5;

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

Value WithoutFields(const Value& fields, const FingerprintScope& scope) {
  if ((scope.excluded_fields.empty() && scope.excluded_field_prefixes.empty()) ||
      !fields.is_object()) {
    return fields;
  }
  auto excluded = [&scope](const std::string& k) {
    if (scope.excluded_fields.count(k) > 0) return true;
    for (const auto& p : scope.excluded_field_prefixes) {
      if (k.compare(0, p.size(), p) == 0) return true;
    }
    return false;
  };
  model::ValueObject out;
  for (const auto& [k, v] : fields.as_object()) {
    if (!excluded(k)) out.Set(k, v);
  }
  return Value(std::move(out));
}

// A side's fingerprints by (target) id, and its checksum.
struct Side {
  bool keep = false;  // keep each item's fingerprint (to name differences)
  std::unordered_map<std::string, std::string> by_id;
  ContentChecksum checksum;
  void Add(const std::string& id, std::string fingerprint) {
    checksum.Add(fingerprint);
    if (keep) by_id[id] = std::move(fingerprint);
  }
};

using Fingerprinter = std::function<Result<std::vector<std::pair<std::string, std::string>>>(
    const std::vector<std::string>& ids)>;
using IdLister = std::function<Result<std::vector<std::string>>(const storage::IdQuery&)>;

Status Scan(const IdLister& list, const Fingerprinter& fingerprint,
            std::optional<TimestampMs> after, std::optional<TimestampMs> before, Side* side) {
  storage::IdQuery q;
  q.limit = kPage;
  q.created_after = after;
  q.created_before = before;
  while (true) {
    FERRY_ASSIGN_OR_RETURN(auto ids, list(q));
    if (ids.empty()) return Status::Ok();
    FERRY_ASSIGN_OR_RETURN(auto prints, fingerprint(ids));
    for (auto& [id, fp] : prints) side->Add(id, std::move(fp));
    q.after_id = ids.back();
  }
}

void Compare(const char* noun, Side& source, const Side& target, ResourceVerification* out) {
  out->source_count = source.checksum.count();
  out->target_count = target.checksum.count();
  out->source_checksum = source.checksum.Hex();
  out->target_checksum = target.checksum.Hex();
  out->match = source.checksum == target.checksum;
  if (out->match) return;
  auto note = [&](std::string s) {
    if (out->differences.size() < kMaxDifferences) out->differences.push_back(std::move(s));
  };
  std::vector<std::string> target_ids;
  for (const auto& [id, fp] : target.by_id) target_ids.push_back(id);
  std::sort(target_ids.begin(), target_ids.end());
  for (const auto& id : target_ids) {
    auto it = source.by_id.find(id);
    if (it == source.by_id.end()) {
      note(std::string(noun) + " " + id + " is in the target but not in the source");
    } else {
      if (it->second != target.by_id.at(id)) {
        note(std::string(noun) + " " + id + " differs from its source");
      }
      source.by_id.erase(it);
    }
  }
  std::vector<std::string> missing;
  for (const auto& [id, fp] : source.by_id) missing.push_back(id);
  std::sort(missing.begin(), missing.end());
  for (const auto& id : missing) note(std::string(noun) + " " + id + " is missing from the target");
}

// Scans both sides for their checksums only (memory independent of the item count);
// on a mismatch, scans again keeping every fingerprint, to name the differences.
Status CompareSides(const char* noun, const std::function<Status(Side*, Side*)>& scan,
                    ResourceVerification* out) {
  Side source, target;
  FERRY_RETURN_IF_ERROR(scan(&source, &target));
  if (source.checksum == target.checksum) {
    Compare(noun, source, target, out);
    return Status::Ok();
  }
  Side kept_source{true, {}, {}}, kept_target{true, {}, {}};
  FERRY_RETURN_IF_ERROR(scan(&kept_source, &kept_target));
  Compare(noun, kept_source, kept_target, out);
  return Status::Ok();
}

}  // namespace

void ContentChecksum::Add(const std::string& hex) {
  for (size_t lane = 0; lane < lanes_.size() && hex.size() >= (lane + 1) * 16; ++lane) {
    lanes_[lane] += std::stoull(hex.substr(lane * 16, 16), nullptr, 16);
  }
  ++count_;
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

std::string DocumentFingerprint(const model::Document& d, const FingerprintScope& scope) {
  std::string s;
  Put(&s, d.document_id);
  Put(&s, d.collection_id);
  const auto& l = d.lineage;
  Put(&s, model::SourceTypeName(l.source_type));
  Put(&s, l.root_object_id);
  Put(&s, l.root_bucket_id);
  Put(&s, l.source_object_id.value_or(""));
  Put(&s, l.source_document_id.value_or(""));
  Put(&s, l.source_collection_id.value_or(""));
  Put(&s, l.path);
  Put(&s, d.modality);
  Put(&s, d.ingestion_status);
  Put(&s, scope.ignore_error ? "" : d.error.value_or(""));
  PutCanonical(&s, WithoutFields(d.fields, scope));
  std::vector<const model::FeatureVector*> vectors;
  for (const auto& v : d.vectors) {
    if (scope.excluded_vector_uris.count(v.feature_uri) == 0) vectors.push_back(&v);
  }
  std::sort(vectors.begin(), vectors.end(),
            [](const auto* a, const auto* b) { return a->feature_uri < b->feature_uri; });
  for (const auto* v : vectors) {
    Put(&s, v->feature_uri);
    Put(&s, std::string_view(reinterpret_cast<const char*>(v->values.data()),
                             v->values.size() * sizeof(float)));
  }
  return Sha256Hex(s);
}

std::string ObjectFingerprint(const model::Object& o) {
  std::string s;
  Put(&s, o.object_id);
  Put(&s, o.bucket_id);
  Put(&s, o.key_prefix.value_or(""));
  for (const auto& b : o.blobs) {
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

Result<ResourceVerification> VerifyCopiedResource(const RunContext& ctx,
                                                  const model::DependencyNode& node,
                                                  const FingerprintScope& scope) {
  const auto filter = ctx.config.effective_filters();
  ResourceVerification out;
  out.resource_id = node.resource_id;
  out.resource_type = node.resource_type;
  out.target_resource_id = ctx.TargetId(node.resource_id);
  const std::string& src_id = node.resource_id;
  const std::string& dst_id = out.target_resource_id;
  if (node.resource_type == model::ResourceType::kBucket) {
    auto prints = [&](storage::NamespaceStore& store, const std::string& bucket, bool map) {
      return [&store, bucket, map, &ctx](const std::vector<std::string>& ids)
                 -> Result<std::vector<std::pair<std::string, std::string>>> {
        FERRY_ASSIGN_OR_RETURN(auto objects, store.GetObjects(bucket, ids));
        std::vector<std::pair<std::string, std::string>> out;
        for (auto& o : objects) {
          if (map) o = MapObject(ctx, std::move(o));
          out.emplace_back(o.object_id, ObjectFingerprint(o));
        }
        return out;
      };
    };
    FERRY_RETURN_IF_ERROR(CompareSides(
        "object",
        [&](Side* source, Side* target) {
          FERRY_RETURN_IF_ERROR(
              Scan([&](const storage::IdQuery& q) { return ctx.source->ListObjectIds(src_id, q); },
                   prints(*ctx.source, src_id, true), filter.after, filter.before, source));
          return Scan(
              [&](const storage::IdQuery& q) { return ctx.target->ListObjectIds(dst_id, q); },
              prints(*ctx.target, dst_id, false), std::nullopt, std::nullopt, target);
        },
        &out));
    return out;
  }
  auto prints = [&](storage::NamespaceStore& store, const std::string& collection, bool map) {
    return [&store, collection, map, &ctx, &scope](const std::vector<std::string>& ids)
               -> Result<std::vector<std::pair<std::string, std::string>>> {
      FERRY_ASSIGN_OR_RETURN(auto docs, store.GetDocuments(collection, ids));
      std::vector<std::pair<std::string, std::string>> out;
      for (auto& d : docs) {
        if (map) d = MapDocument(ctx, std::move(d));
        out.emplace_back(d.document_id, DocumentFingerprint(d, scope));
      }
      return out;
    };
  };
  FERRY_RETURN_IF_ERROR(CompareSides(
      "document",
      [&](Side* source, Side* target) {
        FERRY_RETURN_IF_ERROR(
            Scan([&](const storage::IdQuery& q) { return ctx.source->ListDocumentIds(src_id, q); },
                 prints(*ctx.source, src_id, true), filter.after, filter.before, source));
        return Scan(
            [&](const storage::IdQuery& q) { return ctx.target->ListDocumentIds(dst_id, q); },
            prints(*ctx.target, dst_id, false), std::nullopt, std::nullopt, target);
      },
      &out));
  return out;
}

}  // namespace ferry::migration
