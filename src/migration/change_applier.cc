#include "migration/change_applier.h"

#include "service/document_builder.h"

namespace ferry::migration {

namespace {

bool SameBlob(const model::Blob& a, const model::Blob& b) {
  return a.blob_id == b.blob_id && a.property == b.property && a.type == b.type &&
         a.key_prefix == b.key_prefix && a.data == b.data && a.content_hash == b.content_hash &&
         a.size_bytes == b.size_bytes && a.mime_type == b.mime_type && a.filename == b.filename &&
         a.metadata == b.metadata;
}

// Same content: what extraction reads. Timestamps and processing status do not count.
bool SameContent(const model::Object& a, const model::Object& b) {
  if (a.key_prefix != b.key_prefix || a.blobs.size() != b.blobs.size()) return false;
  for (size_t i = 0; i < a.blobs.size(); ++i) {
    if (!SameBlob(a.blobs[i], b.blobs[i])) return false;
  }
  return true;
}

bool SameDocument(const model::Document& a, const model::Document& b) {
  if (!(a.fields == b.fields) || a.ingestion_status != b.ingestion_status || a.error != b.error ||
      a.vectors.size() != b.vectors.size() ||
      a.lineage.root_object_id != b.lineage.root_object_id) {
    return false;
  }
  for (size_t i = 0; i < a.vectors.size(); ++i) {
    if (a.vectors[i].feature_uri != b.vectors[i].feature_uri ||
        a.vectors[i].values != b.vectors[i].values) {
      return false;
    }
  }
  return true;
}

std::vector<std::string> Sorted(const std::set<std::string>& s) { return {s.begin(), s.end()}; }

}  // namespace

std::string ChangeApplier::MapPath(const std::string& path) const {
  std::string out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    if (!out.empty() || start > 0) out += '/';
    out += plan_.map_id(path.substr(start, slash - start));
    start = slash + 1;
  }
  return path.empty() ? path : out;
}

ApplyCounts& ApplyCounts::operator+=(const ApplyCounts& o) {
  objects_upserted += o.objects_upserted;
  objects_deleted += o.objects_deleted;
  objects_skipped += o.objects_skipped;
  documents_upserted += o.documents_upserted;
  documents_deleted += o.documents_deleted;
  documents_skipped += o.documents_skipped;
  objects_rederived += o.objects_rederived;
  items += o.items;
  return *this;
}

Result<ApplyCounts> ChangeApplier::Apply(const std::vector<storage::ChangeEntry>& entries) {
  std::map<std::string, std::set<std::string>> objects, documents;
  for (const auto& e : entries) {
    auto& into = e.item == storage::ChangeItem::kObject ? objects : documents;
    into[e.resource_id].insert(e.item_id);
  }
  ApplyCounts counts;
  for (const auto& [r, ids] : objects) counts.items += static_cast<int64_t>(ids.size());
  for (const auto& [r, ids] : documents) counts.items += static_cast<int64_t>(ids.size());
  Roots changed_roots;  // per `from` bucket, and per rebuilt collection (its output)
  for (const auto& [bucket, ids] : objects) {
    if (plan_.buckets.count(bucket) == 0) continue;
    FERRY_RETURN_IF_ERROR(ApplyObjects(bucket, ids, counts, changed_roots));
  }
  for (const ApplyCollection& c : plan_.collections) {
    auto docs = documents.find(c.from_id);
    if (!c.rebuild) {
      if (docs != documents.end())
        FERRY_RETURN_IF_ERROR(ApplyCopiedDocuments(c, docs->second, counts));
      continue;
    }
    std::set<std::string> roots;
    for (const auto& b : c.root_buckets) {
      if (auto it = changed_roots.find(b); it != changed_roots.end()) {
        roots.insert(it->second.begin(), it->second.end());
      }
    }
    if (!c.upstream_from_id.empty()) {
      if (auto it = changed_roots.find(c.upstream_from_id); it != changed_roots.end()) {
        roots.insert(it->second.begin(), it->second.end());
      }
    }
    if (docs != documents.end()) {
      // A client write to a rebuilt collection's document: re-derive its object.
      FERRY_ASSIGN_OR_RETURN(auto current,
                             plan_.from->GetDocuments(c.from_id, Sorted(docs->second)));
      for (const auto& d : current) roots.insert(d.lineage.root_object_id);
    }
    if (roots.empty()) continue;
    FERRY_RETURN_IF_ERROR(Rederive(c, roots, counts));
    changed_roots[c.from_id] = std::move(roots);
  }
  return counts;
}

Status ChangeApplier::ApplyObjects(const std::string& from_bucket, const std::set<std::string>& ids,
                                   ApplyCounts& counts, Roots& changed_roots) {
  const std::string& to_bucket = plan_.buckets.at(from_bucket);
  const std::vector<std::string> wanted = Sorted(ids);
  FERRY_ASSIGN_OR_RETURN(auto current, plan_.from->GetObjects(from_bucket, wanted));
  std::vector<std::string> mapped;
  mapped.reserve(wanted.size());
  for (const auto& id : wanted) mapped.push_back(plan_.map_id(id));
  FERRY_ASSIGN_OR_RETURN(auto there, plan_.to->GetObjects(to_bucket, mapped));
  std::map<std::string, model::Object> on_to;
  for (auto& o : there) on_to.emplace(o.object_id, std::move(o));
  std::vector<model::Object> upserts;
  std::set<std::string> present;
  for (auto& o : current) {
    present.insert(o.object_id);
    const std::string from_id = o.object_id;
    o.object_id = plan_.map_id(o.object_id);
    o.bucket_id = to_bucket;
    auto it = on_to.find(o.object_id);
    if (it != on_to.end() && SameContent(it->second, o)) {
      ++counts.objects_skipped;
      continue;
    }
    changed_roots[from_bucket].insert(from_id);
    upserts.push_back(std::move(o));
  }
  FERRY_RETURN_IF_ERROR(plan_.to->UpsertObjects(upserts));
  counts.objects_upserted += static_cast<int64_t>(upserts.size());
  for (const auto& id : wanted) {
    if (present.count(id) != 0) continue;
    changed_roots[from_bucket].insert(id);
    Status st = plan_.to->DeleteObject(to_bucket, plan_.map_id(id));
    if (st.ok()) ++counts.objects_deleted;
    if (!st.ok() && st.code() != StatusCode::kNotFound) return st;
  }
  return Status::Ok();
}

Status ChangeApplier::AddExtraVectors(const ApplyCollection& c, model::Document& doc) {
  TimeoutRunner runner(deps_.item_timeout);
  for (const auto& [fx, params] : c.extra) {
    extract::ExtractorInput in;
    const model::Value* text = doc.fields.Get("text");
    if (fx->info().input_type != "text" || text == nullptr || !text->is_string()) {
      doc.error = fx->info().id() + ": document has no text to extract from";
      continue;
    }
    in.text = text->as_string();
    auto ex = service::ExtractWithTimeout(runner, *fx, in, params);
    if (!ex.ok() || ex->empty()) {
      doc.error = fx->info().id() + ": " + (ex.ok() ? "no output" : ex.status().message());
      continue;
    }
    doc.vectors.push_back({fx->info().feature_uri(), std::move((*ex)[0].embedding)});
  }
  return Status::Ok();
}

Status ChangeApplier::ApplyCopiedDocuments(const ApplyCollection& c,
                                           const std::set<std::string>& ids, ApplyCounts& counts) {
  const std::vector<std::string> wanted = Sorted(ids);
  FERRY_ASSIGN_OR_RETURN(auto current, plan_.from->GetDocuments(c.from_id, wanted));
  std::vector<std::string> mapped;
  for (const auto& id : wanted) mapped.push_back(plan_.map_id(id));
  FERRY_ASSIGN_OR_RETURN(auto there, plan_.to->GetDocuments(c.to.collection_id, mapped));
  std::map<std::string, model::Document> on_to;
  for (auto& d : there) on_to.emplace(d.document_id, std::move(d));
  std::set<std::string> present;
  std::vector<model::Document> upserts;
  for (auto& d : current) {
    present.insert(d.document_id);
    d.document_id = plan_.map_id(d.document_id);
    d.collection_id = c.to.collection_id;
    auto& l = d.lineage;
    l.root_object_id = plan_.map_id(l.root_object_id);
    l.root_bucket_id = plan_.map_id(l.root_bucket_id);
    if (l.source_object_id) l.source_object_id = plan_.map_id(*l.source_object_id);
    if (l.source_document_id) l.source_document_id = plan_.map_id(*l.source_document_id);
    if (l.source_collection_id) l.source_collection_id = plan_.map_id(*l.source_collection_id);
    std::erase_if(d.vectors, [&](const model::FeatureVector& v) {
      return c.drop_features.count(v.feature_uri) != 0;
    });
    FERRY_RETURN_IF_ERROR(AddExtraVectors(c, d));
    auto it = on_to.find(d.document_id);
    if (it != on_to.end() && SameDocument(it->second, d)) {
      ++counts.documents_skipped;
      continue;
    }
    l.path = MapPath(l.path);
    upserts.push_back(std::move(d));
  }
  FERRY_RETURN_IF_ERROR(plan_.to->UpsertDocuments(upserts));
  counts.documents_upserted += static_cast<int64_t>(upserts.size());
  storage::DocumentSelection gone;
  gone.ids.emplace();
  for (const auto& id : wanted) {
    if (present.count(id) == 0) gone.ids->push_back(plan_.map_id(id));
  }
  if (!gone.ids->empty()) {
    FERRY_ASSIGN_OR_RETURN(auto deleted, plan_.to->DeleteDocuments(c.to.collection_id, gone));
    counts.documents_deleted += static_cast<int64_t>(deleted.size());
  }
  return Status::Ok();
}

Status ChangeApplier::Rederive(const ApplyCollection& c, const std::set<std::string>& roots,
                               ApplyCounts& counts) {
  const auto* fx = deps_.extractors.Find(c.to.extractor.name, c.to.extractor.version);
  if (fx == nullptr) return Status::FailedPrecondition("unknown extractor " + c.to.extractor.id());
  std::vector<std::string> mapped;
  for (const auto& r : roots) mapped.push_back(plan_.map_id(r));
  FERRY_ASSIGN_OR_RETURN(auto before,
                         plan_.to->ListDocumentsByRootObjects(c.to.collection_id, mapped));
  service::DocumentBuilder builder(c.to, *fx, deps_.storage.blobs(), deps_.clock.NowMs(),
                                   plan_.batch_id, deps_.item_timeout, pool_);
  std::vector<std::vector<model::Document>> built;
  if (c.upstream_from_id.empty()) {
    for (const auto& b : c.to.source.bucket_ids) {
      FERRY_ASSIGN_OR_RETURN(auto objects, plan_.to->GetObjects(b, mapped));
      FERRY_ASSIGN_OR_RETURN(auto some, builder.FromObjects(objects));
      counts.objects_rederived += static_cast<int64_t>(objects.size());
      for (auto& docs : some) built.push_back(std::move(docs));
    }
  } else {
    FERRY_ASSIGN_OR_RETURN(auto sources,
                           plan_.to->ListDocumentsByRootObjects(c.to.source.collection_id, mapped));
    std::erase_if(sources,
                  [](const model::Document& s) { return s.ingestion_status != "COMPLETED"; });
    std::set<std::string> fed;
    for (const auto& src : sources) fed.insert(src.lineage.root_object_id);
    FERRY_ASSIGN_OR_RETURN(built, builder.FromDocuments(sources));
    counts.objects_rederived += static_cast<int64_t>(fed.size());
  }
  std::vector<model::Document> out;
  std::set<std::string> kept;
  for (auto& docs : built) {
    for (auto& d : docs) {
      kept.insert(d.document_id);
      out.push_back(std::move(d));
    }
  }
  FERRY_RETURN_IF_ERROR(plan_.to->UpsertDocuments(out));
  counts.documents_upserted += static_cast<int64_t>(out.size());
  // Documents of an older version of these objects (more chunks, or a deleted object).
  storage::DocumentSelection stale;
  stale.ids.emplace();
  for (const auto& d : before) {
    if (kept.count(d.document_id) == 0) stale.ids->push_back(d.document_id);
  }
  if (!stale.ids->empty()) {
    FERRY_ASSIGN_OR_RETURN(auto deleted, plan_.to->DeleteDocuments(c.to.collection_id, stale));
    counts.documents_deleted += static_cast<int64_t>(deleted.size());
  }
  return Status::Ok();
}

}  // namespace ferry::migration
