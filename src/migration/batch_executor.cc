#include "migration/batch_executor.h"

#include "common/ids.h"
#include "migration/rebuild_executor.h"
#include "migration/verification.h"
#include "service/document_builder.h"

namespace ferry::migration {

namespace {

Status WriteDocuments(RunContext& ctx, const storage::WriteFence* fence,
                      const std::vector<model::Document>& docs) {
  return fence != nullptr ? ctx.target->UpsertDocumentsFenced(*fence, docs)
                          : ctx.target->UpsertDocuments(docs);
}

// A slice copied inside the storage engine (StorageEngine::CopyItems): objects of a
// bucket, or documents of a collection that a copy or re_extract carries over unchanged.
Result<BatchResult> BulkCopy(RunContext& ctx, const model::MigrationBatch& batch,
                             const storage::WriteFence* fence) {
  if (ctx.cancelled) return Status::Cancelled("cancelled");
  storage::BulkCopyRequest request;
  request.resource_type = batch.resource_type;
  request.source_resource_id = batch.resource_id;
  request.item_ids = batch.item_ids;
  request.mapping = {ctx.migration_id, ctx.config.preserve_resource_ids};
  if (fence != nullptr) request.fence = *fence;
  // Checksummed in the write's own pass where the backend can: only a slice compared
  // whole (nothing a later stage rewrites or adds is left out of its fingerprint).
  const model::DependencyNode* node = ctx.plan.graph.Find(batch.resource_id);
  request.checksum = node != nullptr && ScopeOf(ctx, *node).empty();
  FERRY_ASSIGN_OR_RETURN(
      storage::BulkCopyResult copied,
      ctx.deps.storage.CopyItems(ctx.plan.source->namespace_id, ctx.target_namespace_id, request));
  BatchResult r{copied.copied, 0, {}, std::nullopt};
  if (copied.checksums) {
    const auto& [source, target] = *copied.checksums;
    r.checksums = model::BatchChecksums{source.count, source.checksum.Hex(), target.count,
                                        target.checksum.Hex()};
    return r;
  }
  FERRY_ASSIGN_OR_RETURN(r.checksums, ChecksumCopiedSlice(ctx, batch));
  return r;
}

// The text or image an extend extractor reads for one copied document.
Result<extract::ExtractorInput> ExtendInput(RunContext& ctx, const model::Collection& source,
                                            const model::Document& doc,
                                            const extract::FeatureExtractor& fx) {
  extract::ExtractorInput in;
  const model::Value* mapped = source.extractor.input_mappings.Get(fx.info().input_name);
  std::string field = mapped != nullptr && mapped->is_string() ? mapped->as_string() : "";
  if (fx.info().input_type == "text") {
    const model::Value* text = doc.fields.Get("text");
    if (text == nullptr || !text->is_string()) {
      return Status::InvalidArgument("document has no text to extract from");
    }
    in.text = text->as_string();
    return in;
  }
  for (const auto& bucket : source.root_bucket_ids) {
    auto obj = ctx.source->GetObject(bucket, doc.lineage.root_object_id);
    if (!obj.ok()) continue;
    const model::Blob* blob = obj->FindBlob(field);
    if (blob == nullptr || !blob->content_hash) break;
    FERRY_ASSIGN_OR_RETURN(in.bytes, ctx.deps.storage.blobs().Get(*blob->content_hash));
    return in;
  }
  return Status::InvalidArgument("document's source image is not available");
}

Result<BatchResult> CopyDocuments(RunContext& ctx, const model::MigrationBatch& batch,
                                  const CollectionAction& action,
                                  const storage::WriteFence* fence) {
  FERRY_ASSIGN_OR_RETURN(auto docs, ctx.source->GetDocuments(batch.resource_id, batch.item_ids));
  const model::Collection* source = nullptr;
  for (const auto& c : ctx.plan.snapshot.collections) {
    if (c.collection_id == batch.resource_id) source = &c;
  }
  BatchResult r;
  std::vector<model::Document> out;
  out.reserve(docs.size());
  TimeoutRunner runner(ctx.deps.item_timeout);
  for (auto& d : docs) {
    if (ctx.cancelled) break;
    bool failed = false;
    for (const auto& [fx, params] : action.extra) {
      auto in = ExtendInput(ctx, *source, d, *fx);
      auto ex = in.ok() ? service::ExtractWithTimeout(runner, *fx, *in, params)
                        : Result<std::vector<extract::ExtractedDocument>>(in.status());
      if (!ex.ok() || ex->empty()) {
        bool item_error = !ex.ok() && (ex.status().code() == StatusCode::kInvalidArgument ||
                                       ex.status().code() == StatusCode::kDeadlineExceeded);
        if (!ex.ok() && !item_error) return ex.status();
        failed = true;
        d.error = fx->info().id() + ": " + (ex.ok() ? "no output" : ex.status().message());
        continue;
      }
      d.vectors.push_back({fx->info().feature_uri(), std::move((*ex)[0].embedding)});
    }
    if (failed) r.failures.push_back({d.document_id, *d.error});
    out.push_back(MapDocument(ctx, std::move(d)));
    ++(failed ? r.failed : r.completed);
  }
  FERRY_RETURN_IF_ERROR(WriteDocuments(ctx, fence, out));
  if (ctx.cancelled) return Status::Cancelled("cancelled");
  return r;
}

}  // namespace

model::Object MapObject(const RunContext& ctx, model::Object o) {
  o.object_id = ctx.TargetId(o.object_id);
  o.bucket_id = ctx.TargetId(o.bucket_id);
  return o;
}

model::Document MapDocument(const RunContext& ctx, model::Document doc) {
  doc.document_id = ctx.TargetId(doc.document_id);
  doc.collection_id = ctx.TargetId(doc.collection_id);
  auto& l = doc.lineage;
  l.root_object_id = ctx.TargetId(l.root_object_id);
  l.root_bucket_id = ctx.TargetId(l.root_bucket_id);
  if (l.source_object_id) l.source_object_id = ctx.TargetId(*l.source_object_id);
  if (l.source_document_id) l.source_document_id = ctx.TargetId(*l.source_document_id);
  if (l.source_collection_id) l.source_collection_id = ctx.TargetId(*l.source_collection_id);
  l.path = MapLineagePath(ctx.migration_id, l.path, ctx.config.preserve_resource_ids);
  return doc;
}

Result<BatchResult> ExecuteBatch(RunContext& ctx, const model::MigrationBatch& batch,
                                 const storage::WriteFence* fence) {
  if (batch.resource_type == model::ResourceType::kBucket) return BulkCopy(ctx, batch, fence);
  const CollectionAction& action = ctx.plan.actions.at(batch.resource_id);
  if (action.kind == CollectionAction::Kind::kRebuild) return RebuildDocuments(ctx, batch, fence);
  if (action.extra.empty()) return BulkCopy(ctx, batch, fence);
  return CopyDocuments(ctx, batch, action, fence);
}

}  // namespace ferry::migration
