#pragma once

// The signatures of a commit and of an annotated tag, with exactly the bytes they sign, for the
// verifier (issue 7). A commit's signature is its `gpgsig` header (OpenPGP, SSH or X.509 armor)
// and the payload is the commit object without that header; a tag's signature is the armored
// block at the end of its message and the payload is the tag object up to that block. These are
// what `git verify-commit` / `git verify-tag` hand to gpg, ssh-keygen or gpgsm.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::git {

struct SignedObject {
  std::string signature;  // the armored signature block, as stored
  std::string payload;    // the signed bytes
  // The committer (commit) or tagger (tag) time, seconds since the epoch: the time git asks
  // ssh-keygen to check allowed_signers validity at. nullopt when the header lacks one.
  std::optional<std::int64_t> signed_at;
};

// Blocking (libgit2): call on a runtime::BlockingPool thread.
// nullopt for an unsigned commit. Throws Error(kNotFound) when `repository` lacks the commit.
std::optional<SignedObject> commit_signature(const std::filesystem::path& repository,
                                             std::string_view commit);

// The signature of the annotated tag `refs/tags/<tag>` in `repository`; nullopt for a
// lightweight tag or an unsigned annotated one. Throws Error(kNotFound) for no such tag.
std::optional<SignedObject> tag_signature(const std::filesystem::path& repository,
                                          std::string_view tag);

// What `rev` (anything `git rev-parse` resolves: a sha, branch, tag, HEAD~2, ...) names in the
// repository at `repository` (bare or with a working tree): an annotated tag's signature when
// it names one (as `git verify-tag`), otherwise its commit's (as `git verify-commit`).
struct RevisionSignature {
  bool is_tag = false;
  std::string object_id;                  // hex id of the tag or commit object
  std::optional<SignedObject> signature;  // nullopt when unsigned
};
RevisionSignature revision_signature(const std::filesystem::path& repository, std::string_view rev);

// Splits a raw commit object into its `gpgsig` header (continuation lines unfolded) and the
// rest, which is what the signature covers. nullopt when unsigned. A commit with more than one
// gpgsig header is refused (Error kVerificationFailed): git would verify only the first, and a
// second signature block in a commit is a sign of tampering. Pure logic, exposed for tests.
std::optional<SignedObject> split_commit_signature(std::string_view raw_commit);

// Splits a raw tag object at its signature, as git does: at the start of the last line that
// opens an armored block ("-----BEGIN PGP SIGNATURE-----", "-----BEGIN PGP MESSAGE-----",
// "-----BEGIN SSH SIGNATURE-----", "-----BEGIN SIGNED MESSAGE-----"). nullopt without one.
// Pure logic, exposed for tests.
std::optional<SignedObject> split_tag_signature(std::string_view raw_tag);

}  // namespace sluice::git
