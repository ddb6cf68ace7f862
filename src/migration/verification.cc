#include "migration/verification.h"

#include <algorithm>
#include <future>
#include <unordered_map>

#include "migration/batch_executor.h"
#include "migration/cluster_targets.h"
#include "migration/taxonomy_migration.h"

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

FingerprintScope ScopeOf(const RunContext& ctx, const model::DependencyNode& node) {
  FingerprintScope scope;
  if (node.resource_type != model::ResourceType::kCollection) return scope;
  const std::string& collection_id = node.resource_id;
  scope.excluded_fields = ClusterFieldsRewritten(ctx, collection_id);
  if (auto action = ctx.plan.actions.find(collection_id); action != ctx.plan.actions.end()) {
    for (const auto& [fx, params] : action->second.extra) {
      scope.excluded_vector_uris.insert(fx->info().feature_uri());
      scope.ignore_error = true;
    }
  }
  if (EnrichmentRewritesFields(ctx)) EnrichmentFieldsOf(ctx, collection_id, &scope);
  return scope;
}

Result<model::BatchChecksums> ChecksumCopiedSlice(const RunContext& ctx,
                                                  const model::MigrationBatch& batch) {
  const model::DependencyNode* node = ctx.plan.graph.Find(batch.resource_id);
  if (node == nullptr) return Status::Internal("batch of a resource outside the plan");
  storage::ChecksumRequest source;
  source.resource_type = batch.resource_type;
  source.resource_id = batch.resource_id;
  source.mapping = storage::IdMapping{ctx.migration_id, ctx.config.preserve_resource_ids};
  source.scope = ScopeOf(ctx, *node);
  source.item_ids = batch.item_ids;
  storage::ChecksumRequest target = source;
  target.resource_id = ctx.TargetId(batch.resource_id);
  target.mapping.reset();
  target.item_ids->clear();
  for (const auto& id : batch.item_ids) target.item_ids->push_back(ctx.TargetId(id));
  // One side after the other, on this worker's thread only: the other workers' copies
  // (the writer, which every slice waits for) keep the remaining cores.
  FERRY_ASSIGN_OR_RETURN(storage::ItemChecksum source_sum, ctx.source->ChecksumItems(source));
  FERRY_ASSIGN_OR_RETURN(storage::ItemChecksum target_sum, ctx.target->ChecksumItems(target));
  return model::BatchChecksums{source_sum.count, source_sum.checksum.Hex(), target_sum.count,
                               target_sum.checksum.Hex()};
}

namespace {

// The recorded checksums of the resource's slices added up; nullopt when a batch of the
// resource has none (not a bulk copy, or not completed) or failed items.
Result<std::optional<std::pair<ContentChecksum, ContentChecksum>>> SumSlices(
    const RunContext& ctx, const std::string& resource_id) {
  using Sums = std::optional<std::pair<ContentChecksum, ContentChecksum>>;
  ContentChecksum source, target;
  int64_t after = -1;
  for (;;) {
    FERRY_ASSIGN_OR_RETURN(auto page, ctx.deps.storage.catalog().ListMigrationBatches(
                                          ctx.migration_id, after, storage::kMigrationBatchPage));
    if (page.empty()) return Sums(std::make_pair(source, target));
    for (const auto& b : page) {
      if (b.resource_id != resource_id) continue;
      if (b.status != "completed" || b.items_failed != 0 || !b.checksums) return Sums();
      auto s = ContentChecksum::FromHex(b.checksums->source_checksum, b.checksums->source_count);
      auto t = ContentChecksum::FromHex(b.checksums->target_checksum, b.checksums->target_count);
      if (!s || !t) return Sums();
      source.Merge(*s);
      target.Merge(*t);
    }
    after = page.back().batch_no;
  }
}

}  // namespace

Result<std::optional<ResourceVerification>> VerifyFromSlices(const RunContext& ctx,
                                                             const model::DependencyNode& node,
                                                             const ChangedItems& changed) {
  using Verified = std::optional<ResourceVerification>;
  if (changed) {
    FERRY_ASSIGN_OR_RETURN(auto written, changed());
    if (!written.empty()) return Verified();
  }
  FERRY_ASSIGN_OR_RETURN(auto sums, SumSlices(ctx, node.resource_id));
  if (!sums) return Verified();
  const auto filter = ctx.config.effective_filters();
  ResourceVerification out;
  out.resource_id = node.resource_id;
  out.resource_type = node.resource_type;
  out.target_resource_id = ctx.TargetId(node.resource_id);
  const bool bucket = node.resource_type == model::ResourceType::kBucket;
  FERRY_ASSIGN_OR_RETURN(
      out.source_count,
      bucket ? ctx.source->CountObjectsInRange(node.resource_id, filter.after, filter.before)
             : ctx.source->CountDocumentsInRange(node.resource_id, filter.after, filter.before));
  FERRY_ASSIGN_OR_RETURN(out.target_count,
                         bucket ? ctx.target->CountObjects(out.target_resource_id)
                                : ctx.target->CountDocuments(out.target_resource_id));
  const auto& [source, target] = *sums;
  out.source_checksum = source.Hex();
  out.target_checksum = target.Hex();
  out.match =
      source == target && source.count() == out.source_count && target.count() == out.target_count;
  if (!out.match) return Verified();
  return Verified(std::move(out));
}

}  // namespace ferry::migration
