#include "storage/testing/fault_injection.h"

#include <utility>

namespace ferry::storage::testing {

namespace {

Status DiskFull() { return Status::ResourceExhausted("disk full"); }

}  // namespace

void FaultInjection::FailNextDocumentUpserts(int count, Status status) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_documents_ = count;
  document_status_ = std::move(status);
}

void FaultInjection::FailNextObjectUpserts(int count, Status status) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_objects_ = count;
  object_status_ = std::move(status);
}

void FaultInjection::FailNextPauseLifts(int count, Status status) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_lifts_ = count;
  lift_status_ = std::move(status);
}

Status FaultInjection::BeforePauseWrites(bool lift) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!lift || fail_lifts_ == 0) return Status::Ok();
  --fail_lifts_;
  return lift_status_;
}

void FaultInjection::SetDiskFull(bool full) {
  std::lock_guard<std::mutex> lock(mu_);
  disk_full_ = full;
}

void FaultInjection::CloseGate() {
  std::lock_guard<std::mutex> lock(mu_);
  gate_closed_ = true;
}

void FaultInjection::OpenGate() {
  std::lock_guard<std::mutex> lock(mu_);
  gate_closed_ = false;
  cv_.notify_all();
}

void FaultInjection::WaitUntilBlocked(int count) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return blocked_ >= count; });
}

int64_t FaultInjection::document_upserts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return document_upserts_;
}

int64_t FaultInjection::full_checksums() const {
  std::lock_guard<std::mutex> lock(mu_);
  return full_checksums_;
}

int64_t FaultInjection::slice_checksums() const {
  std::lock_guard<std::mutex> lock(mu_);
  return slice_checksums_;
}

void FaultInjection::CountChecksum(bool slice) {
  std::lock_guard<std::mutex> lock(mu_);
  ++(slice ? slice_checksums_ : full_checksums_);
}

int64_t FaultInjection::range_counts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return range_counts_;
}

void FaultInjection::CountRange() {
  std::lock_guard<std::mutex> lock(mu_);
  ++range_counts_;
}

void FaultInjection::SupplyCopyChecksums(bool on, bool differ) {
  std::lock_guard<std::mutex> lock(mu_);
  supply_checksums_ = on;
  checksums_differ_ = differ;
}

int64_t FaultInjection::copy_checksum_asks() const {
  std::lock_guard<std::mutex> lock(mu_);
  return checksum_asks_;
}

std::optional<bool> FaultInjection::CopyChecksums(bool asked) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!asked) return std::nullopt;
  ++checksum_asks_;
  if (!supply_checksums_) return std::nullopt;
  return checksums_differ_;
}

int64_t FaultInjection::object_upserts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return object_upserts_;
}

void FaultInjection::CorruptNextDocumentUpserts(int count) {
  std::lock_guard<std::mutex> lock(mu_);
  corrupt_documents_ = count;
}

bool FaultInjection::TakeCorruption() {
  std::lock_guard<std::mutex> lock(mu_);
  if (corrupt_documents_ == 0) return false;
  --corrupt_documents_;
  return true;
}

Status FaultInjection::BeforeDocumentUpsert() {
  std::unique_lock<std::mutex> lock(mu_);
  ++document_upserts_;
  if (gate_closed_) {
    ++blocked_;
    cv_.notify_all();  // wakes WaitUntilBlocked
    cv_.wait(lock, [this] { return !gate_closed_; });
    --blocked_;
  }
  if (disk_full_) return DiskFull();
  if (fail_documents_ > 0) {
    --fail_documents_;
    return document_status_;
  }
  return Status::Ok();
}

Status FaultInjection::BeforeObjectUpsert() {
  std::lock_guard<std::mutex> lock(mu_);
  ++object_upserts_;
  if (disk_full_) return DiskFull();
  if (fail_objects_ > 0) {
    --fail_objects_;
    return object_status_;
  }
  return Status::Ok();
}

Status FaultInjection::BeforeOtherWrite() {
  std::lock_guard<std::mutex> lock(mu_);
  return disk_full_ ? DiskFull() : Status::Ok();
}

}  // namespace ferry::storage::testing
