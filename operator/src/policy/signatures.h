#pragma once
// spec.commits and spec.images of one SigningPolicy: the signature checks, through the
// verifier interfaces of evidence.h. Every way of not proving a signature is a violation (the
// gate fails closed): no signature, a signer the policy does not allow, a Secret that cannot
// be read, a verifier that cannot tell.
//
// commits (only when required: true)
//   unsigned                                                  CommitUnsigned
//   SSH signature: verified against ssh's allowed signers; X.509 (gitsign): against keyless;
//   a format the policy has no section for, OpenPGP, or a rejected signature
//                                                             CommitSignerNotAllowed
//   verifier errors other than a rejection (e.g. not built)  CommitVerificationError
// images: every image whose name matches an entry's glob must satisfy every such entry
//   no signature (verifier kNotFound)                         ImageUnsigned
//   no signature by the entry's keys or identities            ImageSignerNotAllowed
//   any other verifier error                                  ImageVerificationError
// Secrets (allowed signers, trusted roots, cosign keys)       SecretUnavailable

#include <memory>
#include <vector>

#include "policy/evidence.h"
#include "policy/images.h"
#include "policy/signing_policy.h"
#include "policy/verdict.h"

namespace sluice::policy {

struct Verifiers {
  const SecretResolver* secrets = nullptr;
  const CommitVerifier* commits = nullptr;
  const ImageVerifier* images = nullptr;
};

// Remembers image verdicts across policies, so policies that ask the same of an image cause
// one registry lookup. One per evaluation.
class ImageVerificationCache {
 public:
  ImageVerificationCache();
  ~ImageVerificationCache();
  ImageVerificationCache(const ImageVerificationCache&) = delete;
  ImageVerificationCache& operator=(const ImageVerificationCache&) = delete;

  // The verifier's answer for (image, requirement): the signer, or throws its Error again.
  Signer verify(const ImageVerifier& verifier, const ImageReference& image,
                const ImageRequirement& requirement);

 private:
  struct Entry;
  std::vector<std::unique_ptr<Entry>> entries_;
};

void check_commit(const SigningPolicy& policy, const CommitEvidence& commit,
                  const Verifiers& verifiers, Verdict& verdict);

void check_images(const SigningPolicy& policy, const std::vector<ImageUse>& images,
                  const Verifiers& verifiers, ImageVerificationCache& cache, Verdict& verdict);

}  // namespace sluice::policy
