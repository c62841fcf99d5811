#pragma once
// The policy gate: which SigningPolicies govern an Application, and what they say about the
// revision it is about to apply. Every governing policy is evaluated in full (all its rules,
// every violation listed, not just the first); the revision passes only if no Enforce policy
// finds anything. Audit policies' violations are reported and let through.
//
// A policy governs an Application when its spec.match does (signing_policy.h). A malformed
// policy (LoadedPolicy::error) fails closed: it governs what its match selects (everything when
// the match is unreadable) and yields one PolicyInvalid violation, blocking unless it is in
// Audit mode.
//
// Pure logic: Secrets and signature checks come through the interfaces of evidence.h.

#include <functional>
#include <string>
#include <vector>

#include "core/object.h"
#include "policy/evidence.h"
#include "policy/signatures.h"
#include "policy/signing_policy.h"
#include "policy/verdict.h"

namespace sluice::policy {

struct GateInput {
  const Object* application = nullptr;                      // the Application being reconciled
  const std::vector<Object>* manifests = nullptr;           // its rendered manifests
  const CommitEvidence* commit = nullptr;                   // null: an unsigned revision
  std::string default_namespace;                            // see ManifestContext
  std::function<bool(const GroupKind&)> is_cluster_scoped;  // empty: built-in kinds only
};

// Whether `policy` governs `application`.
bool governs(const LoadedPolicy& policy, const Object& application);

// Policies are taken in name order, so the verdict does not depend on list order.
Verdict evaluate(const std::vector<LoadedPolicy>& policies, const GateInput& input,
                 const Verifiers& verifiers);

}  // namespace sluice::policy
