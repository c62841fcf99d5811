#pragma once
// What a commit's (or tag's) signature claims, read without judging it: the format, and the key
// fingerprint (SSH) or certificate identity and fingerprint (gitsign X.509). A GitSource reports
// this in status.verification as evidence; whether anyone trusts the signer is the policy
// gate's decision, per Application (policy/gate.h). Never throws: what cannot be read is
// reported as its format with empty fields.

#include <string>
#include <string_view>

namespace sluice::verify {

struct SignatureEvidence {
  std::string method;       // "ssh", "x509", "openpgp", "unknown"
  std::string signer;       // x509: the certificate's first SAN; ssh and openpgp: ""
  std::string fingerprint;  // ssh: the key's "SHA256:..."; x509: the certificate's
};

SignatureEvidence describe_signature(std::string_view armored) noexcept;

}  // namespace sluice::verify
