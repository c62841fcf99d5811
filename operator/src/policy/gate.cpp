#include "policy/gate.h"

#include <algorithm>

#include "policy/images.h"
#include "policy/manifest_rules.h"

namespace sluice::policy {

bool governs(const LoadedPolicy& policy, const Object& application) {
  if (!policy.match) return true;
  try {
    return policy.match->matches(application);
  } catch (const Error&) {
    // A malformed Application (labels of the wrong type) is governed rather than let through.
    return true;
  }
}

Verdict evaluate(const std::vector<LoadedPolicy>& policies, const GateInput& input,
                 const Verifiers& verifiers) {
  std::vector<const LoadedPolicy*> governing;
  for (const LoadedPolicy& policy : policies) {
    if (governs(policy, *input.application)) governing.push_back(&policy);
  }
  std::stable_sort(governing.begin(), governing.end(),
                   [](const LoadedPolicy* a, const LoadedPolicy* b) { return a->name < b->name; });

  Verdict verdict;
  const std::vector<ImageUse> images = collect_images(*input.manifests);
  const ManifestContext context{input.manifests, &images, input.default_namespace,
                                input.is_cluster_scoped};
  ImageVerificationCache cache;
  // Without evidence the revision counts as unsigned: a policy requiring signatures refuses it.
  CommitEvidence no_evidence;
  no_evidence.revision = "(revision unknown)";
  const CommitEvidence& commit = input.commit != nullptr ? *input.commit : no_evidence;
  for (const LoadedPolicy* loaded : governing) {
    verdict.policies.push_back(loaded->name);
    if (!loaded->policy) {
      verdict.add(Violation{loaded->name, loaded->mode, std::string(reason::kPolicyInvalid),
                            "SigningPolicy/" + loaded->name,
                            loaded->error ? loaded->error->message() : "unreadable"});
      continue;
    }
    const SigningPolicy& policy = *loaded->policy;
    check_commit(policy, commit, verifiers, verdict);
    check_images(policy, images, verifiers, cache, verdict);
    check_rules(policy, context, verdict);
  }
  return verdict;
}

}  // namespace sluice::policy
