#pragma once
// Status: the outcome of an operation, carried across layers instead of exceptions.
// Whether a step may be retried depends only on its code (see IsRetryable), so each
// code has one meaning.

#include <string>
#include <utility>

namespace ferry {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  // The system is not in the state the operation requires (a migration in the wrong
  // status, a namespace used by a migration, ...): the caller must change it first.
  kFailedPrecondition,
  // A conflict with a concurrent operation (e.g. a transaction that lost a race): the
  // whole operation may succeed when tried again.
  kAborted,
  // The operation was stopped on request (a cancel, a shutdown). Never retried.
  kCancelled,
  // A batch lease is no longer the caller's (its fencing token is stale: the lease was
  // taken over or released). The caller claims the batch again; retrying the same write
  // cannot succeed.
  kLeaseLost,
  // The work the operation would start is already done (a completed migration batch).
  kAlreadyCompleted,
  // Writes to a namespace are paused for a moment (a live migration's cutover): nothing
  // was written; the same write succeeds when tried again shortly.
  kWritesPaused,
  kUnavailable,
  kDeadlineExceeded,
  kResourceExhausted,
  kUnauthenticated,
  kPermissionDenied,
  kInternal,
  kDataLoss,
};

const char* StatusCodeName(StatusCode code);

class Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status FailedPrecondition(std::string m) {
    return {StatusCode::kFailedPrecondition, std::move(m)};
  }
  static Status Aborted(std::string m) { return {StatusCode::kAborted, std::move(m)}; }
  static Status Cancelled(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }
  static Status LeaseLost(std::string m) { return {StatusCode::kLeaseLost, std::move(m)}; }
  static Status AlreadyCompleted(std::string m) {
    return {StatusCode::kAlreadyCompleted, std::move(m)};
  }
  static Status WritesPaused(std::string m) { return {StatusCode::kWritesPaused, std::move(m)}; }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status DeadlineExceeded(std::string m) {
    return {StatusCode::kDeadlineExceeded, std::move(m)};
  }
  static Status ResourceExhausted(std::string m) {
    return {StatusCode::kResourceExhausted, std::move(m)};
  }
  static Status Unauthenticated(std::string m) {
    return {StatusCode::kUnauthenticated, std::move(m)};
  }
  static Status PermissionDenied(std::string m) {
    return {StatusCode::kPermissionDenied, std::move(m)};
  }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
  static Status DataLoss(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// True for failures that may succeed when tried again (transient by nature):
// Aborted, WritesPaused, Unavailable, DeadlineExceeded, ResourceExhausted. Never for Cancelled or
// LeaseLost.
bool IsRetryable(StatusCode code);

}  // namespace ferry

#define FERRY_RETURN_IF_ERROR(expr) \
  do {                              \
    ::ferry::Status _st = (expr);   \
    if (!_st.ok()) return _st;      \
  } while (0)

#define FERRY_CONCAT_INNER(a, b) a##b
#define FERRY_CONCAT(a, b) FERRY_CONCAT_INNER(a, b)
#define FERRY_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()
// lhs = value of a Result<T> expression, or return its error Status.
#define FERRY_ASSIGN_OR_RETURN(lhs, expr) \
  FERRY_ASSIGN_OR_RETURN_IMPL(FERRY_CONCAT(_res_, __LINE__), lhs, expr)
