#include "service/document_builder.h"

#include <algorithm>
#include <memory>
#include <optional>

#include "common/crypto.h"

namespace ferry::service {

std::string DocumentIdFor(const std::string& collection_id, const std::string& source_key,
                          int position) {
  return "doc_" +
         Sha256Hex(collection_id + "|" + source_key + "|" + std::to_string(position)).substr(0, 24);
}

DocumentBuilder::DocumentBuilder(const model::Collection& collection,
                                 const extract::FeatureExtractor& extractor,
                                 storage::BlobStore& blobs, TimestampMs now, std::string batch_id,
                                 std::chrono::milliseconds item_timeout)
    : collection_(collection),
      extractor_(extractor),
      blobs_(blobs),
      now_(now),
      batch_id_(std::move(batch_id)),
      timeout_runner_(item_timeout) {
  const model::Value* path = collection.extractor.input_mappings.Get(extractor.info().input_name);
  if (path != nullptr && path->is_string()) input_path_ = path->as_string();
}

Result<std::vector<extract::ExtractedDocument>> ExtractWithTimeout(
    TimeoutRunner& runner, const extract::FeatureExtractor& fx,
    const extract::ExtractorInput& input, const model::Value& params) {
  using Out = Result<std::vector<extract::ExtractedDocument>>;
  // The call owns copies of what it reads: if it hangs, it outlives this frame.
  auto out = std::make_shared<std::optional<Out>>();
  Status st = runner.Run([fx = &fx, input, params, out] { *out = fx->Extract(input, params); });
  if (!st.ok()) {
    return Status::DeadlineExceeded(fx.info().id() + " extraction " + st.message());
  }
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
  if (!st.ok()) {
    Status timeout = Status::DeadlineExceeded(fx.info().id() + " extraction (batch of " +
                                              std::to_string(inputs.size()) + ") " + st.message());
    return Out(inputs.size(), timeout);
  }
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
  auto base = [&](int position) {
    model::Document d;
    d.document_id = DocumentIdFor(collection_.collection_id, source_key, position);
    d.collection_id = collection_.collection_id;
    d.fields = Passthrough(source_fields);
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
    if (ed.fields.is_object()) {
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

std::vector<std::vector<model::Document>> DocumentBuilder::ExtractAndFinish(
    std::vector<PendingItem> items) {
  std::vector<size_t> todo;
  for (size_t i = 0; i < items.size(); ++i) {
    if (!items[i].skip && items[i].input) todo.push_back(i);
  }
  const size_t batch = std::max<size_t>(1, extractor_.max_batch_size());
  for (size_t begin = 0; begin < todo.size(); begin += batch) {
    const size_t end = std::min(todo.size(), begin + batch);
    std::vector<extract::ExtractorInput> inputs;
    for (size_t k = begin; k < end; ++k) inputs.push_back(std::move(*items[todo[k]].input));
    auto results = ExtractBatchWithTimeout(timeout_runner_, extractor_, inputs,
                                           collection_.extractor.parameters);
    for (size_t k = begin; k < end; ++k) items[todo[k]].extracted = std::move(results[k - begin]);
  }
  std::vector<std::vector<model::Document>> out;
  out.reserve(items.size());
  for (auto& item : items) {
    if (item.skip) {
      out.emplace_back();
      continue;
    }
    out.push_back(
        Finish(item.source_key, std::move(item.lineage), item.fields, std::move(item.extracted)));
  }
  return out;
}

Result<std::vector<std::vector<model::Document>>> DocumentBuilder::FromObjects(
    const std::vector<model::Object>& objects) {
  std::vector<PendingItem> items;
  items.reserve(objects.size());
  for (const auto& o : objects) {
    FERRY_ASSIGN_OR_RETURN(PendingItem item, PendingFromObject(o));
    items.push_back(std::move(item));
  }
  return ExtractAndFinish(std::move(items));
}

Result<std::vector<std::vector<model::Document>>> DocumentBuilder::FromDocuments(
    const std::vector<model::Document>& sources) {
  std::vector<PendingItem> items;
  items.reserve(sources.size());
  for (const auto& s : sources) items.push_back(PendingFromDocument(s));
  return ExtractAndFinish(std::move(items));
}

Result<std::vector<model::Document>> DocumentBuilder::FromObject(const model::Object& object) {
  FERRY_ASSIGN_OR_RETURN(PendingItem item, PendingFromObject(object));
  std::vector<PendingItem> items;
  items.push_back(std::move(item));
  return std::move(ExtractAndFinish(std::move(items))[0]);
}

Result<std::vector<model::Document>> DocumentBuilder::FromDocument(const model::Document& source) {
  std::vector<PendingItem> items;
  items.push_back(PendingFromDocument(source));
  return std::move(ExtractAndFinish(std::move(items))[0]);
}

}  // namespace ferry::service
