#include "verify/oci/cosign.h"

#include <chrono>
#include <utility>

#include "core/base64.h"
#include "core/error.h"
#include "core/sha256.h"
#include "verify/oci/rekor_bundle.h"
#include "verify/oci/simple_signing.h"
#include "verify/sigstore/bundle.h"
#include "verify/sigstore/crypto.h"
#include "verify/sigstore/verifier.h"

namespace sluice::verify::oci {
namespace {

constexpr std::string_view kSimpleSigningType = "application/vnd.dev.cosign.simplesigning.v1+json";
constexpr const char* kSignatureAnnotation = "dev.cosignproject.cosign/signature";
constexpr const char* kBundleArtifactType = "application/vnd.dev.sigstore.bundle.v0.3+json";
constexpr std::size_t kMaxPayloadBytes = std::size_t{64} * 1024;
constexpr std::size_t kMaxSignatureLayers = 64;
constexpr std::size_t kMaxBundleBytes =
    std::size_t{1024} * 1024;  // bounds the work an attacker can cause

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& part : parts) out += (out.empty() ? "" : "; ") + part;
  return out;
}

// The layer holding the bundle: the referrer manifest's one bundle-typed layer.
std::string bundle_layer_digest(const Manifest& referrer) {
  for (const Descriptor& layer : referrer.descriptors("layers")) {
    if (layer.media_type == kBundleArtifactType && is_digest(layer.digest)) return layer.digest;
  }
  throw Error(ErrorCode::kVerificationFailed, "referrer holds no sigstore bundle layer");
}

std::int64_t verification_time(const ImageVerifyOptions& options) {
  if (options.now) return *options.now;
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The classic signature's Rekor bundle annotation against the trusted root; returns the
// verified integrated time.
std::int64_t verify_layer_rekor_bundle(const Descriptor& layer, std::string_view payload,
                                       std::string_view signature_base64, const PublicKey& key,
                                       const ImageVerifyOptions& options) {
  const auto annotation = layer.annotations.find(kRekorBundleAnnotation);
  if (annotation == layer.annotations.end() || annotation->second.empty()) {
    throw Error(ErrorCode::kVerificationFailed,
                "layer " + layer.digest + " has no Rekor bundle (offline verification needs one)");
  }
  const std::optional<std::string> signature = decode_base64(signature_base64);
  if (!signature) throw Error(ErrorCode::kVerificationFailed, "signature is not base64");
  const ClassicSignature signed_content{payload, *signature,
                                        sigstore::public_key_der(key.handle().get()), false};
  try {
    return verify_rekor_bundle(parse_rekor_bundle(annotation->second), signed_content,
                               *options.trusted_root, verification_time(options));
  } catch (const Error& e) {
    throw e.with_context("layer " + layer.digest);
  }
}

// A referrer's sigstore bundle (parsed, not verified).
sigstore::Bundle fetch_referrer_bundle(RegistryClient& registry, const std::string& repository,
                                       const Descriptor& referrer) {
  const std::optional<Manifest> manifest = registry.manifest(repository, referrer.digest);
  if (!manifest) throw not_found("referrer " + referrer.digest + " is gone");
  const std::string bundle_json =
      registry.blob(repository, bundle_layer_digest(*manifest), kMaxBundleBytes);
  return sigstore::parse_bundle(bundle_json);
}

// One referrer bundle against the key, over the image manifest's digest (the in-toto subject
// of cosign's DSSE statement): the full sigstore verification against the trusted root, or
// with ignore_tlog, the signature alone. Returns the first verified time, if any.
std::optional<std::int64_t> verify_referrer_bundle(const sigstore::Bundle& bundle,
                                                   const std::string& image_digest,
                                                   const PublicKey& key,
                                                   const ImageVerifyOptions& options) {
  const std::optional<std::string> raw_digest = from_hex(image_digest.substr(7));
  if (!raw_digest || raw_digest->size() != 32) throw internal_error("bad image digest");
  if (options.ignore_tlog) {
    sigstore::verify_bundle_signature_only(bundle, {std::nullopt, *raw_digest}, key.handle());
    return std::nullopt;
  }
  const sigstore::VerificationResult verified =
      sigstore::verify_bundle(bundle, *options.trusted_root, {std::nullopt, *raw_digest},
                              {key.handle(), "", ""}, verification_time(options));
  if (verified.verified_times.empty()) return std::nullopt;
  return verified.verified_times.front();
}

// The verdict once the signatures that count have been tried.
ImageVerification settle(ImageVerification result, const std::vector<std::string>& problems,
                         const std::string& image_name) {
  if (!result.signatures.empty()) return result;
  if (problems.empty()) {
    throw not_found("image " + image_name + "@" + result.digest + " has no cosign signature");
  }
  throw Error(ErrorCode::kVerificationFailed,
              "image " + image_name + "@" + result.digest +
                  " has no signature that verifies with the key: " + join(problems));
}

}  // namespace

std::string registry_api_host(const ImageReference& image) {
  return image.domain == "docker.io" ? "registry-1.docker.io" : image.domain;
}

ImageVerification verify_image_with_key(RegistryClient& registry, const ImageReference& image,
                                        const PublicKey& key, const ImageVerifyOptions& options) {
  if (!options.ignore_tlog && !options.trusted_root) {
    throw invalid_argument(
        "checking image signatures' transparency-log entries needs a trusted root; "
        "ignoring the log (cosign's --insecure-ignore-tlog) relies on the key alone");
  }
  const std::optional<Manifest> manifest =
      registry.manifest(image.path, image.digest.empty() ? image.tag : image.digest);
  if (!manifest) throw not_found("image " + image.to_string() + " not found");
  ImageVerification result{manifest->digest, {}};
  if (!image.digest.empty() && image.digest != manifest->digest) {
    throw Error(ErrorCode::kVerificationFailed,
                "image " + image.to_string() + " resolved to " + manifest->digest);
  }

  // cosign --new-bundle-format: sigstore bundles attached as OCI 1.1 referrers. When the image
  // has any that parse, `cosign verify` looks at those only; otherwise at the classic ones.
  std::vector<std::string> problems;
  std::vector<Descriptor> referrers =
      registry.referrers(image.path, manifest->digest, kBundleArtifactType);
  if (referrers.size() > kMaxSignatureLayers) referrers.resize(kMaxSignatureLayers);
  std::vector<std::pair<std::string, sigstore::Bundle>> bundles;
  for (const Descriptor& referrer : referrers) {
    try {
      bundles.emplace_back(referrer.digest, fetch_referrer_bundle(registry, image.path, referrer));
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kVerificationFailed && e.code() != ErrorCode::kNotFound) throw;
      problems.push_back("referrer " + referrer.digest + " is no bundle: " + e.message());
    }
  }
  for (const auto& [digest, bundle] : bundles) {
    try {
      const std::optional<std::int64_t> time =
          verify_referrer_bundle(bundle, manifest->digest, key, options);
      result.signatures.push_back({digest, "sigstore bundle", time});
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kVerificationFailed && e.code() != ErrorCode::kNotFound) throw;
      problems.push_back("bundle " + digest + ": " + e.message());
    }
  }
  if (!bundles.empty()) return settle(std::move(result), problems, image.name());

  const std::string signature_tag = "sha256-" + manifest->digest.substr(7) + ".sig";
  if (const std::optional<Manifest> signatures = registry.manifest(image.path, signature_tag)) {
    std::vector<Descriptor> layers = signatures->descriptors("layers");
    if (layers.size() > kMaxSignatureLayers) layers.resize(kMaxSignatureLayers);
    for (const Descriptor& layer : layers) {
      if (layer.media_type != kSimpleSigningType) continue;
      const auto signature = layer.annotations.find(kSignatureAnnotation);
      if (signature == layer.annotations.end()) {
        problems.push_back("layer " + layer.digest + " has no signature annotation");
        continue;
      }
      try {
        const std::string payload = registry.blob(image.path, layer.digest, kMaxPayloadBytes);
        const SimpleSigningClaims claims =
            verify_simple_signing(payload, signature->second, manifest->digest, key);
        std::optional<std::int64_t> integrated_time;
        if (!options.ignore_tlog) {
          integrated_time =
              verify_layer_rekor_bundle(layer, payload, signature->second, key, options);
        }
        result.signatures.push_back({layer.digest, claims.docker_reference, integrated_time});
      } catch (const Error& e) {
        if (e.code() != ErrorCode::kVerificationFailed && e.code() != ErrorCode::kNotFound) throw;
        problems.push_back(e.message());
      }
    }
  }
  return settle(std::move(result), problems, image.name());
}

}  // namespace sluice::verify::oci
