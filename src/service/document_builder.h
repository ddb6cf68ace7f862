#pragma once
// Turns one source item (a bucket object, or a document of a source collection) into the
// documents of a collection: resolves the extractor input through input_mappings, runs
// the extractor, adds passthrough fields and lineage, and names each document with an id
// that is a pure function of (collection, source item, position), so re-running an item
// replaces its documents instead of duplicating them.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/timeout_runner.h"
#include "extract/extractor.h"
#include "model/resources.h"
#include "storage/blob_store.h"

namespace ferry::service {

class DocumentBuilder {
 public:
  // REQUIRES: `collection` was validated at creation (its extractor exists).
  // Each extraction gets at most `item_timeout`; one that takes longer fails its item
  // with DeadlineExceeded and the builder goes on with the next.
  // With a `pool` (not owned; must outlive the builder), extractions run on the pool's
  // threads and get the pool's timeout instead of `item_timeout`.
  DocumentBuilder(const model::Collection& collection, const extract::FeatureExtractor& extractor,
                  storage::BlobStore& blobs, TimestampMs now, std::string batch_id,
                  std::chrono::milliseconds item_timeout, TimeoutPool* pool = nullptr);

 private:
  struct PendingItem;
  struct Extraction;

 public:
  // Several items whose extraction has started (on the pool: all at once, in parallel;
  // without one: lazily, as Take asks). Take hands out their documents in item order,
  // waiting only for the items it returns, so a caller can write the first items while
  // the pool extracts the next. Not thread-safe.
  class Stream {
   public:
    Stream(Stream&&) noexcept;
    ~Stream();
    // The documents of the next `n` items (fewer at the end), one entry per item, with
    // FromObjects' failure contract. On the pool, the caller sleeps once per Take (until
    // the last of the items is extracted), not once per item. With `stop`: once it
    // returns true (checked while waiting, a few times per item timeout), only the items
    // extracted by then are returned, possibly none.
    std::vector<std::vector<model::Document>> Take(size_t n,
                                                   const std::function<bool()>& stop = nullptr);
    size_t remaining() const;

   private:
    friend class DocumentBuilder;
    Stream(DocumentBuilder& builder, std::vector<PendingItem> items);
    size_t AwaitExtraction(size_t begin, size_t end, const std::function<bool()>& stop);
    DocumentBuilder* builder_;
    std::vector<PendingItem> items_;
    std::unique_ptr<Extraction> extraction_;
    size_t next_ = 0;
  };

  // Starts building the documents of `objects` / `sources` (see FromObjects).
  Result<Stream> StartFromObjects(const std::vector<model::Object>& objects);
  Stream StartFromDocuments(const std::vector<model::Document>& sources);

  // Documents for one object; none when the object lacks the mapped input (a bucket
  // may hold objects for several collections). On an extraction failure returns one
  // document with ingestion_status "FAILED" and the error (so the failure is recorded
  // in place); a non-OK Status only for storage errors.
  Result<std::vector<model::Document>> FromObject(const model::Object& object);
  // Documents for one document of the source collection (same failure contract).
  Result<std::vector<model::Document>> FromDocument(const model::Document& source);

  // The same for several items: one entry per item, in order. Inputs go to the
  // extractor in ExtractBatch calls of up to max_batch_size() items, each call within
  // `item_timeout` (a call that times out fails the items it carried, only those).
  Result<std::vector<std::vector<model::Document>>> FromObjects(
      const std::vector<model::Object>& objects);
  Result<std::vector<std::vector<model::Document>>> FromDocuments(
      const std::vector<model::Document>& sources);

 private:
  // One item between reading its input and finishing its documents.
  struct PendingItem {
    std::string source_key;
    model::Lineage lineage;
    model::Value fields;
    bool skip = false;  // nothing for this collection
    std::optional<extract::ExtractorInput> input;
    Result<std::vector<extract::ExtractedDocument>> extracted = Status::Internal("not run");
  };
  Result<PendingItem> PendingFromObject(const model::Object& object);
  PendingItem PendingFromDocument(const model::Document& source) const;

  Result<extract::ExtractorInput> InputFromObject(const model::Object& object);
  extract::ExtractorInput InputFromDocument(const model::Document& source, Status* error) const;
  model::Value Passthrough(const model::Value& source_fields) const;
  std::vector<model::Document> Finish(const std::string& source_key, model::Lineage lineage,
                                      const model::Value& source_fields,
                                      Result<std::vector<extract::ExtractedDocument>> extracted);
  // Object fields as a Value: inline values and text contents by property.
  Result<model::Value> ObjectFields(const model::Object& object);

  const model::Collection& collection_;
  const extract::FeatureExtractor& extractor_;
  storage::BlobStore& blobs_;
  TimestampMs now_;
  std::string batch_id_;
  std::string input_path_;
  TimeoutRunner timeout_runner_;
  TimeoutPool* pool_;
};

// Runs fx.ExtractBatch(inputs, params) on `runner`: one result per input; all
// DeadlineExceeded when the call does not finish within the runner's timeout.
std::vector<Result<std::vector<extract::ExtractedDocument>>> ExtractBatchWithTimeout(
    TimeoutRunner& runner, const extract::FeatureExtractor& fx,
    const std::vector<extract::ExtractorInput>& inputs, const model::Value& params);

// Runs fx.Extract(input, params) on `runner`, so a hung extractor costs one timeout.
Result<std::vector<extract::ExtractedDocument>> ExtractWithTimeout(
    TimeoutRunner& runner, const extract::FeatureExtractor& fx,
    const extract::ExtractorInput& input, const model::Value& params);

// A pure function of its arguments, so a re-run batch writes the same ids. For a canonical
// source key (an object or document id): ShiftedId("doc", source_key, collection_id |
// position), so the documents of consecutive sources get consecutive ids and a batch's
// rows go into the document and vector keys in order (a random id dirtied a random page of
// each index per document: ~8 KiB of WAL per document in a 100k re_extract). For any other
// key: "doc_" + 24 hex digits of SHA-256(collection_id | source_key | position).
std::string DocumentIdFor(const std::string& collection_id, const std::string& source_key,
                          int position);

}  // namespace ferry::service
