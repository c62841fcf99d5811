#include "kube/status.h"

#include <array>
#include <string_view>
#include <utility>

#include "core/json.h"

namespace sluice::kube {
namespace {

constexpr std::size_t kMaxExcerpt = 512;

std::string excerpt(const std::string& text) {
  if (text.size() <= kMaxExcerpt) return text;
  return text.substr(0, kMaxExcerpt) + "...";
}

std::string reason_phrase(int http_status) {
  switch (http_status) {
    case 400:
      return "BadRequest";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 405:
      return "MethodNotAllowed";
    case 406:
      return "NotAcceptable";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 413:
      return "RequestEntityTooLarge";
    case 415:
      return "UnsupportedMediaType";
    case 422:
      return "Invalid";
    case 429:
      return "TooManyRequests";
    case 500:
      return "InternalError";
    case 503:
      return "ServiceUnavailable";
    case 504:
      return "Timeout";
    default:
      return "HTTP";
  }
}

}  // namespace

ErrorCode error_code_for(const std::string& reason, int http_status) noexcept {
  static constexpr std::array<std::pair<std::string_view, ErrorCode>, 17> kByReason{{
      {"NotFound", ErrorCode::kNotFound},
      {"AlreadyExists", ErrorCode::kAlreadyExists},
      {"Conflict", ErrorCode::kConflict},
      {"Invalid", ErrorCode::kInvalidArgument},
      {"BadRequest", ErrorCode::kInvalidArgument},
      {"MethodNotAllowed", ErrorCode::kInvalidArgument},
      {"NotAcceptable", ErrorCode::kInvalidArgument},
      {"UnsupportedMediaType", ErrorCode::kInvalidArgument},
      {"Unauthorized", ErrorCode::kUnauthenticated},
      {"Forbidden", ErrorCode::kPermissionDenied},
      {"Gone", ErrorCode::kGone},
      {"Expired", ErrorCode::kGone},
      {"RequestEntityTooLarge", ErrorCode::kResourceExhausted},
      {"Timeout", ErrorCode::kDeadlineExceeded},
      {"TooManyRequests", ErrorCode::kUnavailable},
      {"ServerTimeout", ErrorCode::kUnavailable},
      {"ServiceUnavailable", ErrorCode::kUnavailable},
  }};
  for (const auto& [name, code] : kByReason) {
    if (reason == name) return code;
  }
  switch (http_status) {
    case 401:
      return ErrorCode::kUnauthenticated;
    case 403:
      return ErrorCode::kPermissionDenied;
    case 404:
      return ErrorCode::kNotFound;
    case 409:
      return ErrorCode::kConflict;
    case 410:
      return ErrorCode::kGone;
    case 413:
      return ErrorCode::kResourceExhausted;
    case 429:
      return ErrorCode::kUnavailable;
    case 504:
      return ErrorCode::kDeadlineExceeded;
    default:
      break;
  }
  if (http_status >= 500) return ErrorCode::kUnavailable;
  return ErrorCode::kInvalidArgument;
}

Error error_from_response(int http_status, const std::string& body, const std::string& what) {
  std::string reason;
  std::string message;
  std::string causes;
  const auto status = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  // Compared as JSON, not through value<std::string>(): a "kind" of another type (the body is
  // the server's, or a proxy's) would throw nlohmann's type_error rather than an Error.
  const auto kind = status.is_object() ? status.find("kind") : status.end();
  if (kind != status.end() && *kind == "Status") {
    if (const auto it = status.find("reason"); it != status.end() && it->is_string()) {
      reason = it->get<std::string>();
    }
    if (const auto it = status.find("message"); it != status.end() && it->is_string()) {
      message = it->get<std::string>();
    }
    const auto details = status.find("details");
    if (details != status.end() && details->is_object()) {
      const auto list = details->find("causes");
      if (list != details->end() && list->is_array()) {
        for (const auto& cause : *list) {
          if (!cause.is_object()) continue;
          if (!causes.empty()) causes += ", ";
          const auto field = cause.find("field");
          if (field != cause.end() && field->is_string())
            causes += field->get<std::string>() + ": ";
          const auto text = cause.find("message");
          if (text != cause.end() && text->is_string()) causes += text->get<std::string>();
        }
      }
    }
  } else {
    message = excerpt(body);
  }
  if (reason.empty()) reason = reason_phrase(http_status);
  std::string text = what + ": " + reason + " (" + std::to_string(http_status) + ")";
  if (!message.empty()) text += ": " + message;
  if (!causes.empty()) text += "; causes: " + causes;
  return {error_code_for(reason, http_status), std::move(text)};
}

}  // namespace sluice::kube
