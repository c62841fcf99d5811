#include "cli/verify_image_command.h"

#include <chrono>
#include <optional>

#include "cli/command_line.h"
#include "core/duration.h"
#include "core/error.h"
#include "verify/oci/cosign.h"
#include "verify/oci/cosign_keyless.h"

namespace sluice::cli {
namespace {

struct VerifyImageArgs {
  std::string reference;
  std::string key_file;                                  // or
  IdentityFlags identity;                                // keyless
  verify::sigstore::CertificateIdentityMatcher matcher;  // from `identity`
  std::string trusted_root_file;
  bool ignore_tlog = false;
  bool ignore_sct = false;
  verify::oci::RegistryOptions registry;
  std::string username;
  std::string password_file;
  std::string ca_file;
};

void check_signer_flags(VerifyImageArgs& parsed) {
  if (!parsed.key_file.empty()) {
    if (parsed.identity.any()) {
      throw invalid_argument(
          "give either --key or --certificate-identity[-regexp]/--certificate-oidc-issuer[-regexp]"
          ", not both");
    }
    if (parsed.ignore_sct) {
      throw invalid_argument("--insecure-ignore-sct applies to certificates, not to --key");
    }
    if (parsed.trusted_root_file.empty() && !parsed.ignore_tlog) {
      throw invalid_argument(
          "verify-image needs --trusted-root FILE to check the transparency log (there is no "
          "default), or --insecure-ignore-tlog to rely on the key alone");
    }
    return;
  }
  if (!parsed.identity.any()) {
    throw invalid_argument(
        "verify-image needs --key PUBKEY.pem, or --certificate-identity[-regexp] and "
        "--certificate-oidc-issuer[-regexp]");
  }
  parsed.matcher = parsed.identity.matcher();  // a bad regexp is a usage error
  if (parsed.trusted_root_file.empty()) {
    throw invalid_argument("keyless verify-image needs --trusted-root FILE (there is no default)");
  }
}

VerifyImageArgs parse_args(std::span<const std::string> args) {
  VerifyImageArgs parsed;
  const std::vector<std::string> normalized = with_boolean_values(
      args,
      {"--insecure-ignore-tlog", "--insecure-ignore-sct", "--allow-http-registry", "--offline"});
  const auto on_flag = [&](const std::string& flag, const std::string& value) {
    if (flag == "--key") {
      parsed.key_file = value;
    } else if (parsed.identity.take(flag, value)) {
    } else if (flag == "--trusted-root") {
      parsed.trusted_root_file = value;
    } else if (flag == "--insecure-ignore-tlog") {
      parsed.ignore_tlog = parse_bool_flag(flag, value);
    } else if (flag == "--insecure-ignore-sct") {
      parsed.ignore_sct = parse_bool_flag(flag, value);
    } else if (flag == "--offline") {
      // Rekor bundles are always checked offline; cosign's online entry lookup is not built.
      if (!parse_bool_flag(flag, value))
        throw unimplemented("online Rekor lookups are not supported");
    } else if (flag == "--allow-http-registry") {
      parsed.registry.plain_http = parse_bool_flag(flag, value);
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
    } else {
      throw invalid_argument("unknown flag " + flag);
    }
  };
  for_each_argument(normalized, on_flag, [&](const std::string& arg) {
    if (!parsed.reference.empty()) throw invalid_argument("verify-image takes one image");
    parsed.reference = arg;
  });
  if (parsed.reference.empty()) throw invalid_argument("verify-image needs an image reference");
  check_signer_flags(parsed);
  if (parsed.username.empty() != parsed.password_file.empty()) {
    throw invalid_argument("give --registry-username and --registry-password-file together");
  }
  return parsed;
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
    verify::oci::ImageVerifyOptions options{.ignore_tlog = args.ignore_tlog,
                                            .ignore_sct = args.ignore_sct};
    // Parsed even when the log is ignored, as cosign does.
    if (!args.trusted_root_file.empty()) {
      options.trusted_root = read_trusted_root(args.trusted_root_file);
    }
    verify::oci::RegistryClient registry(verify::oci::registry_api_host(image), args.registry);
    const verify::oci::SignedImage verified = [&] {
      if (!args.key_file.empty()) {
        const verify::PublicKey key =
            verify::PublicKey::from_pem(read_small_file(args.key_file, "key"), args.key_file);
        return verify::oci::verify_image_with_key(registry, image, key, options);
      }
      return verify::oci::verify_image_keyless(registry, image, args.matcher, options);
    }();
    context.out << "verified: " << image.name() << "@" << verified.digest << "\n";
    for (const auto& signature : verified.signatures) {
      context.out << "signature: " << signature.digest << " (" << signature.docker_reference
                  << ")\n";
      if (args.key_file.empty()) {
        context.out << "signer: " << signature.signer << " certificate " << signature.fingerprint
                    << "\n";
      }
    }
    context.out.flush();
  });
}

}  // namespace sluice::cli
