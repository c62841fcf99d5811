#pragma once

// Status condition and event reasons: one constant per failure site, so an alert or a script
// can tell every cause apart (Flux's convention). Stable API: renaming one breaks users.

#include <string_view>

namespace sluice::controller::reason {

// Shared by all kinds.
inline constexpr std::string_view kProgressing = "Progressing";
inline constexpr std::string_view kInvalidSpec = "InvalidSpec";        // the spec fails validation
inline constexpr std::string_view kReconcileError = "ReconcileError";  // a bug: unexpected throw

// GitSource.
inline constexpr std::string_view kArtifactStored = "ArtifactStored";
inline constexpr std::string_view kSecretNotFound = "SecretNotFound";  // secretRef unreadable
inline constexpr std::string_view kAuthenticationFailed = "AuthenticationFailed";
inline constexpr std::string_view kHostKeyRejected = "HostKeyRejected";  // ssh / TLS trust
inline constexpr std::string_view kRefNotFound = "RefNotFound";
inline constexpr std::string_view kGitOperationFailed = "GitOperationFailed";
inline constexpr std::string_view kArtifactFailed = "ArtifactFailed";  // writing the snapshot
// spec.webhook.secretRef unreadable or without a `token` (the artifact is still fetched).
inline constexpr std::string_view kWebhookSecretNotFound = "WebhookSecretNotFound";

// Application.
inline constexpr std::string_view kApplied = "ReconciliationSucceeded";
inline constexpr std::string_view kSourceNotFound = "SourceNotFound";
// --no-cross-namespace-refs: a sourceRef or dependsOn into another namespace (Flux's reason).
inline constexpr std::string_view kAccessDenied = "AccessDenied";
inline constexpr std::string_view kArtifactNotReady = "ArtifactNotReady";  // no artifact yet
inline constexpr std::string_view kDependencyNotReady = "DependencyNotReady";
inline constexpr std::string_view kSubstituteFailed = "SubstitutionFailed";    // substituteFrom
inline constexpr std::string_view kBuildFailed = "BuildFailed";                // render
inline constexpr std::string_view kVerificationFailed = "VerificationFailed";  // gate errors
inline constexpr std::string_view kPolicyAllowed = "PolicyAllowed";
inline constexpr std::string_view kNoPolicy = "NoPolicy";  // no SigningPolicy governs it
inline constexpr std::string_view kPolicyViolation = "PolicyViolation";   // blocked (Enforce)
inline constexpr std::string_view kPolicyAudit = "PolicyAuditViolation";  // reported (Audit)
inline constexpr std::string_view kApplyFailed = "ApplyFailed";
inline constexpr std::string_view kPruneFailed = "PruneFailed";
inline constexpr std::string_view kHealthCheckFailed = "HealthCheckFailed";
inline constexpr std::string_view kHealthy = "Healthy";
inline constexpr std::string_view kNotChecked = "NotChecked";  // wait: false
inline constexpr std::string_view kDriftCorrected = "DriftCorrected";
inline constexpr std::string_view kDriftDetected = "DriftDetected";
inline constexpr std::string_view kSuspended = "Suspended";
inline constexpr std::string_view kDeletionFailed = "DeletionFailed";    // prune on delete
inline constexpr std::string_view kInventoryFailed = "InventoryFailed";  // recording it
inline constexpr std::string_view kFinalizerFailed = "FinalizerFailed";  // adding ours

// SigningPolicy.
inline constexpr std::string_view kPolicyValid = "PolicyValid";
inline constexpr std::string_view kPolicyInvalid = "PolicyInvalid";

}  // namespace sluice::controller::reason
