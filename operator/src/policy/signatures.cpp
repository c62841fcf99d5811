#include "policy/signatures.h"

#include <optional>
#include <variant>

#include "core/error.h"

namespace sluice::policy {
namespace {

void report(const SigningPolicy& policy, Verdict& verdict, std::string_view rule,
            std::string object, std::string message) {
  verdict.add(Violation{policy.name, policy.mode, std::string(rule), std::move(object),
                        std::move(message)});
}

// The Secret's value, or nullopt after reporting SecretUnavailable.
std::optional<std::string> resolve(const SigningPolicy& policy, const Verifiers& verifiers,
                                   const SecretKeyRef& ref, const std::string& field,
                                   Verdict& verdict) {
  try {
    return verifiers.secrets->resolve(ref);
  } catch (const Error& e) {
    report(policy, verdict, reason::kSecretUnavailable, "SigningPolicy/" + policy.name,
           field + ": " + ref.to_string() + ": " + e.message());
    return std::nullopt;
  }
}

bool is_rejection(const Error& error) {
  return error.code() == ErrorCode::kVerificationFailed ||
         error.code() == ErrorCode::kInvalidArgument;
}

}  // namespace

struct ImageVerificationCache::Entry {
  std::string image;
  ImageRequirement requirement;
  std::variant<Signer, Error> result;
};

ImageVerificationCache::ImageVerificationCache() = default;
ImageVerificationCache::~ImageVerificationCache() = default;

Signer ImageVerificationCache::verify(const ImageVerifier& verifier, const ImageReference& image,
                                      const ImageRequirement& requirement) {
  const std::string key = image.to_string();
  for (const auto& entry : entries_) {
    if (entry->image != key || !(entry->requirement == requirement)) continue;
    if (const auto* error = std::get_if<Error>(&entry->result)) throw *error;
    return std::get<Signer>(entry->result);
  }
  auto entry = std::make_unique<Entry>(Entry{key, requirement, Signer{}});
  try {
    entry->result = verifier.verify(image, requirement);
  } catch (...) {
    entry->result = Error::from_current_exception();
  }
  entries_.push_back(std::move(entry));
  return verify(verifier, image, requirement);
}

void check_commit(const SigningPolicy& policy, const CommitEvidence& commit,
                  const Verifiers& verifiers, Verdict& verdict) {
  if (!policy.commits || !policy.commits->required) return;
  const CommitPolicy& commits = *policy.commits;
  const std::string object = "commit " + commit.revision;
  if (!commit.signature) {
    report(policy, verdict, reason::kCommitUnsigned, object,
           "the commit is not signed, and spec.commits.required is true");
    return;
  }
  const SignatureFormat format = signature_format(*commit.signature);
  const auto not_allowed = [&](std::string message) {
    report(policy, verdict, reason::kCommitSignerNotAllowed, object, std::move(message));
  };
  try {
    Signer signer;
    if (format == SignatureFormat::kSsh) {
      if (!commits.ssh) return not_allowed("signed with SSH, but spec.commits.ssh is not set");
      std::string allowed;
      std::string source = "SigningPolicy " + policy.name + " spec.commits.ssh.allowedSigners";
      if (commits.ssh->allowed_signers) {
        allowed = *commits.ssh->allowed_signers;
      } else {
        const SecretKeyRef& ref = *commits.ssh->allowed_signers_secret;
        std::optional<std::string> value =
            resolve(policy, verifiers, ref, "spec.commits.ssh.allowedSignersSecretRef", verdict);
        if (!value) return;
        allowed = std::move(*value);
        source = ref.to_string();
      }
      signer = verifiers.commits->verify_ssh(commit, allowed, source);
    } else if (format == SignatureFormat::kX509) {
      if (!commits.keyless) {
        return not_allowed(
            "signed with an X.509 (gitsign) signature, but spec.commits.keyless is not set");
      }
      std::optional<std::string> root;
      if (commits.keyless->trusted_root) {
        root = resolve(policy, verifiers, *commits.keyless->trusted_root,
                       "spec.commits.keyless.trustedRootSecretRef", verdict);
        if (!root) return;
      }
      signer = verifiers.commits->verify_keyless(commit, commits.keyless->identities, root);
    } else if (format == SignatureFormat::kOpenPgp) {
      return not_allowed(
          "signed with OpenPGP, which sluice does not verify; sign with SSH or gitsign");
    } else {
      return not_allowed("the signature is in no format sluice knows");
    }
    verdict.signers.push_back(
        AcceptedSigner{policy.name, object, signer.method, signer.signer, signer.fingerprint});
  } catch (const Error& e) {
    if (is_rejection(e)) return not_allowed(e.message());
    report(policy, verdict, reason::kCommitVerificationError, object,
           "could not verify the signature: " + e.message());
  }
}

void check_images(const SigningPolicy& policy, const std::vector<ImageUse>& images,
                  const Verifiers& verifiers, ImageVerificationCache& cache, Verdict& verdict) {
  // Requirements are resolved on first use, so an entry no image matches needs no Secret.
  std::vector<std::optional<std::optional<ImageRequirement>>> requirements(policy.images.size());
  const auto requirement_of = [&](std::size_t i) -> const std::optional<ImageRequirement>& {
    if (requirements[i]) return *requirements[i];
    const ImagePolicy& entry = policy.images[i];
    const std::string path = "spec.images[" + std::to_string(i) + "]";
    ImageRequirement requirement;
    requirement.keys_ignore_tlog = entry.ignore_tlog;
    bool complete = true;
    for (std::size_t k = 0; k < entry.keys.size(); ++k) {
      const ImageKey& key = entry.keys[k];
      if (key.pem) {
        requirement.public_keys_pem.push_back(*key.pem);
        continue;
      }
      const std::string field = path + ".keys[" + std::to_string(k) + "].secretRef";
      std::optional<std::string> value = resolve(policy, verifiers, *key.secret, field, verdict);
      if (value) requirement.public_keys_pem.push_back(std::move(*value));
      complete = complete && value.has_value();
    }
    if (entry.keyless) {
      requirement.identities = entry.keyless->identities;
      if (entry.keyless->trusted_root) {
        requirement.trusted_root = resolve(policy, verifiers, *entry.keyless->trusted_root,
                                           path + ".keyless.trustedRootSecretRef", verdict);
        complete = complete && requirement.trusted_root.has_value();
      }
    }
    // An unreadable Secret was reported once; verifying with what is left could pass an image
    // the author meant to hold to a key we could not read, so the entry verifies nothing.
    requirements[i].emplace(complete ? std::optional(std::move(requirement)) : std::nullopt);
    return *requirements[i];
  };

  for (const ImageUse& image : images) {
    if (!image.reference) continue;  // reported as ImageInvalid by the rules
    const std::string name = image.reference->name();
    for (std::size_t i = 0; i < policy.images.size(); ++i) {
      const ImagePolicy& entry = policy.images[i];
      if (!entry.glob.matches(name)) continue;
      const std::optional<ImageRequirement>& requirement = requirement_of(i);
      if (!requirement) continue;
      const std::string where = " (spec.images[" + std::to_string(i) + "] glob \"" +
                                entry.glob.text() + "\"; used by " + image.object + ")";
      try {
        const Signer signer = cache.verify(*verifiers.images, *image.reference, *requirement);
        verdict.signers.push_back(AcceptedSigner{policy.name, image.description(), signer.method,
                                                 signer.signer, signer.fingerprint});
      } catch (const Error& e) {
        const std::string_view rule = e.code() == ErrorCode::kNotFound ? reason::kImageUnsigned
                                      : is_rejection(e) ? reason::kImageSignerNotAllowed
                                                        : reason::kImageVerificationError;
        report(policy, verdict, rule, image.description(), e.message() + where);
      }
    }
  }
}

}  // namespace sluice::policy
