#pragma once
// The SigningPolicy custom resource (sluice.dev/v1alpha1, cluster-scoped), read from the JSON
// the API server returns. Field names as in ../shared/DESIGN.md:
//
//   spec:
//     mode: Enforce | Audit                       default Enforce
//     match:                                      absent: governs every Application
//       namespaces: [shop]                        the Applications' namespaces (exact names;
//                                                 absent: any, []: none)
//       applicationSelector: {matchLabels, matchExpressions}   on the Application's labels
//     commits:
//       required: true                            false: commit signatures are not checked
//       ssh: {allowedSigners: "<git allowed_signers text>"} | {allowedSignersSecretRef: ref}
//       keyless: {identities: [identity], trustedRootSecretRef: ref}
//     images:
//     - glob: "registry.example.com/**"          see image_glob.h
//       keys: [{secretRef: ref} | {pem: "-----BEGIN PUBLIC KEY-----..."}]
//       keyless: {identities: [identity], trustedRootSecretRef: ref}
//       ignoreTlog: false                         true: key signatures need no Rekor entry
//     rules:
//       allowedRegistries: [glob]                 absent: any; []: none
//       deniedKinds: [ClusterRoleBinding]        "Kind", or "Kind.group" for one API group
//       requiredLabels: [key]                     on every rendered object
//       denyPrivileged / denyHostPath / denyHostNetwork: true
//       allowedNamespaces: [name]                 where rendered objects may land
//   identity := {issuer: URL, subject: SAN | subjectRegExp: ECMAScript regex}
//   ref      := {name, namespace?, key?}          namespace absent: the operator's namespace
//
// Parsing is strict (unknown fields, wrong types, empty lists where something is required are
// errors) because a policy that says less than its author meant must not pass silently.

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/object.h"
#include "policy/image_glob.h"
#include "policy/label_selector.h"

namespace sluice::policy {

enum class Mode { kEnforce, kAudit };
std::string_view to_string(Mode mode);  // "Enforce", "Audit"

// A key of a Secret. The evaluator asks a SecretResolver (evidence.h) for its value.
struct SecretKeyRef {
  std::string name;
  std::string namespace_;  // empty: the operator's own namespace
  std::string key;         // filled with the field's default when absent (see below)

  std::string to_string() const;  // "secret sluice-system/cosign-pub key cosign.pub"
};

// Default Secret keys per field.
inline constexpr std::string_view kAllowedSignersKey = "allowed_signers";
inline constexpr std::string_view kTrustedRootKey = "trusted_root.json";
inline constexpr std::string_view kCosignPublicKeyKey = "cosign.pub";

// A keyless (Fulcio certificate) signer: the OIDC issuer exactly, and the certificate's
// subject (SAN) exactly or by a regular expression searched anywhere in it (as cosign's
// --certificate-identity-regexp; anchor it with ^...$ to match the whole SAN).
struct KeylessIdentity {
  std::string issuer;
  std::string subject;         // exact, or empty when subject_regexp is used
  std::string subject_regexp;  // ECMAScript syntax (checked when the policy is read)

  bool matches(std::string_view certificate_issuer, std::string_view certificate_subject) const;
  std::string to_string() const;  // "issuer=... subject=..." for messages
  bool operator==(const KeylessIdentity&) const = default;
};

struct KeylessPolicy {
  std::vector<KeylessIdentity> identities;   // at least one
  std::optional<SecretKeyRef> trusted_root;  // absent: the verifier's built-in sigstore root
};

struct SshPolicy {
  std::optional<std::string> allowed_signers;          // inline text, or
  std::optional<SecretKeyRef> allowed_signers_secret;  // exactly one of the two
};

struct CommitPolicy {
  bool required = false;
  std::optional<SshPolicy> ssh;
  std::optional<KeylessPolicy> keyless;
};

struct ImageKey {
  std::optional<std::string> pem;      // inline PEM public key, or
  std::optional<SecretKeyRef> secret;  // exactly one of the two
};

struct ImagePolicy {
  ImageGlob glob;
  std::vector<ImageKey> keys;  // keys and keyless: at least one of the two
  std::optional<KeylessPolicy> keyless;
  // Key signatures stand on the key alone, without a transparency-log entry (cosign's
  // --insecure-ignore-tlog); keyless ones always need the log. Only with keys.
  bool ignore_tlog = false;
};

struct Rules {
  std::optional<std::vector<ImageGlob>> allowed_registries;
  std::vector<std::string> denied_kinds;
  std::vector<std::string> required_labels;
  bool deny_privileged = false;
  bool deny_host_path = false;
  bool deny_host_network = false;
  std::optional<std::vector<std::string>> allowed_namespaces;
};

struct Match {
  std::optional<std::vector<std::string>> namespaces;
  std::optional<LabelSelector> application_selector;

  // Whether the policy governs `application` (an Application object).
  bool matches(const Object& application) const;
};

struct SigningPolicy {
  std::string name;
  Mode mode = Mode::kEnforce;
  Match match;
  std::optional<CommitPolicy> commits;
  std::vector<ImagePolicy> images;
  Rules rules;
};

// Throws Error(kInvalidArgument) "SigningPolicy \"<name>\": spec.<field>: <problem>".
SigningPolicy parse_signing_policy(const Object& object);

// A SigningPolicy as the gate holds it: parsed, or the error that kept it from parsing. A
// malformed policy fails closed: it governs every Application its `match` selects (all of them
// when `match` itself is unreadable) and blocks them, unless spec.mode reads exactly "Audit".
struct LoadedPolicy {
  std::string name;
  Mode mode = Mode::kEnforce;
  std::optional<Match> match;  // nullopt: governs every Application
  std::optional<SigningPolicy> policy;
  std::optional<Error> error;  // set exactly when policy is not
};

LoadedPolicy load_signing_policy(const Object& object) noexcept;

}  // namespace sluice::policy
