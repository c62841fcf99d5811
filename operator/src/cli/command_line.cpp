#include "cli/command_line.h"

#include <algorithm>
#include <fstream>
#include <random>
#include <system_error>

#include "core/error.h"

namespace sluice::cli {

void for_each_argument(
    std::span<const std::string> args,
    const std::function<void(const std::string& flag, const std::string& value)>& on_flag,
    const std::function<void(const std::string& arg)>& on_positional) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    if (arg.starts_with("--")) {
      std::string value;
      if (const std::size_t eq = arg.find('='); eq != std::string::npos) {
        value = arg.substr(eq + 1);
        arg.resize(eq);
      } else {
        if (i + 1 >= args.size()) throw invalid_argument(arg + " needs a value");
        value = args[++i];
      }
      on_flag(arg, value);
    } else if (arg.starts_with("-") && arg != "-") {
      throw invalid_argument("unknown flag " + arg);
    } else {
      on_positional(arg);
    }
  }
}

bool IdentityFlags::take(const std::string& flag, const std::string& value) {
  if (flag == "--certificate-identity") {
    identity = value;
  } else if (flag == "--certificate-identity-regexp") {
    identity_regexp = value;
  } else if (flag == "--certificate-oidc-issuer") {
    issuer = value;
  } else if (flag == "--certificate-oidc-issuer-regexp") {
    issuer_regexp = value;
  } else {
    return false;
  }
  return true;
}

bool IdentityFlags::any() const {
  return !identity.empty() || !identity_regexp.empty() || !issuer.empty() || !issuer_regexp.empty();
}

verify::sigstore::CertificateIdentityMatcher IdentityFlags::matcher() const {
  return verify::sigstore::CertificateIdentityMatcher::from_flags(identity, identity_regexp, issuer,
                                                                  issuer_regexp);
}

verify::sigstore::TrustedRoot read_trusted_root(const std::string& path) {
  try {
    return verify::sigstore::parse_trusted_root(
        read_small_file(path, "trusted root", verify::sigstore::kMaxTrustedRootBytes));
  } catch (const Error& e) {
    throw e.with_context(path);
  }
}

std::vector<std::string> with_boolean_values(
    std::span<const std::string> args, std::initializer_list<std::string_view> boolean_flags) {
  std::vector<std::string> normalized;
  normalized.reserve(args.size());
  for (const std::string& arg : args) {
    const bool boolean =
        std::find(boolean_flags.begin(), boolean_flags.end(), arg) != boolean_flags.end();
    normalized.push_back(boolean ? arg + "=true" : arg);
  }
  return normalized;
}

bool parse_bool_flag(const std::string& flag, const std::string& value) {
  if (value == "true") return true;
  if (value == "false") return false;
  throw invalid_argument(flag + " takes true or false");
}

std::string read_small_file(const std::string& path, const std::string& what,
                            std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw not_found("cannot read " + what + " " + path);
  std::string text(max_bytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > max_bytes) {
    throw resource_exhausted(what + " " + path + " is larger than " + std::to_string(max_bytes) +
                             " bytes");
  }
  return text;
}

TempDir::TempDir(std::string_view prefix) {
  std::random_device random;
  path_ = std::filesystem::temp_directory_path() /
          (std::string(prefix) + std::to_string(random()) + std::to_string(random()));
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace sluice::cli
