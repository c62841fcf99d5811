#pragma once

// Internal to sluice_git: the libgit2 boundary. Initialises the library once, owns libgit2
// objects through unique_ptr, and translates return codes into sluice::Error.

#include <memory>
#include <string>
#include <string_view>

#include <git2.h>

#include "core/error.h"
#include "core/unique_c_ptr.h"

namespace sluice::git::detail {

// git_libgit2_init() once per process (never shut down: other threads may still use it), and
// sluice's socket stream (git/socket_stream.h) registered.
void ensure_libgit2();

// Throws the Error for a negative libgit2 return code `rc`: GIT_EAUTH -> kUnauthenticated,
// GIT_ENOTFOUND -> kNotFound, GIT_ECERTIFICATE -> kVerificationFailed, network/ssh/http
// classes -> kUnavailable, others kUnavailable too (the repository or the server is not usable).
// The message is "<what>: <libgit2's message>" with any URL credentials removed.
[[noreturn]] void throw_git_error(int rc, std::string_view what);

inline void check(int rc, std::string_view what) {
  if (rc < 0) throw_git_error(rc, what);
}

// Drops the userinfo of every URL in `text`: "https://user:pass@host/x" and
// "https://<token>@host/x" -> "https://host/x"; other text unchanged.
std::string redact_url(std::string_view url);

using RepositoryPtr = UniqueCPtr<git_repository, git_repository_free>;
using RemotePtr = UniqueCPtr<git_remote, git_remote_free>;
using ObjectPtr = UniqueCPtr<git_object, git_object_free>;
using CommitPtr = UniqueCPtr<git_commit, git_commit_free>;
using TreePtr = UniqueCPtr<git_tree, git_tree_free>;
using BlobPtr = UniqueCPtr<git_blob, git_blob_free>;
using ReferencePtr = UniqueCPtr<git_reference, git_reference_free>;

std::string oid_hex(const git_oid& oid);
git_oid parse_oid(std::string_view hex);

}  // namespace sluice::git::detail
