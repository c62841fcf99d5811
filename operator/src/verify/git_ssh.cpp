#include "verify/git_ssh.h"

#include "verify/sshsig.h"

namespace sluice::verify {

SshSigner verify_git_ssh_signature(std::string_view armored, std::string_view payload,
                                   std::int64_t verify_time, const AllowedSigners& allowed) {
  constexpr std::string_view kGitNamespace = "git";
  const SshSignature signature = parse_sshsig(armored);
  const std::string described =
      std::string(signature.key.display_type()) + " key " + signature.key.fingerprint();
  const std::vector<std::string> principals = allowed.find_principals(signature.key, verify_time);
  if (principals.empty()) {
    throw Error(
        ErrorCode::kVerificationFailed,
        "signed by " + described + ", which no allowed signer lists for the time of signing");
  }
  verify_sshsig(signature, payload, kGitNamespace);
  // git tries each principal in turn and reports the first one ssh-keygen accepts.
  for (const std::string& principal : principals) {
    if (allowed.allows(signature.key, principal, kGitNamespace, verify_time)) {
      return SshSigner{principal, std::string(signature.key.display_type()),
                       signature.key.fingerprint()};
    }
  }
  throw Error(ErrorCode::kVerificationFailed,
              "signed by " + described + " for \"" + principals.front() +
                  "\", but no allowed signer line permits it in namespace \"git\" then");
}

}  // namespace sluice::verify
