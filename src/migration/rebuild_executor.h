#pragma once
// The re_extract path of a batch: rebuilds a collection's documents from the target's
// root objects (or source documents) with the collection's new extractor, and writes
// them fenced with the batch's lease. Document ids are pure functions of the source, so
// a batch can be re-run (retry, resume) without duplicating anything.
//
// It is a pipeline shared by the workers of batch_processing (RebuildPipeline): each
// worker reads its batch's items with one call, queues their extraction on the
// extraction pool (one thread per core) and hands the documents, chunk by chunk as they
// come out, to the one DocumentWriter, which writes what is queued whenever it is free.

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "common/timeout_runner.h"
#include "migration/batch_executor.h"

namespace ferry::migration {

// The single writer of rebuilt documents into one target namespace. Chunks queued while
// it writes are merged per fence (per batch) into one transaction, so transactions grow
// when writing is the bottleneck; every transaction advances its batch's fence with the
// rows (NamespaceStore::UpsertDocumentsFenced). Thread-safe.
class DocumentWriter {
 public:
  explicit DocumentWriter(std::shared_ptr<storage::NamespaceStore> target);
  // Writes what is queued, then stops.
  ~DocumentWriter();
  DocumentWriter(const DocumentWriter&) = delete;
  DocumentWriter& operator=(const DocumentWriter&) = delete;

  struct Chunk;
  using Ticket = std::shared_ptr<Chunk>;

  // Queues `docs` for writing under `fence` (unfenced when null; copied). The written
  // documents go back into the chunk, so they are freed when the submitter lets go of its
  // ticket, not on the writer's thread (which every worker waits on).
  Ticket Submit(const storage::WriteFence* fence, std::vector<model::Document> docs);
  // Waits until the chunk is written: its transaction's status.
  Status Wait(const Ticket& ticket);
  // The chunk's status if it was written already, else nullopt. Never blocks.
  std::optional<Status> Poll(const Ticket& ticket);

 private:
  void Loop();

  std::shared_ptr<storage::NamespaceStore> target_;
  std::mutex mu_;
  std::condition_variable cv_;  // work queued, a chunk written, or stop
  std::deque<Ticket> queue_;
  bool stop_ = false;
  std::thread thread_;
};

// What the workers of one batch_processing run share for rebuilt collections.
struct RebuildPipeline {
  // `threads` extraction threads, each call within `item_timeout`.
  RebuildPipeline(std::shared_ptr<storage::NamespaceStore> target, size_t threads,
                  std::chrono::milliseconds item_timeout)
      : extractors(threads, item_timeout, "ferry-extract"), writer(std::move(target)) {}

  TimeoutPool extractors;
  DocumentWriter writer;
};

// Cancelled when the run was cancelled; other errors are the batch's failure (retryable
// by the caller). With a `fence`, LeaseLost when a newer holder of the batch
// has written. Uses ctx.rebuild when set (else a pipeline of its own for this batch).
// Returns only once every write of the batch has finished. REQUIRES: batch is a
// collection batch whose action is kRebuild.
Result<BatchResult> RebuildDocuments(RunContext& ctx, const model::MigrationBatch& batch,
                                     const storage::WriteFence* fence);

}  // namespace ferry::migration
