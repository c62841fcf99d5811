#pragma once

// Kubernetes API failures as sluice::Error.
//
// Decision: no Kubernetes-specific error type. A failed request throws `sluice::Error` whose
// ErrorCode is chosen from the metav1.Status `reason` (falling back to the HTTP status code),
// so callers branch on the code as everywhere else in sluice:
//
//   NotFound                         404  kNotFound
//   AlreadyExists                    409  kAlreadyExists
//   Conflict (also SSA field owners) 409  kConflict
//   Invalid                          422  kInvalidArgument (each cause appended: "field: message")
//   BadRequest, MethodNotAllowed,
//   NotAcceptable, UnsupportedMediaType  kInvalidArgument
//   Unauthorized                     401  kUnauthenticated
//   Forbidden                        403  kPermissionDenied
//   Gone, Expired                    410  kGone (relist)
//   RequestEntityTooLarge            413  kResourceExhausted
//   Timeout                          504  kDeadlineExceeded
//   TooManyRequests                  429  kUnavailable (transient; honour Retry-After)
//   ServerTimeout, InternalError,
//   ServiceUnavailable, other 5xx        kUnavailable
//
// The Kubernetes reason is kept for people in the message, always in the same shape:
//   "<METHOD> <path>: <Reason> (<http code>): <status message>[; causes: <field>: <msg>, ...]"
// so e.g. "PATCH /api/v1/namespaces/a/configmaps/b: Conflict (409): Apply failed with 1
// conflict: ...". Transport failures (connection refused, reset, timeouts) are kUnavailable;
// TLS handshake and certificate failures are kVerificationFailed ("the server's certificate
// is not trusted" is not worth retrying).

#include <string>

#include "core/error.h"

namespace sluice::kube {

// The Error for a non-2xx response. `body` is usually a metav1.Status in JSON; anything else
// (HTML from a proxy, empty) is reported by HTTP code alone, truncated to a short excerpt.
Error error_from_response(int http_status, const std::string& body, const std::string& what);

// The ErrorCode for a Status reason, or for the HTTP code when the reason is unknown/empty.
ErrorCode error_code_for(const std::string& reason, int http_status) noexcept;

}  // namespace sluice::kube
