#include "verify/signature_evidence.h"

#include "core/error.h"
#include "core/sha256.h"
#include "verify/gitsign_cms.h"
#include "verify/sigstore/certificate.h"
#include "verify/sigstore/crypto.h"
#include "verify/sshsig.h"

namespace sluice::verify {

SignatureEvidence describe_signature(std::string_view armored) noexcept {
  SignatureEvidence evidence;
  try {
    if (armored.starts_with("-----BEGIN SSH SIGNATURE-----")) {
      evidence.method = "ssh";
      evidence.fingerprint = parse_sshsig(armored).key.fingerprint();
    } else if (armored.starts_with("-----BEGIN SIGNED MESSAGE-----")) {
      evidence.method = "x509";
      const CmsSignature cms = parse_cms_signature(armored);
      evidence.fingerprint = "SHA256:" + sha256_hex(sigstore::certificate_der(cms.signer.get()));
      const sigstore::CertificateIdentity identity =
          sigstore::certificate_identity(cms.signer.get());
      if (!identity.subject_alternative_names.empty()) {
        evidence.signer = identity.subject_alternative_names.front();
      }
    } else if (armored.starts_with("-----BEGIN PGP SIGNATURE-----")) {
      evidence.method = "openpgp";
    } else {
      evidence.method = "unknown";
    }
  } catch (...) {
    // A malformed block keeps its format name and no details.
  }
  return evidence;
}

}  // namespace sluice::verify
