#pragma once
// OpenSSH's SSHSIG signatures (PROTOCOL.sshsig), which `git commit -S` makes with
// gpg.format=ssh and `ssh-keygen -Y verify` checks.
//
// Accepts exactly what ssh-keygen accepts: the armor must start with
// "-----BEGIN SSH SIGNATURE-----\n" and contain "\n-----END SSH SIGNATURE-----" (what follows
// the footer is ignored, as ssh-keygen ignores it); version at most 1; hash sha256 or sha512;
// no trailing data in any blob; the namespace must be the one expected; RSA signatures must use
// SHA-2. Every rejection is an Error(kVerificationFailed) with the reason (kUnimplemented for
// certificate and security-key signers).

#include <cstdint>
#include <string>
#include <string_view>

#include "verify/ssh_key.h"

namespace sluice::verify {

struct SshSignature {
  std::uint32_t version = 0;
  SshPublicKey key;
  std::string signature_namespace;
  std::string hash_algorithm;  // "sha256" or "sha512"
  std::string signature;       // the key's signature blob over the signed data
};

// Dearmors and parses; does not check the signature (see verify_sshsig).
SshSignature parse_sshsig(std::string_view armored);

// Checks that `signature` signs `message` in `expected_namespace` ("git" for commits and tags).
void verify_sshsig(const SshSignature& signature, std::string_view message,
                   std::string_view expected_namespace);

}  // namespace sluice::verify
