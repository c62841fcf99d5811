#include "controller/policy_reconciler.h"

#include <algorithm>

#include "api/conditions.h"
#include "api/group.h"
#include "controller/reasons.h"
#include "controller/status_patch.h"
#include "core/rfc3339.h"
#include "policy/gate.h"
#include "policy/signing_policy.h"

namespace sluice::controller {

kube::Resource signing_policies() {
  return sluice_resource(api::kSigningPolicyPlural, false);
}

void PolicyReconciler::reconcile(const std::string& name) {
  const std::optional<Json> cached = policies_.get("", name);
  if (!cached) return;
  const policy::LoadedPolicy loaded = policy::load_signing_policy(Object(*cached));
  if (!watch_namespace_.empty()) {
    const bool named = loaded.match && loaded.match->namespaces &&
                       std::find(loaded.match->namespaces->begin(), loaded.match->namespaces->end(),
                                 watch_namespace_) != loaded.match->namespaces->end();
    const std::vector<Json> applications = applications_.list();
    const bool governing = std::any_of(
        applications.begin(), applications.end(),
        [&](const Json& application) { return policy::governs(loaded, Object(application)); });
    if (!named && !governing) return;
  }
  const std::int64_t observed = generation_of(*cached);

  Json status = status_of(*cached);
  api::Conditions conditions = api::Conditions::from_json(find_member(status, {"conditions"}));
  const std::string now = format_rfc3339(std::chrono::system_clock::now());
  if (loaded.error) {
    conditions.set(
        api::condition::kReady, api::ConditionStatus::kFalse, reason::kPolicyInvalid,
        loaded.error->message() + (loaded.mode == policy::Mode::kAudit
                                       ? " (Audit: reported, nothing blocked)"
                                       : " (it blocks every Application it governs until fixed)"),
        observed, now);
    conditions.set(api::condition::kStalled, api::ConditionStatus::kTrue, reason::kPolicyInvalid,
                   loaded.error->message(), observed, now);
  } else {
    conditions.set(api::condition::kReady, api::ConditionStatus::kTrue, reason::kPolicyValid,
                   "policy is valid (" + std::string(policy::to_string(loaded.mode)) + ")",
                   observed, now);
    conditions.remove(api::condition::kStalled);
  }
  status["conditions"] = conditions.to_json();
  status["observedGeneration"] = observed;
  write_status(context_.client, signing_policies(), *cached, status);
  if (loaded.error) {
    context_.events.record({kube::ObjectReference::to(*cached), kube::EventType::kWarning,
                            std::string(reason::kPolicyInvalid), "Validate",
                            loaded.error->message()});
  }
}

}  // namespace sluice::controller
