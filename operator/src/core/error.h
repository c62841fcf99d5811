#pragma once

// The one error model of sluice (see docs/architecture.md):
//
//  * A failure is reported by throwing `sluice::Error`, a value type carrying an `ErrorCode`
//    (what kind of failure, so callers can branch on it) and a human message (what went wrong and
//    where, e.g. "apps/web/deploy.yaml: line 3: mapping key \"name\" already defined").
//  * Exceptions from third-party libraries (yaml-cpp, nlohmann::json, cpprestsdk, libgit2 return
//    codes) never escape a sluice library: each boundary translates them into `Error`.
//  * Where a failure must travel as data (across a channel, into a status condition, as one of
//    several partial failures of a batch) it is carried as an `Error` value, never as a string.
//    `Error::from_current_exception()` turns whatever is in flight into one.
//  * Reasons shown to users (status condition reasons) are chosen by the caller at each failure
//    site; `ErrorCode` is for control flow, not for display.

#include <exception>
#include <string>
#include <string_view>

namespace sluice {

// Modelled on the canonical gRPC/absl codes, with the Kubernetes-specific ones the API client
// needs (Conflict, Gone).
enum class ErrorCode {
  kInvalidArgument,     // the input is malformed: bad YAML, bad flag, bad field value
  kNotFound,            // a named thing does not exist
  kAlreadyExists,       // a thing to create exists already
  kConflict,            // optimistic concurrency or field-ownership conflict
  kGone,                // a resourceVersion or revision is too old to serve
  kPermissionDenied,    // authenticated, but not allowed
  kUnauthenticated,     // no or bad credentials
  kFailedPrecondition,  // the system is not in a state for this (e.g. dependency not ready)
  kResourceExhausted,   // a limit was hit: size, depth, count, rate
  kDeadlineExceeded,    // a timeout elapsed
  kCancelled,           // the operation was aborted (shutdown, abort source)
  kUnavailable,         // transient: connection refused, 5xx, try again later
  kUnimplemented,       // not built (yet), or deliberately unsupported
  kVerificationFailed,  // a signature, digest or policy check failed
  kInternal,            // a bug in sluice
};

// Stable lower-case name of a code, e.g. "invalid_argument"; used in logs and metrics.
std::string_view to_string(ErrorCode code) noexcept;

class Error : public std::exception {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  Error(const Error&) = default;
  Error& operator=(const Error&) = default;
  Error(Error&&) noexcept = default;
  Error& operator=(Error&&) noexcept = default;
  ~Error() override = default;

  ErrorCode code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }
  const char* what() const noexcept override { return message_.c_str(); }

  // Returns a copy whose message is "<context>: <message>", e.g. the file a YAML error is in.
  [[nodiscard]] Error with_context(std::string_view context) const;

  // Converts the exception being handled (must be called inside a catch block) into an Error:
  // an Error as is, a std::exception as kInternal with its what(), anything else as kInternal.
  static Error from_current_exception();

 private:
  ErrorCode code_;
  std::string message_;
};

// Shorthands for the common codes, so failure sites read as one line.
[[nodiscard]] inline Error invalid_argument(std::string message) {
  return {ErrorCode::kInvalidArgument, std::move(message)};
}
[[nodiscard]] inline Error not_found(std::string message) {
  return {ErrorCode::kNotFound, std::move(message)};
}
[[nodiscard]] inline Error resource_exhausted(std::string message) {
  return {ErrorCode::kResourceExhausted, std::move(message)};
}
[[nodiscard]] inline Error cancelled(std::string message) {
  return {ErrorCode::kCancelled, std::move(message)};
}
[[nodiscard]] inline Error unimplemented(std::string message) {
  return {ErrorCode::kUnimplemented, std::move(message)};
}
[[nodiscard]] inline Error internal_error(std::string message) {
  return {ErrorCode::kInternal, std::move(message)};
}

}  // namespace sluice
