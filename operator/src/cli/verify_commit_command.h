#pragma once
// `sluice verify-commit --repo PATH|URL [--rev REV] --allowed-signers FILE [--timeout 60s]
// [--secret-dir DIR]`: verifies the SSH signature of a commit, or of an annotated tag when REV
// names one, as `git verify-commit` / `git verify-tag` would with gpg.format=ssh and
// gpg.ssh.allowedSignersFile=FILE (see verify/git_ssh.h).
//
// REV (default HEAD) is anything git rev-parse resolves in a local repository. For a URL the
// repository is fetched into a temporary cache first and REV is a commit sha, "refs/tags/NAME"
// (the tag object is verified) or a branch name.
//
// Keyless (gitsign) verification instead: --certificate-identity[-regexp] ID
// --certificate-oidc-issuer[-regexp] URL --trusted-root FILE [--insecure-ignore-tlog] (see
// verify/gitsign.h); not together with --allowed-signers.

#include "cli/app.h"

namespace sluice::cli {

// On success prints "verified: <commit|tag> <sha>", "signer: <principals>" and
// "key: <TYPE> SHA256:<fingerprint>" (keyless: "signer: <SAN> (issuer <URL>)", "certificate:
// SHA256:<hex>", the log index and the verified time) and returns kExitOk; otherwise one "Error:
// ..." line with the reason and kExitFailure (kExitUsage for a bad command line).
int run_verify_commit(const CommandContext& context);

}  // namespace sluice::cli
