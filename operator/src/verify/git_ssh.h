#pragma once
// Verifies an SSH-signed git commit or tag as `git verify-commit` / `git verify-tag` do with
// gpg.format=ssh and gpg.ssh.allowedSignersFile: the signature must parse, its key must be
// listed for some principal valid at the commit (or tag) time, the signature must verify over
// the signed payload in namespace "git", and a line for that principal must allow the key in
// namespace "git" at that time. The verdicts agree with git's (tests/unit/verify/testdata's
// matrix checks them against git itself).

#include <cstdint>
#include <string>
#include <string_view>

#include "verify/allowed_signers.h"

namespace sluice::verify {

struct SshSigner {
  std::string principal;    // the allowed_signers principal that matched
  std::string key_type;     // "ED25519", "ECDSA", "RSA"
  std::string fingerprint;  // "SHA256:..."
};

// `armored` and `payload` as git/signature.h extracts them; `verify_time` is the committer
// (or tagger) time in seconds since the epoch. Throws Error(kVerificationFailed) with the
// reason when git would not report a good signature, kUnimplemented for certificate and
// security-key signers.
SshSigner verify_git_ssh_signature(std::string_view armored, std::string_view payload,
                                   std::int64_t verify_time, const AllowedSigners& allowed);

}  // namespace sluice::verify
