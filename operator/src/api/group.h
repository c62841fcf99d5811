#pragma once

// sluice's API group and the names of its kinds, shared by the CRDs, the controllers and the
// CLI.

#include <string_view>

namespace sluice::api {

inline constexpr std::string_view kGroup = "sluice.dev";
inline constexpr std::string_view kVersion = "v1alpha1";
inline constexpr std::string_view kApiVersion = "sluice.dev/v1alpha1";

inline constexpr std::string_view kGitSourceKind = "GitSource";
inline constexpr std::string_view kGitSourcePlural = "gitsources";
inline constexpr std::string_view kApplicationKind = "Application";
inline constexpr std::string_view kApplicationPlural = "applications";
inline constexpr std::string_view kSigningPolicyKind = "SigningPolicy";
inline constexpr std::string_view kSigningPolicyPlural = "signingpolicies";

// Annotations users and tools set on sluice objects and on what sluice applies.
namespace annotation {
// Set to any new value (kubectl annotate, `sluice reconcile`) to reconcile at once; the
// controller echoes it in status.lastHandledReconcileAt when done.
inline constexpr std::string_view kReconcileRequestedAt = "sluice.dev/reconcile-requested-at";
// On an applied object: "disabled" keeps it in the cluster when it leaves the revision.
inline constexpr std::string_view kPrune = "sluice.dev/prune";
// On an applied object: "disabled" makes sluice leave it alone (no apply, no drift correction).
inline constexpr std::string_view kReconcile = "sluice.dev/reconcile";
inline constexpr std::string_view kDisabled = "disabled";
}  // namespace annotation

// Labels sluice puts on every object it applies: which Application owns it. Prune deletes only
// objects that still carry the labels of the Application pruning them.
namespace label {
inline constexpr std::string_view kApplicationName = "sluice.dev/application-name";
inline constexpr std::string_view kApplicationNamespace = "sluice.dev/application-namespace";
}  // namespace label

// The finalizer that makes an Application's deletion wait for its objects' deletion (prune).
inline constexpr std::string_view kFinalizer = "sluice.dev/finalizer";

// The field manager of every server-side apply sluice sends.
inline constexpr std::string_view kFieldManager = "sluice";

}  // namespace sluice::api
