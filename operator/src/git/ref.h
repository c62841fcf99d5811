#pragma once

// What revision of a source to follow: a branch, a tag (annotated tags peeled to their commit),
// the highest tag in a semver range (git/semver.h) or an exact commit. Pure logic; no libgit2
// here.

#include <string>
#include <string_view>

namespace sluice::git {

enum class RefKind { kBranch, kTag, kSemver, kCommit };

struct Ref {
  RefKind kind = RefKind::kBranch;
  std::string name;  // branch or tag name, semver range, or the commit's 40-hex sha (lower case)
  // For a commit only: the branch the commit must be on (empty: any branch or tag).
  std::string branch_name;

  static Ref branch(std::string name);
  static Ref tag(std::string name);
  static Ref semver(std::string range);
  static Ref commit(std::string sha);
  // A commit that must be reachable from `branch` (the branch tip or one of its ancestors).
  static Ref commit_on_branch(std::string sha, std::string branch);

  friend bool operator==(const Ref&, const Ref&) = default;
};

// Throws Error(kInvalidArgument) unless `ref` is well formed: a commit is 40 hex digits (upper
// case is accepted by Ref::commit and lowered), a branch or tag name follows
// git-check-ref-format (no "..", no control characters, space, ~^:?*[\, no leading '-' or '/',
// no trailing '/', '.' or ".lock", no "@{", not "@"); a semver range must parse.
void validate(const Ref& ref);

// The full name on the remote: "refs/heads/<branch>" or "refs/tags/<tag>"; empty for a commit
// or a semver range (resolve the range to a tag first).
std::string remote_ref_name(const Ref& ref);

// The revision string as Flux prints it: "<branch-or-tag>@sha1:<sha>", "sha1:<sha>" for a
// commit ref, or "<branch>@sha1:<sha>" for a commit on a branch. Pass a semver ref resolved to its
// tag (FetchResult::resolved).
std::string format_revision(const Ref& ref, std::string_view sha);

// True for exactly 40 hex digits (either case).
bool is_full_sha(std::string_view text);

}  // namespace sluice::git
