#include "git/libgit2.h"

#include <mutex>

#include "git/socket_stream.h"

namespace sluice::git::detail {

void ensure_libgit2() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (git_libgit2_init() < 0) throw internal_error("libgit2 failed to initialise");
    register_socket_stream();
  });
}

std::string redact_url(std::string_view url) {
  std::string text(url);
  std::size_t from = 0;
  while ((from = text.find("://", from)) != std::string::npos) {
    const std::size_t start = from + 3;
    const std::size_t end = text.find_first_of("/ \t\n'\"", start);
    const std::size_t at = text.rfind('@', end == std::string::npos ? text.size() : end);
    // Any userinfo goes, not only "user:password": a token is often the user alone
    // ("https://<token>@github.com/..."). An ssh login name alone ("ssh://git@host") is no
    // secret (ssh authenticates with keys) and tells users which account was tried.
    const bool ssh = from >= 3 && text.compare(from - 3, 3, "ssh") == 0;
    if (at != std::string::npos && at >= start && !(ssh && text.find(':', start) > at)) {
      text.erase(start, at + 1 - start);
    }
    from = start;
  }
  return text;
}

void throw_git_error(int rc, std::string_view what) {
  const git_error* last = git_error_last();
  std::string detail =
      last != nullptr && last->message != nullptr ? last->message : "unknown error";
  const int klass = last != nullptr ? last->klass : GIT_ERROR_NONE;
  std::string message = redact_url(std::string(what) + ": " + detail);
  ErrorCode code = ErrorCode::kUnavailable;
  if (rc == GIT_EAUTH || (klass == GIT_ERROR_HTTP && detail.find("401") != std::string::npos)) {
    code = ErrorCode::kUnauthenticated;
  } else if (rc == GIT_ENOTFOUND) {
    code = ErrorCode::kNotFound;
  } else if (rc == GIT_ECERTIFICATE) {
    code = ErrorCode::kVerificationFailed;
  } else if (rc == GIT_EINVALIDSPEC || klass == GIT_ERROR_INVALID) {
    code = ErrorCode::kInvalidArgument;
  }
  throw Error(code, std::move(message));
}

std::string oid_hex(const git_oid& oid) {
  char buffer[GIT_OID_HEXSZ + 1] = {};
  git_oid_tostr(buffer, sizeof buffer, &oid);
  return buffer;
}

git_oid parse_oid(std::string_view hex) {
  git_oid oid;
  if (hex.size() != GIT_OID_HEXSZ || git_oid_fromstrn(&oid, hex.data(), hex.size()) < 0) {
    throw invalid_argument("\"" + std::string(hex) + "\" is not a full sha1");
  }
  return oid;
}

}  // namespace sluice::git::detail
