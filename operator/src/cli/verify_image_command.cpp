#include "cli/verify_image_command.h"

#include <chrono>
#include <fstream>
#include <sstream>

#include "cli/command_line.h"
#include "core/duration.h"
#include "core/error.h"
#include "verify/oci/cosign.h"
#include "verify/oci/cosign_keyless.h"
#include "verify/sigstore/trusted_root.h"

namespace sluice::cli {
namespace {

struct VerifyImageArgs {
  std::string reference;
  std::string key_file;
  bool ignore_tlog = false;
  bool ignore_sct = false;
  std::string identity;
  std::string identity_regexp;
  std::string issuer;
  std::string issuer_regexp;
  std::string trusted_root;
  verify::sigstore::CertificateIdentityMatcher matcher;
  verify::oci::RegistryOptions registry;
  std::string username;
  std::string password_file;
  std::string ca_file;
};

bool parse_bool(const std::string& flag, const std::string& value) {
  if (value == "true") return true;
  if (value == "false") return false;
  throw invalid_argument(flag + " takes true or false");
}

VerifyImageArgs parse_args(std::span<const std::string> args) {
  VerifyImageArgs parsed;
  // Boolean flags may stand alone; for_each_argument wants a value, so give them one.
  std::vector<std::string> normalized;
  for (const std::string& arg : args) {
    const bool boolean = arg == "--insecure-ignore-tlog" || arg == "--insecure-ignore-sct" ||
                         arg == "--allow-http-registry";
    normalized.push_back(boolean ? arg + "=true" : arg);
  }
  const auto on_flag = [&](const std::string& flag, const std::string& value) {
    if (flag == "--key") {
      parsed.key_file = value;
    } else if (flag == "--insecure-ignore-tlog") {
      parsed.ignore_tlog = parse_bool(flag, value);
    } else if (flag == "--allow-http-registry") {
      parsed.registry.plain_http = parse_bool(flag, value);
    } else if (flag == "--registry-username") {
      parsed.username = value;
    } else if (flag == "--registry-password-file") {
      parsed.password_file = value;
    } else if (flag == "--registry-ca-file") {
      parsed.ca_file = value;
    } else if (flag == "--timeout") {
      const Duration timeout = parse_duration(value);
      if (timeout < std::chrono::seconds(1)) throw invalid_argument("--timeout must be >= 1s");
      parsed.registry.timeout = std::chrono::duration_cast<std::chrono::seconds>(timeout);
    } else if (flag == "--insecure-ignore-sct") {
      parsed.ignore_sct = parse_bool(flag, value);
    } else if (flag == "--certificate-identity") {
      parsed.identity = value;
    } else if (flag == "--certificate-identity-regexp") {
      parsed.identity_regexp = value;
    } else if (flag == "--certificate-oidc-issuer") {
      parsed.issuer = value;
    } else if (flag == "--certificate-oidc-issuer-regexp") {
      parsed.issuer_regexp = value;
    } else if (flag == "--trusted-root") {
      parsed.trusted_root = value;
    } else {
      throw invalid_argument("unknown flag " + flag);
    }
  };
  for_each_argument(normalized, on_flag, [&](const std::string& arg) {
    if (!parsed.reference.empty()) throw invalid_argument("verify-image takes one image");
    parsed.reference = arg;
  });
  if (parsed.reference.empty()) throw invalid_argument("verify-image needs an image reference");
  const bool identity_flags = !parsed.identity.empty() || !parsed.identity_regexp.empty() ||
                              !parsed.issuer.empty() || !parsed.issuer_regexp.empty();
  if (!parsed.key_file.empty() && (identity_flags || !parsed.trusted_root.empty())) {
    throw invalid_argument(
        "give either --key or --certificate-identity[-regexp]/--certificate-oidc-issuer[-regexp] "
        "with --trusted-root, not both");
  }
  if (parsed.key_file.empty()) {
    if (!identity_flags) {
      throw invalid_argument(
          "verify-image needs --key PUBKEY.pem, or --certificate-identity[-regexp] and "
          "--certificate-oidc-issuer[-regexp]");
    }
    parsed.matcher = verify::sigstore::CertificateIdentityMatcher::from_flags(
        parsed.identity, parsed.identity_regexp, parsed.issuer, parsed.issuer_regexp);
    if (parsed.trusted_root.empty()) {
      throw invalid_argument(
          "keyless verify-image needs --trusted-root FILE (there is no default)");
    }
  } else if (parsed.ignore_sct) {
    throw invalid_argument("--insecure-ignore-sct applies to certificates, not to --key");
  }
  if (parsed.username.empty() != parsed.password_file.empty()) {
    throw invalid_argument("give --registry-username and --registry-password-file together");
  }
  return parsed;
}

// cosign verify --certificate-identity[-regexp] ... --certificate-oidc-issuer[-regexp] ...
void verify_keyless(const CommandContext& context, const VerifyImageArgs& args,
                    const ImageReference& image) {
  const verify::sigstore::TrustedRoot root = [&] {
    try {
      return verify::sigstore::parse_trusted_root(read_small_file(
          args.trusted_root, "trusted root", verify::sigstore::kMaxTrustedRootBytes));
    } catch (const Error& e) {
      throw e.with_context(args.trusted_root);
    }
  }();
  verify::oci::RegistryClient registry(verify::oci::registry_api_host(image), args.registry);
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  const verify::oci::SignedImage verified = verify::oci::verify_image_keyless(
      registry, image, root, args.matcher,
      {.ignore_tlog = args.ignore_tlog, .ignore_sct = args.ignore_sct}, now);
  context.out << "verified: " << image.name() << "@" << verified.digest << "\n";
  for (const auto& signature : verified.signatures) {
    context.out << "signature: " << signature.digest << " (" << signature.docker_reference << ")\n"
                << "signer: " << signature.signer << " certificate " << signature.fingerprint
                << "\n";
  }
  context.out.flush();
}

}  // namespace

int run_verify_image(const CommandContext& context) {
  return run_command<VerifyImageArgs>(context, &parse_args, [&context](VerifyImageArgs& args) {
    const ImageReference image = parse_image_reference(args.reference);
    if (!args.username.empty()) {
      std::string password = read_small_file(args.password_file, "password file");
      while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) {
        password.pop_back();
      }
      args.registry.credentials = verify::oci::RegistryCredentials{args.username, password};
    }
    if (!args.ca_file.empty()) args.registry.ca_pem = read_small_file(args.ca_file, "CA file");
    if (args.key_file.empty()) return verify_keyless(context, args, image);
    const verify::PublicKey key =
        verify::PublicKey::from_pem(read_small_file(args.key_file, "key"), args.key_file);
    verify::oci::RegistryClient registry(verify::oci::registry_api_host(image), args.registry);
    const verify::oci::ImageVerification verified =
        verify::oci::verify_image_with_key(registry, image, key, {.ignore_tlog = args.ignore_tlog});
    context.out << "verified: " << image.name() << "@" << verified.digest << "\n";
    for (const auto& signature : verified.signatures) {
      context.out << "signature: " << signature.layer_digest << " (" << signature.docker_reference
                  << ")\n";
    }
    context.out.flush();
  });
}

}  // namespace sluice::cli
