#pragma once
// What the policy gate decides about one revision of one Application: every violation of every
// SigningPolicy that governs it, each with the policy, a stable reason, the object and a
// message. The controller turns it into the Verified condition and events; `allowed` is false
// exactly when some violation comes from a policy in Enforce mode.

#include <string>
#include <string_view>
#include <vector>

#include "policy/signing_policy.h"

namespace sluice::policy {

// Reason constants (status condition reasons and event reasons); stable API.
namespace reason {
inline constexpr std::string_view kPolicyInvalid = "PolicyInvalid";
inline constexpr std::string_view kSecretUnavailable = "SecretUnavailable";
inline constexpr std::string_view kCommitUnsigned = "CommitUnsigned";
inline constexpr std::string_view kCommitSignerNotAllowed = "CommitSignerNotAllowed";
inline constexpr std::string_view kCommitVerificationError = "CommitVerificationError";
inline constexpr std::string_view kImageInvalid = "ImageInvalid";
inline constexpr std::string_view kImageUnsigned = "ImageUnsigned";
inline constexpr std::string_view kImageSignerNotAllowed = "ImageSignerNotAllowed";
inline constexpr std::string_view kImageVerificationError = "ImageVerificationError";
inline constexpr std::string_view kRegistryNotAllowed = "RegistryNotAllowed";
inline constexpr std::string_view kKindDenied = "KindDenied";
inline constexpr std::string_view kLabelMissing = "LabelMissing";
inline constexpr std::string_view kPrivilegedContainer = "PrivilegedContainer";
inline constexpr std::string_view kHostPathVolume = "HostPathVolume";
inline constexpr std::string_view kHostNetwork = "HostNetwork";
inline constexpr std::string_view kNamespaceNotAllowed = "NamespaceNotAllowed";
}  // namespace reason

struct Violation {
  std::string policy;  // the SigningPolicy's name
  Mode mode = Mode::kEnforce;
  std::string rule;  // one of reason::k*
  // What is off-policy: "Deployment/shop/web" (kind/namespace/name, or kind/name when
  // cluster-scoped), "image docker.io/library/nginx:1.25", "commit main@sha1:<sha>", or
  // "SigningPolicy/<name>" for the policy itself.
  std::string object;
  std::string message;

  bool blocking() const { return mode == Mode::kEnforce; }
  bool operator==(const Violation&) const = default;
};

// Someone whose signature a policy accepted (for GitSource status.verification and events).
struct AcceptedSigner {
  std::string policy;
  std::string object;  // "commit main@sha1:<sha>" or "image <reference>"
  std::string method;  // "ssh", "keyless", "key"
  std::string signer;  // SSH principal, certificate identity, or key description
  std::string fingerprint;
};

struct Verdict {
  bool allowed = true;
  std::vector<std::string> policies;  // the policies that governed the Application, by name
  std::vector<Violation> violations;  // grouped by policy, in the order of `policies`
  std::vector<AcceptedSigner> signers;

  // Records `violation` and clears `allowed` if it blocks.
  void add(Violation violation);
  std::size_t blocking_count() const;
  // One line for a status condition: "allowed" or "blocked: 2 violations (CommitUnsigned ...)",
  // "; N reported (Audit)" appended when Audit policies found something.
  std::string summary() const;
};

}  // namespace sluice::policy
