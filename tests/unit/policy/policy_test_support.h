#pragma once
// Fakes for the policy gate's interfaces and YAML helpers for the policy unit tests.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/object.h"
#include "core/yaml_reader.h"
#include "policy/evidence.h"
#include "policy/signing_policy.h"

namespace sluice::policy::testing {

inline std::string testdata(const std::string& name) {
  std::ifstream in(std::filesystem::path(SLUICE_TESTDATA_DIR) / name, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline Object object(std::string_view yaml) {
  return Object(parse_yaml(yaml));
}

inline std::vector<Object> objects(std::string_view yaml) {
  std::vector<Object> result;
  for (Json& json : parse_yaml_documents(yaml)) result.emplace_back(std::move(json));
  return result;
}

// "apiVersion/kind/metadata" of a SigningPolicy named `name` around a YAML `spec` body.
inline Object policy_object(const std::string& name, const std::string& spec_yaml) {
  Json json = parse_yaml(
      "apiVersion: sluice.dev/v1alpha1\nkind: SigningPolicy\n"
      "metadata: {name: " +
      name + "}\n");
  json["spec"] = parse_yaml(spec_yaml);
  return Object(std::move(json));
}

inline SigningPolicy policy(const std::string& name, const std::string& spec_yaml) {
  return parse_signing_policy(policy_object(name, spec_yaml));
}

class FakeSecrets final : public SecretResolver {
 public:
  std::map<std::string, std::string> values;  // "namespace/name/key" (namespace may be empty)
  mutable std::vector<std::string> asked;

  std::string resolve(const SecretKeyRef& ref) const override {
    const std::string key = ref.namespace_ + "/" + ref.name + "/" + ref.key;
    asked.push_back(key);
    const auto it = values.find(key);
    if (it == values.end()) throw not_found("secret " + key + " not found");
    return it->second;
  }
};

// Accepts a commit when its signature text equals a configured one; records what it was given.
class FakeCommitVerifier final : public CommitVerifier {
 public:
  std::string good_ssh_signature;  // accepted when allowed_signers contains ssh_principal
  std::string ssh_principal = "alice@example.com";
  std::string good_x509_signature;
  ErrorCode keyless_failure = ErrorCode::kVerificationFailed;
  mutable std::string last_allowed_signers;
  mutable std::string last_source;
  mutable std::optional<std::string> last_trusted_root;
  mutable int calls = 0;

  Signer verify_ssh(const CommitEvidence& commit, std::string_view allowed_signers,
                    std::string_view source) const override {
    ++calls;
    last_allowed_signers = std::string(allowed_signers);
    last_source = std::string(source);
    if (*commit.signature != good_ssh_signature ||
        allowed_signers.find(ssh_principal) == std::string_view::npos) {
      throw Error(ErrorCode::kVerificationFailed, "signed by an unknown key");
    }
    return Signer{"ssh", ssh_principal, "SHA256:fake"};
  }

  Signer verify_keyless(const CommitEvidence& commit,
                        const std::vector<KeylessIdentity>& identities,
                        const std::optional<std::string>& trusted_root) const override {
    ++calls;
    last_trusted_root = trusted_root;
    if (*commit.signature != good_x509_signature) throw Error(keyless_failure, "bad certificate");
    for (const KeylessIdentity& identity : identities) {
      if (identity.matches("https://issuer.example", "https://github.com/org/repo")) {
        return Signer{"keyless", "https://github.com/org/repo", "SHA256:cert"};
      }
    }
    throw Error(ErrorCode::kVerificationFailed, "no identity matches");
  }
};

// Image signatures by reference: signed_by[normalised reference] is the PEM key or the keyless
// subject that signed it; images not listed are unsigned.
class FakeImageVerifier final : public ImageVerifier {
 public:
  std::map<std::string, std::string> signed_by;
  std::map<std::string, ErrorCode> failures;  // references whose lookup fails with this code
  mutable std::vector<std::string> asked;
  mutable std::vector<ImageRequirement> requirements;  // as asked

  Signer verify(const ImageReference& image, const ImageRequirement& requirement) const override {
    const std::string reference = image.to_string();
    asked.push_back(reference);
    requirements.push_back(requirement);
    if (const auto failure = failures.find(reference); failure != failures.end()) {
      throw Error(failure->second, "registry trouble for " + reference);
    }
    const auto it = signed_by.find(reference);
    if (it == signed_by.end()) throw not_found("no signatures for " + reference);
    for (const std::string& key : requirement.public_keys_pem) {
      if (key == it->second) return Signer{"key", "cosign key", "SHA256:key"};
    }
    for (const KeylessIdentity& identity : requirement.identities) {
      if (identity.matches("https://issuer.example", it->second)) {
        return Signer{"keyless", it->second, "SHA256:cert"};
      }
    }
    throw Error(ErrorCode::kVerificationFailed,
                reference + " is signed, but not by the policy's signers");
  }
};

inline const std::string kSshArmor =
    "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n";
inline const std::string kX509Armor =
    "-----BEGIN SIGNED MESSAGE-----\nMIIB\n-----END SIGNED MESSAGE-----\n";
inline const std::string kPgpArmor =
    "-----BEGIN PGP SIGNATURE-----\niQIz\n-----END PGP SIGNATURE-----\n";
inline const std::string kKeyPem =
    "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n";

inline CommitEvidence commit(std::optional<std::string> signature) {
  return CommitEvidence{"main@sha1:4f2c", std::move(signature), "tree 1234\n", 1700000000};
}

}  // namespace sluice::policy::testing
