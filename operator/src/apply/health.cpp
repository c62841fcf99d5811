#include "apply/health.h"

#include <algorithm>
#include <array>
#include <utility>

#include "apply/health_fields.h"
#include "apply/health_rules.h"
#include "core/error.h"

namespace sluice::apply {
namespace detail {

HealthRule rule_for(std::string_view group_kind_key) {
  // kstatus's legacyTypes table: group and kind, any version.
  static constexpr std::array<std::pair<std::string_view, HealthRule>, 16> kRules{{
      {"ConfigMap", always_ready},
      {"PersistentVolumeClaim", persistent_volume_claim_health},
      {"Pod", pod_health},
      {"Secret", always_ready},
      {"Service", service_health},
      {"apiextensions.k8s.io/CustomResourceDefinition", custom_resource_definition_health},
      {"apps/DaemonSet", daemon_set_health},
      {"apps/Deployment", deployment_health},
      {"apps/ReplicaSet", replica_set_health},
      {"apps/StatefulSet", stateful_set_health},
      {"batch/CronJob", always_ready},
      {"batch/Job", job_health},
      {"extensions/DaemonSet", daemon_set_health},
      {"extensions/Deployment", deployment_health},
      {"extensions/ReplicaSet", replica_set_health},
      {"policy/PodDisruptionBudget", pod_disruption_budget_health},
  }};
  const auto* it = std::find_if(kRules.begin(), kRules.end(),
                                [&](const auto& rule) { return rule.first == group_kind_key; });
  return it == kRules.end() ? nullptr : it->second;
}

namespace {

// kstatus's checkGenericProperties: what decides for any kind, before the built-in rules.
std::optional<Health> generic_health(const Json& object) {
  const std::optional<std::string> deletion =
      nested_string(object, {"metadata", "deletionTimestamp"});
  if (deletion && !deletion->empty()) {
    return Health{HealthStatus::kTerminating, "Resource scheduled for deletion", std::nullopt};
  }

  // Anything the controller reported is about an older spec. Without both fields there is
  // nothing to compare, so the check is skipped (DaemonSet's rule insists on them).
  if (const auto generation = nested_int64(object, {"metadata", "generation"})) {
    const auto observed = nested_int64(object, {"status", "observedGeneration"});
    if (observed && *observed != *generation) {
      return in_progress("LatestGenerationNotObserved",
                         kind_of(object) + " generation is " + std::to_string(*generation) +
                             ", but latest observed generation is " + std::to_string(*observed));
    }
  }

  // kstatus's own conditions, for controllers that follow its convention.
  for (const Condition& condition : read_conditions(object)) {
    if (condition.status != "True") continue;
    if (condition.type == "Reconciling") return in_progress(condition.reason, condition.message);
    if (condition.type == "Stalled") return failed(condition.reason, condition.message);
  }
  return std::nullopt;
}

// kstatus's checkReadyCondition: the widespread, if unofficial, Ready condition. The first
// Ready condition with a status of True, False or Unknown decides.
std::optional<Health> ready_condition_health(const Json& object) {
  for (const Condition& condition : read_conditions(object)) {
    if (condition.type != "Ready") continue;
    if (condition.status == "True") return detail::current("Resource is Ready");
    // Ready=False may be a slow start or a dead end; kstatus cannot tell, so it waits.
    if (condition.status == "False" || condition.status == "Unknown") {
      return in_progress(condition.reason, condition.message);
    }
  }
  return std::nullopt;
}

Health compute(const Json& object, UnixTime now) {
  if (!object.is_object()) {
    return {HealthStatus::kUnknown, "object: must be an object, not " + describe(object),
            std::nullopt};
  }
  if (auto health = generic_health(object)) return std::move(*health);
  if (const HealthRule rule = rule_for(group_kind_key(object))) return rule(object, now);
  if (auto health = ready_condition_health(object)) return std::move(*health);
  return detail::current("Resource is current");
}

}  // namespace
}  // namespace detail

std::string_view to_string(HealthStatus status) noexcept {
  switch (status) {
    case HealthStatus::kInProgress:
      return "InProgress";
    case HealthStatus::kFailed:
      return "Failed";
    case HealthStatus::kCurrent:
      return "Current";
    case HealthStatus::kTerminating:
      return "Terminating";
    case HealthStatus::kNotFound:
      return "NotFound";
    case HealthStatus::kUnknown:
      return "Unknown";
  }
  return "Unknown";
}

Health compute_health(const Json& object, std::chrono::system_clock::time_point now) {
  try {
    return detail::compute(object, unix_time(now));
  } catch (const Error& error) {
    // Where kstatus returns an error (or panics): the object is malformed, its health unknown.
    return {HealthStatus::kUnknown, error.message(), std::nullopt};
  }
}

Health compute_health(const Json& object) {
  return compute_health(object, std::chrono::system_clock::now());
}

}  // namespace sluice::apply
