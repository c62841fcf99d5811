#include "verify/oci/cosign_signatures.h"

#include <utility>

#include "core/error.h"
#include "core/sha256.h"

namespace sluice::verify::oci {
namespace {

constexpr std::string_view kSimpleSigningType = "application/vnd.dev.cosign.simplesigning.v1+json";
constexpr const char* kSignatureAnnotation = "dev.cosignproject.cosign/signature";
constexpr const char* kBundleArtifactType = "application/vnd.dev.sigstore.bundle.v0.3+json";
constexpr std::size_t kMaxPayloadBytes = std::size_t{64} * 1024;
constexpr std::size_t kMaxSignatures = 64;
constexpr std::size_t kMaxBundleBytes =
    std::size_t{1024} * 1024;  // bounds the work an attacker can cause

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& part : parts) out += (out.empty() ? "" : "; ") + part;
  return out;
}

bool counts_as_refusal(const Error& e) {
  return e.code() == ErrorCode::kVerificationFailed || e.code() == ErrorCode::kNotFound;
}

// The layer holding the bundle: the referrer manifest's one bundle-typed layer.
std::string bundle_layer_digest(const Manifest& referrer) {
  for (const Descriptor& layer : referrer.descriptors("layers")) {
    if (layer.media_type == kBundleArtifactType && is_digest(layer.digest)) return layer.digest;
  }
  throw Error(ErrorCode::kVerificationFailed, "referrer holds no sigstore bundle layer");
}

// The image's referrer bundles that can be read and parsed (the others are problems).
std::vector<std::pair<std::string, sigstore::Bundle>> referrer_bundles(
    RegistryClient& registry, const ImageReference& image, const std::string& image_digest,
    std::vector<std::string>& problems) {
  std::vector<Descriptor> referrers =
      registry.referrers(image.path, image_digest, kBundleArtifactType);
  if (referrers.size() > kMaxSignatures) referrers.resize(kMaxSignatures);
  std::vector<std::pair<std::string, sigstore::Bundle>> bundles;
  for (const Descriptor& referrer : referrers) {
    try {
      const std::optional<Manifest> manifest = registry.manifest(image.path, referrer.digest);
      if (!manifest) throw not_found("referrer " + referrer.digest + " is gone");
      bundles.emplace_back(referrer.digest,
                           sigstore::parse_bundle(registry.blob(
                               image.path, bundle_layer_digest(*manifest), kMaxBundleBytes)));
    } catch (const Error& e) {
      if (!counts_as_refusal(e)) throw;
      problems.push_back("referrer " + referrer.digest + " is no bundle: " + e.message());
    }
  }
  return bundles;
}

void check_bundles(const std::vector<std::pair<std::string, sigstore::Bundle>>& bundles,
                   const std::string& image_digest, const SignatureCheckers& checkers,
                   SignedImage& result, std::vector<std::string>& problems) {
  const std::optional<std::string> raw_digest = from_hex(image_digest.substr(7));
  if (!raw_digest || raw_digest->size() != 32) throw internal_error("bad image digest");
  for (const auto& [digest, bundle] : bundles) {
    try {
      FoundSignature found = checkers.bundle(bundle, *raw_digest);
      found.digest = digest;
      result.signatures.push_back(std::move(found));
    } catch (const Error& e) {
      if (!counts_as_refusal(e)) throw;
      problems.push_back("bundle " + digest + ": " + e.message());
    }
  }
}

void check_classic(RegistryClient& registry, const ImageReference& image,
                   const std::string& image_digest, const SignatureCheckers& checkers,
                   SignedImage& result, std::vector<std::string>& problems) {
  const std::string signature_tag = "sha256-" + image_digest.substr(7) + ".sig";
  const std::optional<Manifest> signatures = registry.manifest(image.path, signature_tag);
  if (!signatures) return;
  std::vector<Descriptor> layers = signatures->descriptors("layers");
  if (layers.size() > kMaxSignatures) layers.resize(kMaxSignatures);
  for (const Descriptor& layer : layers) {
    if (layer.media_type != kSimpleSigningType) continue;
    const auto signature = layer.annotations.find(kSignatureAnnotation);
    if (signature == layer.annotations.end()) {
      problems.push_back("layer " + layer.digest + " has no signature annotation");
      continue;
    }
    try {
      const std::string payload = registry.blob(image.path, layer.digest, kMaxPayloadBytes);
      FoundSignature found =
          checkers.classic(ClassicSignature{layer, payload, signature->second, image_digest});
      found.digest = layer.digest;
      result.signatures.push_back(std::move(found));
    } catch (const Error& e) {
      if (!counts_as_refusal(e)) throw;
      problems.push_back(e.message());
    }
  }
}

}  // namespace

SignedImage verify_cosign_signatures(RegistryClient& registry, const ImageReference& image,
                                     const SignatureCheckers& checkers, std::string_view for_whom) {
  const std::optional<Manifest> manifest =
      registry.manifest(image.path, image.digest.empty() ? image.tag : image.digest);
  if (!manifest) throw not_found("image " + image.to_string() + " not found");
  if (!image.digest.empty() && image.digest != manifest->digest) {
    throw Error(ErrorCode::kVerificationFailed,
                "image " + image.to_string() + " resolved to " + manifest->digest);
  }
  SignedImage result{manifest->digest, {}};
  std::vector<std::string> problems;
  const auto bundles = referrer_bundles(registry, image, manifest->digest, problems);
  if (!bundles.empty()) {
    check_bundles(bundles, manifest->digest, checkers, result, problems);
  } else {
    check_classic(registry, image, manifest->digest, checkers, result, problems);
  }
  if (!result.signatures.empty()) return result;
  if (problems.empty()) {
    throw not_found("image " + image.name() + "@" + manifest->digest + " has no cosign signature");
  }
  throw Error(ErrorCode::kVerificationFailed, "image " + image.name() + "@" + manifest->digest +
                                                  " has no signature that verifies " +
                                                  std::string(for_whom) + ": " + join(problems));
}

}  // namespace sluice::verify::oci
