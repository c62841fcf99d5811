#pragma once
// What the policy gate needs from outside pure logic, as interfaces: Secret contents (the
// controller reads them through the API), and signature verification (implemented in verify/:
// verify/policy_verifiers.h has the SSH commit verifier; gitsign and cosign images come later).
// Unit tests use fakes. Implementations must be safe to call from several fibers at once.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/image_reference.h"
#include "policy/signing_policy.h"

namespace sluice::policy {

// The signature of the revision an Application is about to apply: the commit's (or, when the
// source follows a signed annotated tag, the tag's), as git/signature.h extracts it.
struct CommitEvidence {
  std::string revision;                   // "main@sha1:<sha>": names the commit in violations
  std::optional<std::string> signature;   // the armored block; nullopt when unsigned
  std::string payload;                    // the exact bytes the signature covers
  std::optional<std::int64_t> signed_at;  // committer (tagger) time, seconds since the epoch
};

// Which signature format an armored block is, by its first line.
enum class SignatureFormat { kSsh, kX509, kOpenPgp, kUnknown };
SignatureFormat signature_format(std::string_view armored);

struct Signer {
  std::string method;       // "ssh", "keyless", "key"
  std::string signer;       // SSH principal, certificate SAN, or the key's description
  std::string fingerprint;  // "SHA256:..." of the key or certificate
};

class SecretResolver {
 public:
  virtual ~SecretResolver() = default;
  // The value of one key of a Secret (an empty ref.namespace_ means the operator's namespace).
  // Throws Error: kNotFound for no such Secret or key, other codes when it cannot be read.
  virtual std::string resolve(const SecretKeyRef& ref) const = 0;
};

class CommitVerifier {
 public:
  virtual ~CommitVerifier() = default;

  // git's gpg.format=ssh verification of an SSH-armored signature against `allowed_signers`
  // (git's allowed_signers file text; `source` names it in messages). Throws
  // Error(kVerificationFailed) with the reason when git would not report a good signature.
  virtual Signer verify_ssh(const CommitEvidence& commit, std::string_view allowed_signers,
                            std::string_view source) const = 0;

  // gitsign (X.509 CMS) verification: the certificate chains to `trusted_root`
  // (trusted_root.json text; nullopt for the public-good sigstore root), one of `identities`
  // matches it (KeylessIdentity::matches), and its transparency-log entry verifies offline.
  // Throws Error(kVerificationFailed) with the reason otherwise.
  virtual Signer verify_keyless(const CommitEvidence& commit,
                                const std::vector<KeylessIdentity>& identities,
                                const std::optional<std::string>& trusted_root) const = 0;
};

// Who must have signed an image, with Secrets already resolved.
struct ImageRequirement {
  std::vector<std::string> public_keys_pem;  // cosign public keys ("-----BEGIN PUBLIC KEY-----")
  std::vector<KeylessIdentity> identities;   // keyless signers
  std::optional<std::string> trusted_root;   // for identities; nullopt: public-good sigstore
  bool keys_ignore_tlog = false;             // key signatures need no transparency-log entry
  bool operator==(const ImageRequirement&) const = default;
};

class ImageVerifier {
 public:
  virtual ~ImageVerifier() = default;

  // Looks up `image`'s cosign signatures in its registry (a tag is first resolved to the digest
  // it names) and returns the first signer that satisfies `requirement`: a signature by one of
  // its keys, or a keyless one whose certificate matches one of its identities. Throws
  // Error(kNotFound) when the image has no signature at all, Error(kVerificationFailed) with
  // the reason when no signature satisfies `requirement`, and other codes (kUnavailable,
  // kUnimplemented, ...) when it cannot tell; the gate fails closed on every one of them.
  virtual Signer verify(const ImageReference& image, const ImageRequirement& requirement) const = 0;
};

}  // namespace sluice::policy
