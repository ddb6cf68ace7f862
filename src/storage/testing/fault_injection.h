#pragma once
// FaultInjection: the faults a test injects into one namespace's writes (see
// fault_injecting_storage.h). Thread-safe.

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>

#include "common/status.h"

namespace ferry::storage::testing {

// The faults of one namespace, shared by every store opened for it.
class FaultInjection {
 public:
  // The next `count` UpsertDocuments calls fail with `status` (nothing is written).
  void FailNextDocumentUpserts(int count, Status status);
  // The next `count` UpsertObjects calls fail with `status` (nothing is written).
  void FailNextObjectUpserts(int count, Status status);
  // The next `count` PauseWrites calls that lift a pause (until 0) fail with `status`
  // (the pause stays).
  void FailNextPauseLifts(int count, Status status);
  // The next `count` UpsertDocuments calls write a corrupted first document.
  void CorruptNextDocumentUpserts(int count);
  // While set, every write reports ResourceExhausted("disk full") and writes nothing.
  void SetDiskFull(bool full);

  // While closed, UpsertDocuments blocks before writing until OpenGate().
  void CloseGate();
  void OpenGate();
  // Blocks until at least `count` UpsertDocuments callers are waiting at the closed gate.
  void WaitUntilBlocked(int count);

  // Calls made so far (including failed and blocked ones).
  int64_t document_upserts() const;
  int64_t object_upserts() const;
  // ChecksumItems calls so far: of a whole resource, and of a list of ids (a slice).
  int64_t full_checksums() const;
  int64_t slice_checksums() const;
  void CountChecksum(bool slice);
  // CountObjectsInRange and CountDocumentsInRange calls so far (each scans a resource).
  int64_t range_counts() const;
  void CountRange();

  // While on, a bulk copy asked for checksums of its write (BulkCopyRequest::checksum)
  // returns some, as a backend that computes them while it writes does; with `differ`
  // the written side's differs from the source side's.
  void SupplyCopyChecksums(bool on, bool differ);
  // Bulk copies that asked for checksums of their write so far.
  int64_t copy_checksum_asks() const;
  // Hook: counts an ask; nullopt when none are supplied, else whether they differ.
  std::optional<bool> CopyChecksums(bool asked);

  // Hooks used by FaultInjectingNamespaceStore: account for the call, block at the gate
  // when closed, and return the injected failure (OK to proceed).
  Status BeforeDocumentUpsert();
  // Whether this UpsertDocuments call is to be corrupted (consumes one).
  bool TakeCorruption();
  Status BeforeObjectUpsert();
  Status BeforeOtherWrite();
  Status BeforePauseWrites(bool lift);

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  int fail_documents_ = 0;
  Status document_status_;
  int fail_objects_ = 0;
  Status object_status_;
  int fail_lifts_ = 0;
  Status lift_status_;
  bool disk_full_ = false;
  int corrupt_documents_ = 0;
  bool gate_closed_ = false;
  int blocked_ = 0;
  int64_t document_upserts_ = 0;
  int64_t object_upserts_ = 0;
  int64_t full_checksums_ = 0;
  int64_t slice_checksums_ = 0;
  int64_t range_counts_ = 0;
  bool supply_checksums_ = false;
  bool checksums_differ_ = false;
  int64_t checksum_asks_ = 0;
};

}  // namespace ferry::storage::testing
