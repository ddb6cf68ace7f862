#include "migration/verification.h"

#include <algorithm>
#include <future>
#include <unordered_map>

#include "migration/batch_executor.h"

namespace ferry::migration {

namespace {

constexpr int64_t kPage = 500;
constexpr size_t kMaxDifferences = 5;

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

// Compares the two sides' streamed checksums; on a mismatch, scans both again keeping
// every fingerprint, to name the differences.
// Leaves the items of `excluded` (target ids) out of both sides.
void Exclude(const std::set<std::string>& excluded, Side* side) {
  for (const auto& id : excluded) side->by_id.erase(id);
  side->checksum = ContentChecksum();
  for (const auto& [id, fp] : side->by_id) side->checksum.Add(fp);
}

Status CompareSides(const char* noun, const storage::ItemChecksum& source,
                    const storage::ItemChecksum& target,
                    const std::function<Status(Side*, Side*)>& scan,
                    const std::function<Result<std::set<std::string>>()>& excluded_after_scan,
                    ResourceVerification* out) {
  out->source_count = source.count;
  out->target_count = target.count;
  out->source_checksum = source.checksum.Hex();
  out->target_checksum = target.checksum.Hex();
  out->match = source.checksum == target.checksum;
  if (out->match) return Status::Ok();
  Side kept_source{true, {}, {}}, kept_target{true, {}, {}};
  FERRY_RETURN_IF_ERROR(scan(&kept_source, &kept_target));
  std::set<std::string> excluded;
  if (excluded_after_scan) {
    FERRY_ASSIGN_OR_RETURN(excluded, excluded_after_scan());
    out->changed_since_start = static_cast<int64_t>(excluded.size());
  }
  if (!excluded.empty()) {
    // Items written by clients during the migration differ by design: compare the rest.
    Exclude(excluded, &kept_source);
    Exclude(excluded, &kept_target);
    Compare(noun, kept_source, kept_target, out);
    const bool match = out->match;
    out->source_count = source.count;
    out->target_count = target.count;
    out->source_checksum = source.checksum.Hex();
    out->target_checksum = target.checksum.Hex();
    out->match = match;
    return Status::Ok();
  }
  Compare(noun, kept_source, kept_target, out);
  // The named differences come from the second scan; the counts and checksums stay the
  // streamed ones (the source may have changed in between).
  out->source_count = source.count;
  out->target_count = target.count;
  out->source_checksum = source.checksum.Hex();
  out->target_checksum = target.checksum.Hex();
  out->match = false;
  return Status::Ok();
}

// Both sides' streamed checksums: the source as the target should hold it (ids mapped,
// the migration's date range), the target as it is.
Result<std::pair<storage::ItemChecksum, storage::ItemChecksum>> StreamChecksums(
    const RunContext& ctx, const model::DependencyNode& node, const std::string& target_id,
    const FingerprintScope& scope) {
  const auto filter = ctx.config.effective_filters();
  storage::ChecksumRequest request;
  request.resource_type = node.resource_type;
  request.resource_id = node.resource_id;
  request.mapping = storage::IdMapping{ctx.migration_id, ctx.config.preserve_resource_ids};
  request.scope = scope;
  request.created_after = filter.after;
  request.created_before = filter.before;
  storage::ChecksumRequest target_request = request;
  target_request.resource_id = target_id;
  target_request.mapping.reset();
  target_request.created_after.reset();
  target_request.created_before.reset();
  // The two sides are different files with their own connections: scan them at once.
  auto source = std::async(std::launch::async,
                           [&ctx, &request] { return ctx.source->ChecksumItems(request); });
  Result<storage::ItemChecksum> target = ctx.target->ChecksumItems(target_request);
  Result<storage::ItemChecksum> source_sum = source.get();
  FERRY_RETURN_IF_ERROR(source_sum.status());
  FERRY_RETURN_IF_ERROR(target.status());
  return std::make_pair(std::move(*source_sum), std::move(*target));
}

}  // namespace

Result<ResourceVerification> VerifyCopiedResource(const RunContext& ctx,
                                                  const model::DependencyNode& node,
                                                  const FingerprintScope& scope,
                                                  const ChangedItems& changed) {
  const auto filter = ctx.config.effective_filters();
  ResourceVerification out;
  out.resource_id = node.resource_id;
  out.resource_type = node.resource_type;
  out.target_resource_id = ctx.TargetId(node.resource_id);
  const std::string& src_id = node.resource_id;
  const std::string& dst_id = out.target_resource_id;
  FERRY_ASSIGN_OR_RETURN(auto sums, StreamChecksums(ctx, node, dst_id, scope));
  // Asked after the rescan of a mismatch: a write the scans saw is in the log by then.
  std::function<Result<std::set<std::string>>()> excluded;
  if (changed) {
    excluded = [&]() -> Result<std::set<std::string>> {
      FERRY_ASSIGN_OR_RETURN(auto ids, changed());
      std::set<std::string> mapped;
      for (const auto& id : ids) mapped.insert(ctx.TargetId(id));
      return mapped;
    };
  }
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
        "object", sums.first, sums.second,
        [&](Side* source, Side* target) {
          FERRY_RETURN_IF_ERROR(
              Scan([&](const storage::IdQuery& q) { return ctx.source->ListObjectIds(src_id, q); },
                   prints(*ctx.source, src_id, true), filter.after, filter.before, source));
          return Scan(
              [&](const storage::IdQuery& q) { return ctx.target->ListObjectIds(dst_id, q); },
              prints(*ctx.target, dst_id, false), std::nullopt, std::nullopt, target);
        },
        excluded, &out));
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
      "document", sums.first, sums.second,
      [&](Side* source, Side* target) {
        FERRY_RETURN_IF_ERROR(
            Scan([&](const storage::IdQuery& q) { return ctx.source->ListDocumentIds(src_id, q); },
                 prints(*ctx.source, src_id, true), filter.after, filter.before, source));
        return Scan(
            [&](const storage::IdQuery& q) { return ctx.target->ListDocumentIds(dst_id, q); },
            prints(*ctx.target, dst_id, false), std::nullopt, std::nullopt, target);
      },
      excluded, &out));
  return out;
}

}  // namespace ferry::migration
