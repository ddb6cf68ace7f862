#include "service/document_builder.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/crypto.h"
#include "common/ids.h"
#include "service/item_limits.h"

namespace ferry::service {

std::string DocumentIdFor(const std::string& collection_id, const std::string& source_key,
                          int position) {
  const std::string key = collection_id + "|" + std::to_string(position);
  if (auto shifted = ShiftedId("doc", source_key, key)) return std::move(*shifted);
  return "doc_" +
         Sha256Hex(collection_id + "|" + source_key + "|" + std::to_string(position)).substr(0, 24);
}

DocumentBuilder::DocumentBuilder(const model::Collection& collection,
                                 const extract::FeatureExtractor& extractor,
                                 storage::BlobStore& blobs, TimestampMs now, std::string batch_id,
                                 std::chrono::milliseconds item_timeout, TimeoutPool* pool)
    : collection_(collection),
      extractor_(extractor),
      blobs_(blobs),
      now_(now),
      batch_id_(std::move(batch_id)),
      timeout_runner_(item_timeout),
      pool_(pool) {
  const model::Value* path = collection.extractor.input_mappings.Get(extractor.info().input_name);
  if (path != nullptr && path->is_string()) input_path_ = path->as_string();
}

namespace {

// Why a call to the extractor carrying `items` inputs gave no result: it overran
// (DeadlineExceeded) or threw (Internal), as `st` says.
Status CallFailure(const extract::FeatureExtractor& fx, size_t items, const Status& st) {
  std::string what = fx.info().id() + " extraction";
  if (items > 1) what += " (batch of " + std::to_string(items) + ")";
  return Status(st.code(), what + " " + st.message());
}

}  // namespace

Result<std::vector<extract::ExtractedDocument>> ExtractWithTimeout(
    TimeoutRunner& runner, const extract::FeatureExtractor& fx,
    const extract::ExtractorInput& input, const model::Value& params) {
  using Out = Result<std::vector<extract::ExtractedDocument>>;
  // The call owns copies of what it reads: if it hangs, it outlives this frame.
  auto out = std::make_shared<std::optional<Out>>();
  Status st = runner.Run([fx = &fx, input, params, out] { *out = fx->Extract(input, params); });
  if (!st.ok()) return CallFailure(fx, 1, st);
  return std::move(**out);
}

std::vector<Result<std::vector<extract::ExtractedDocument>>> ExtractBatchWithTimeout(
    TimeoutRunner& runner, const extract::FeatureExtractor& fx,
    const std::vector<extract::ExtractorInput>& inputs, const model::Value& params) {
  using Out = std::vector<Result<std::vector<extract::ExtractedDocument>>>;
  if (inputs.size() == 1) return Out{ExtractWithTimeout(runner, fx, inputs[0], params)};
  auto out = std::make_shared<std::optional<Out>>();
  Status st =
      runner.Run([fx = &fx, inputs, params, out] { *out = fx->ExtractBatch(inputs, params); });
  if (!st.ok()) return Out(inputs.size(), CallFailure(fx, inputs.size(), st));
  if ((*out)->size() != inputs.size()) {
    return Out(inputs.size(),
               Status::Internal(fx.info().id() + " returned " + std::to_string((*out)->size()) +
                                " results for " + std::to_string(inputs.size()) + " inputs"));
  }
  return std::move(**out);
}

Result<model::Value> DocumentBuilder::ObjectFields(const model::Object& object) {
  model::ValueObject fields;
  for (const auto& b : object.blobs) {
    if (!b.data.is_null()) fields.Set(b.property, b.data);
  }
  return model::Value(std::move(fields));
}

Result<extract::ExtractorInput> DocumentBuilder::InputFromObject(const model::Object& object) {
  extract::ExtractorInput input;
  const model::Blob* blob = object.FindBlob(input_path_);
  if (blob == nullptr) return Status::NotFound("object has no '" + input_path_ + "' blob");
  if (extractor_.info().input_type == "text") {
    if (!blob->data.is_string()) {
      return Status::InvalidArgument("blob '" + input_path_ + "' is not text");
    }
    input.text = blob->data.as_string();
    return input;
  }
  if (!blob->content_hash) {
    return Status::InvalidArgument("blob '" + input_path_ + "' has no stored content");
  }
  auto bytes = blobs_.Get(*blob->content_hash);
  if (!bytes.ok() && bytes.status().code() == StatusCode::kNotFound) {
    return Status::DataLoss("blob " + *blob->content_hash + " is missing from the blob store");
  }
  if (!bytes.ok()) return bytes.status();
  input.bytes = std::move(bytes).value();
  input.mime_type = blob->mime_type.value_or("");
  return input;
}

extract::ExtractorInput DocumentBuilder::InputFromDocument(const model::Document& source,
                                                           Status* error) const {
  extract::ExtractorInput input;
  const model::Value* v = source.fields.GetPath(input_path_);
  if (v == nullptr || !v->is_string()) {
    *error = Status::InvalidArgument("source document has no text field '" + input_path_ + "'");
    return input;
  }
  input.text = v->as_string();
  return input;
}

model::Value DocumentBuilder::Passthrough(const model::Value& source_fields) const {
  const auto& ex = collection_.extractor;
  model::ValueObject out;
  if (ex.include_all_source_fields && source_fields.is_object()) out = source_fields.as_object();
  for (const auto& fp : ex.field_passthrough) {
    const model::Value* v = source_fields.GetPath(fp.source_path);
    std::string target = fp.target_path.value_or(fp.source_path.substr(
        fp.source_path.rfind('.') == std::string::npos ? 0 : fp.source_path.rfind('.') + 1));
    if (v != nullptr && !v->is_null()) {
      out.Set(target, *v);
    } else if (!fp.default_value.is_null()) {
      out.Set(target, fp.default_value);
    }
  }
  return model::Value(std::move(out));
}

std::vector<model::Document> DocumentBuilder::Finish(
    const std::string& source_key, model::Lineage lineage, const model::Value& source_fields,
    Result<std::vector<extract::ExtractedDocument>> extracted) {
  std::vector<model::Document> docs;
  const model::Value passthrough = Passthrough(source_fields);
  if (extracted.ok()) {
    Status limit = CheckItemOutput(*extracted, ApproxValueBytes(passthrough));
    if (!limit.ok()) extracted = std::move(limit);
  }
  auto base = [&](int position) {
    model::Document d;
    d.document_id = DocumentIdFor(collection_.collection_id, source_key, position);
    d.collection_id = collection_.collection_id;
    d.fields = passthrough;
    d.lineage = lineage;
    d.modality = extractor_.info().input_type;
    d.batch_id = batch_id_;
    d.created_at = d.updated_at = now_;
    return d;
  };
  if (!extracted.ok()) {
    model::Document d = base(0);
    d.ingestion_status = "FAILED";
    d.error = extracted.status().message();
    docs.push_back(std::move(d));
    return docs;
  }
  int position = 0;
  for (auto& ed : extracted.value()) {
    model::Document d = base(position++);
    if (ed.fields.is_object() && d.fields.is_object() && d.fields.as_object().empty()) {
      d.fields = std::move(ed.fields);  // nothing passed through: the extracted fields as is
    } else if (ed.fields.is_object()) {
      for (const auto& [k, v] : ed.fields.as_object()) d.fields.mutable_object().Set(k, v);
    }
    d.vectors.push_back({collection_.extractor.feature_uri(), std::move(ed.embedding)});
    docs.push_back(std::move(d));
  }
  return docs;
}

Result<DocumentBuilder::PendingItem> DocumentBuilder::PendingFromObject(
    const model::Object& object) {
  PendingItem item;
  item.source_key = object.object_id;
  item.lineage.source_type = model::SourceType::kBucket;
  item.lineage.root_object_id = object.object_id;
  item.lineage.root_bucket_id = object.bucket_id;
  item.lineage.source_object_id = object.object_id;
  item.lineage.path = object.bucket_id + "/" + collection_.collection_id;
  FERRY_ASSIGN_OR_RETURN(item.fields, ObjectFields(object));
  auto input = InputFromObject(object);
  if (input.ok()) {
    item.input = std::move(input).value();
  } else if (input.status().code() == StatusCode::kNotFound) {
    item.skip = true;  // nothing for this collection in the object
  } else if (input.status().code() == StatusCode::kInvalidArgument) {
    item.extracted = input.status();
  } else {
    return input.status();  // storage trouble, not a bad item
  }
  return item;
}

DocumentBuilder::PendingItem DocumentBuilder::PendingFromDocument(
    const model::Document& source) const {
  PendingItem item;
  item.source_key = source.document_id;
  item.lineage.source_type = model::SourceType::kCollection;
  item.lineage.root_object_id = source.lineage.root_object_id;
  item.lineage.root_bucket_id = source.lineage.root_bucket_id;
  item.lineage.source_document_id = source.document_id;
  item.lineage.source_collection_id = source.collection_id;
  item.lineage.path = source.lineage.path + "/" + collection_.collection_id;
  item.fields = source.fields;
  Status error;
  extract::ExtractorInput input = InputFromDocument(source, &error);
  if (error.ok()) {
    item.input = std::move(input);
  } else {
    item.extracted = error;
  }
  return item;
}

namespace {

using Extracted = Result<std::vector<extract::ExtractedDocument>>;

// Indexes of the items that need the extractor, in groups of up to max_batch_size().
template <typename Item>
std::vector<std::vector<size_t>> ExtractionGroups(const std::vector<Item>& items, size_t begin,
                                                  size_t end, size_t batch) {
  std::vector<std::vector<size_t>> groups;
  for (size_t i = begin; i < end; ++i) {
    if (items[i].skip || !items[i].input) continue;
    if (groups.empty() || groups.back().size() >= batch) groups.emplace_back();
    groups.back().push_back(i);
  }
  return groups;
}

}  // namespace

// The pool calls of a Stream: one per group of inputs, each filling its own output.
struct DocumentBuilder::Extraction {
  struct Call {
    std::vector<size_t> items;
    std::shared_ptr<std::vector<Extracted>> out;
  };
  std::vector<Call> calls;
  std::vector<size_t> call_of;  // item → its call, or npos
  std::optional<TimeoutPool::Batch> batch;
  size_t waited = 0;  // calls [0, waited) are finished and distributed
};

DocumentBuilder::Stream::Stream(DocumentBuilder& builder, std::vector<PendingItem> items)
    : builder_(&builder), items_(std::move(items)) {
  if (builder.pool_ == nullptr) return;
  const extract::FeatureExtractor* fx = &builder.extractor_;
  const model::Value& params = builder.collection_.extractor.parameters;
  extraction_ = std::make_unique<Extraction>();
  extraction_->call_of.assign(items_.size(), std::string::npos);
  std::vector<std::function<void()>> calls;
  const size_t batch = std::max<size_t>(1, fx->max_batch_size());
  for (auto& group : ExtractionGroups(items_, 0, items_.size(), batch)) {
    auto inputs = std::make_shared<std::vector<extract::ExtractorInput>>();
    for (size_t i : group) {
      inputs->push_back(std::move(*items_[i].input));
      extraction_->call_of[i] = extraction_->calls.size();
    }
    auto out = std::make_shared<std::vector<Extracted>>();
    // The call owns what it reads: if it hangs, it outlives this stream.
    calls.push_back([fx, params, inputs, out] {
      if (inputs->size() == 1) {
        out->push_back(fx->Extract(inputs->front(), params));
      } else {
        *out = fx->ExtractBatch(*inputs, params);
      }
    });
    extraction_->calls.push_back({std::move(group), std::move(out)});
  }
  extraction_->batch.emplace(builder.pool_->Submit(std::move(calls)));
}

DocumentBuilder::Stream::Stream(Stream&&) noexcept = default;
DocumentBuilder::Stream::~Stream() = default;

size_t DocumentBuilder::Stream::remaining() const { return items_.size() - next_; }

// Waits for the calls that carry items [begin, end): the last one first, since the pool
// starts calls in order, so the earlier ones have ended by then and the caller sleeps once.
// When `stop` interrupts the wait, the items of the calls ended so far (a prefix, possibly
// empty): the end of what can be taken now.
size_t DocumentBuilder::Stream::AwaitExtraction(size_t begin, size_t end,
                                                const std::function<bool()>& stop) {
  Extraction& x = *extraction_;
  size_t last = x.waited;
  while (last < x.calls.size() && x.calls[last].items.front() < end) ++last;
  if (last == x.waited) return end;  // no call carries these items
  if (x.batch->Wait(last - 1, stop).code() != StatusCode::kCancelled) return end;
  for (size_t k = x.waited; k < last; ++k) {
    if (!x.batch->Ended(k)) return std::max(begin, x.calls[k].items.front());
  }
  return end;
}

std::vector<std::vector<model::Document>> DocumentBuilder::Stream::Take(
    size_t n, const std::function<bool()>& stop) {
  const size_t begin = next_;
  size_t end = std::min(items_.size(), begin + n);
  if (extraction_ != nullptr) end = AwaitExtraction(begin, end, stop);
  next_ = end;
  const auto& fx = builder_->extractor_;
  if (extraction_ == nullptr) {
    // No pool: extract these items now on the builder's own helper thread.
    const size_t batch = std::max<size_t>(1, fx.max_batch_size());
    for (const auto& group : ExtractionGroups(items_, begin, end, batch)) {
      std::vector<extract::ExtractorInput> inputs;
      for (size_t i : group) inputs.push_back(std::move(*items_[i].input));
      auto results = ExtractBatchWithTimeout(builder_->timeout_runner_, fx, inputs,
                                             builder_->collection_.extractor.parameters);
      for (size_t k = 0; k < group.size(); ++k) items_[group[k]].extracted = std::move(results[k]);
    }
  } else {
    // Collect the calls that carry these items (calls are in item order; all have ended,
    // AwaitExtraction).
    Extraction& x = *extraction_;
    while (x.waited < x.calls.size() && x.calls[x.waited].items.front() < end) {
      Extraction::Call& call = x.calls[x.waited];
      Status st = x.batch->Wait(x.waited);
      if (st.ok() && call.out->size() != call.items.size()) {
        st = Status::Internal(fx.info().id() + " returned " + std::to_string(call.out->size()) +
                              " results for " + std::to_string(call.items.size()) + " inputs");
      } else if (!st.ok()) {
        st = CallFailure(fx, call.items.size(), st);
      }
      for (size_t k = 0; k < call.items.size(); ++k) {
        items_[call.items[k]].extracted = st.ok() ? std::move((*call.out)[k]) : Extracted(st);
      }
      call.out.reset();
      ++x.waited;
    }
  }
  std::vector<std::vector<model::Document>> out;
  out.reserve(end - begin);
  for (size_t i = begin; i < end; ++i) {
    PendingItem& item = items_[i];
    if (item.skip) {
      out.emplace_back();
      continue;
    }
    out.push_back(builder_->Finish(item.source_key, std::move(item.lineage), item.fields,
                                   std::move(item.extracted)));
    item.fields = model::Value();
  }
  return out;
}

Result<DocumentBuilder::Stream> DocumentBuilder::StartFromObjects(
    const std::vector<model::Object>& objects) {
  std::vector<PendingItem> items;
  items.reserve(objects.size());
  for (const auto& o : objects) {
    FERRY_ASSIGN_OR_RETURN(PendingItem item, PendingFromObject(o));
    items.push_back(std::move(item));
  }
  return Stream(*this, std::move(items));
}

DocumentBuilder::Stream DocumentBuilder::StartFromDocuments(
    const std::vector<model::Document>& sources) {
  std::vector<PendingItem> items;
  items.reserve(sources.size());
  for (const auto& s : sources) items.push_back(PendingFromDocument(s));
  return Stream(*this, std::move(items));
}

Result<std::vector<std::vector<model::Document>>> DocumentBuilder::FromObjects(
    const std::vector<model::Object>& objects) {
  FERRY_ASSIGN_OR_RETURN(Stream stream, StartFromObjects(objects));
  return stream.Take(objects.size());
}

Result<std::vector<std::vector<model::Document>>> DocumentBuilder::FromDocuments(
    const std::vector<model::Document>& sources) {
  return StartFromDocuments(sources).Take(sources.size());
}

Result<std::vector<model::Document>> DocumentBuilder::FromObject(const model::Object& object) {
  FERRY_ASSIGN_OR_RETURN(Stream stream, StartFromObjects({object}));
  return std::move(stream.Take(1)[0]);
}

Result<std::vector<model::Document>> DocumentBuilder::FromDocument(const model::Document& source) {
  return std::move(StartFromDocuments({source}).Take(1)[0]);
}

}  // namespace ferry::service
