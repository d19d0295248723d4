// Status and Result<T>: errors as values, as in LevelDB's Status.
//
// Every fallible function in Termin returns a Status or a Result<T>; no
// exception crosses a module boundary. The code says what kind of failure it
// is (the API maps it to an HTTP status), the message says what happened in
// words fit for a client (never internals or personal data).
//
// Thread safety: const methods may be called from many threads at once.
#ifndef TERMIN_SCHEDULER_STATUS_H_
#define TERMIN_SCHEDULER_STATUS_H_

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace termin {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // malformed input (HTTP 400)
  kUnprocessable,       // well-formed but meaningless here (HTTP 422)
  kUnauthenticated,     // no or unknown credentials (HTTP 401)
  kPermissionDenied,    // credentials do not cover this object (HTTP 403)
  kNotFound,            // no such object, or not visible to the caller (HTTP 404)
  kConflict,            // the place was taken meanwhile (HTTP 409)
  kGone,                // the hold expired or was superseded (HTTP 410)
  kFailedPrecondition,  // state forbids the step, e.g. cancel a done visit (HTTP 409)
  kUnavailable,         // a dependency is down; retry later (HTTP 503)
  kAborted,             // the step ran on an outdated configuration: reload, retry (HTTP 503)
  kResourceExhausted,   // a fair-use quota is used up (HTTP 409 too-many-appointments)
  kInternal,            // a bug; never carries details to clients (HTTP 500)
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) { return {StatusCode::kInvalidArgument, std::move(msg)}; }
  static Status Unprocessable(std::string msg) { return {StatusCode::kUnprocessable, std::move(msg)}; }
  static Status Unauthenticated(std::string msg) { return {StatusCode::kUnauthenticated, std::move(msg)}; }
  static Status PermissionDenied(std::string msg) { return {StatusCode::kPermissionDenied, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status Conflict(std::string msg) { return {StatusCode::kConflict, std::move(msg)}; }
  static Status Gone(std::string msg) { return {StatusCode::kGone, std::move(msg)}; }
  static Status FailedPrecondition(std::string msg) { return {StatusCode::kFailedPrecondition, std::move(msg)}; }
  static Status Unavailable(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }
  static Status Aborted(std::string msg) { return {StatusCode::kAborted, std::move(msg)}; }
  static Status ResourceExhausted(std::string msg) { return {StatusCode::kResourceExhausted, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  Status(StatusCode code, std::string msg) : code_(code), message_(std::move(msg)) {}

  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    assert(!status_.ok() && "a Result without a value needs an error Status");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace termin

#endif  // TERMIN_SCHEDULER_STATUS_H_
