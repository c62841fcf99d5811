#include "verify/oci/cosign_signatures.h"

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

void check_classic(RegistryClient& registry, const ImageReference& image,
                   const std::string& image_digest, const SignatureCheckers& checkers,
                   ImageVerification& result, std::vector<std::string>& problems) {
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
      result.signatures.push_back(
          checkers.classic(ClassicSignature{layer, payload, signature->second, image_digest}));
    } catch (const Error& e) {
      if (!counts_as_refusal(e)) throw;
      problems.push_back(e.message());
    }
  }
}

void check_bundles(RegistryClient& registry, const ImageReference& image,
                   const std::string& image_digest, const SignatureCheckers& checkers,
                   ImageVerification& result, std::vector<std::string>& problems) {
  std::vector<Descriptor> referrers =
      registry.referrers(image.path, image_digest, kBundleArtifactType);
  if (referrers.size() > kMaxSignatures) referrers.resize(kMaxSignatures);
  const std::optional<std::string> raw_digest = from_hex(image_digest.substr(7));
  if (!raw_digest || raw_digest->size() != 32) throw internal_error("bad image digest");
  for (const Descriptor& referrer : referrers) {
    try {
      const std::optional<Manifest> manifest = registry.manifest(image.path, referrer.digest);
      if (!manifest) throw not_found("referrer " + referrer.digest + " is gone");
      const sigstore::Bundle bundle = sigstore::parse_bundle(
          registry.blob(image.path, bundle_layer_digest(*manifest), kMaxBundleBytes));
      VerifiedSignature verified = checkers.bundle(bundle, *raw_digest);
      verified.layer_digest = referrer.digest;
      result.signatures.push_back(std::move(verified));
    } catch (const Error& e) {
      if (!counts_as_refusal(e)) throw;
      problems.push_back("bundle " + referrer.digest + ": " + e.message());
    }
  }
}

}  // namespace

ImageVerification verify_cosign_signatures(RegistryClient& registry, const ImageReference& image,
                                           const SignatureCheckers& checkers,
                                           std::string_view for_whom) {
  const std::optional<Manifest> manifest =
      registry.manifest(image.path, image.digest.empty() ? image.tag : image.digest);
  if (!manifest) throw not_found("image " + image.to_string() + " not found");
  if (!image.digest.empty() && image.digest != manifest->digest) {
    throw Error(ErrorCode::kVerificationFailed,
                "image " + image.to_string() + " resolved to " + manifest->digest);
  }
  ImageVerification result{manifest->digest, {}};
  std::vector<std::string> problems;
  check_classic(registry, image, manifest->digest, checkers, result, problems);
  if (!result.signatures.empty()) return result;
  check_bundles(registry, image, manifest->digest, checkers, result, problems);
  if (!result.signatures.empty()) return result;
  if (problems.empty()) {
    throw not_found("image " + image.name() + "@" + manifest->digest + " has no cosign signature");
  }
  throw Error(ErrorCode::kVerificationFailed, "image " + image.name() + "@" + manifest->digest +
                                                  " has no signature that verifies " +
                                                  std::string(for_whom) + ": " + join(problems));
}

}  // namespace sluice::verify::oci
