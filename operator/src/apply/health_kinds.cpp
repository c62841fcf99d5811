// kstatus's rules for the built-in kinds that are not replica controllers.

#include <string>
#include <vector>

#include "apply/health_rules.h"
#include "core/error.h"

namespace sluice::apply::detail {
namespace {

// How long kstatus lets a Pod wait for a node before calling it unschedulable.
constexpr std::int64_t kScheduleWindowSeconds = 15;

// A member of a containerStatuses entry. kstatus skips an entry lacking one of the members on
// the way to state.waiting.reason, but type-asserts those present and panics on a wrong type;
// here that is an error naming the field.
const Json* member(const Json& parent, std::string_view key, const std::string& path,
                   bool want_string) {
  const Json* value = find_member(parent, key);
  if (value == nullptr) return nullptr;
  if (want_string ? !value->is_string() : !value->is_object()) {
    throw invalid_argument(path + "." + std::string(key) + ": must be " +
                           (want_string ? "a string" : "an object") + ", not " + describe(*value));
  }
  return value;
}

// Names of the containers waiting in CrashLoopBackOff, in status order.
std::vector<std::string> crash_looping_containers(const Json& object) {
  std::vector<std::string> names;
  const Json* status = find_member(object, "status");
  if (status == nullptr) return names;  // not an object: read_conditions refused it before
  const Json* list = find_member(*status, "containerStatuses");
  if (list == nullptr) return names;
  if (!list->is_array()) {
    throw invalid_argument("status.containerStatuses: must be a list, not " + describe(*list));
  }
  for (std::size_t i = 0; i < list->size(); ++i) {
    const Json& entry = (*list)[i];
    const std::string path = "status.containerStatuses[" + std::to_string(i) + "]";
    if (!entry.is_object()) {
      throw invalid_argument(path + ": must be an object, not " + describe(entry));
    }
    const Json* name = member(entry, "name", path, true);
    if (name == nullptr) continue;
    const Json* state = member(entry, "state", path, false);
    if (state == nullptr) continue;
    const Json* waiting = member(*state, "waiting", path + ".state", false);
    if (waiting == nullptr) continue;
    const Json* reason = member(*waiting, "reason", path + ".state.waiting", true);
    if (reason != nullptr && *reason == "CrashLoopBackOff") {
      names.push_back(name->get<std::string>());
    }
  }
  return names;
}

std::string join(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) {
    text += text.empty() ? "" : ",";
    text += name;
  }
  return text;
}

}  // namespace

Health pod_health(const Json& object, UnixTime now) {
  const std::vector<Condition> conditions = read_conditions(object);
  const std::string phase = string_field(object, {"status", "phase"}, "");
  // A Pod that ran to its end, well or not, is settled; whoever owns it judges the outcome.
  if (phase == "Succeeded") return current("Pod has completed successfully");
  if (phase == "Failed") return current("Pod has completed, but not successfully");
  if (phase == "Running") {
    if (find_condition(conditions, "Ready", "True") != nullptr) return current("Pod is Ready");
    const std::vector<std::string> crash_looping = crash_looping_containers(object);
    if (!crash_looping.empty()) {
      return failed("ContainerCrashLooping",
                    "Containers in CrashLoop state: " + join(crash_looping));
    }
    return in_progress("PodRunningNotReady", "Pod is running but is not Ready");
  }
  if (phase == "Pending") {
    const Condition* scheduled = find_condition(conditions, "PodScheduled", "False");
    if (scheduled != nullptr && scheduled->reason == "Unschedulable") {
      // A missing or unreadable creationTimestamp is Go's zero time, long past.
      const std::optional<UnixTime> created =
          parse_rfc3339(string_field(object, {"metadata", "creationTimestamp"}, ""));
      const UnixTime window_start{now.seconds - kScheduleWindowSeconds, now.nanos};
      if (created && window_start < *created) {
        return in_progress("PodNotScheduled", "Pod has not been scheduled");
      }
      return failed("PodUnschedulable", "Pod could not be scheduled");
    }
    return in_progress("PodPending", "Pod is in the Pending phase");
  }
  // The kubelet has not reported on the Pod yet.
  if (phase.empty()) return in_progress("PodNotObserved", "Pod phase not available");
  throw invalid_argument("status.phase: unknown Pod phase \"" + phase + "\"");
}

Health persistent_volume_claim_health(const Json& object, UnixTime /*now*/) {
  const std::string phase = string_field(object, {"status", "phase"}, "unknown");
  if (phase != "Bound") return in_progress("NotBound", "PVC is not Bound. phase: " + phase);
  return current("PVC is Bound");
}

// Only a LoadBalancer without a cluster IP is waited for; kstatus does not look at
// status.loadBalancer.ingress, so an external address may still be pending when this is
// Current.
Health service_health(const Json& object, UnixTime /*now*/) {
  if (string_field(object, {"spec", "type"}, "ClusterIP") == "LoadBalancer" &&
      string_field(object, {"spec", "clusterIP"}, "").empty()) {
    return in_progress("NoIPAssigned", "ClusterIP not set. Service type: LoadBalancer");
  }
  return current("Service is ready");
}

// The disruption controller sets no conditions; reaching this rule means the generic check
// found status.observedGeneration current (or absent), which is all kstatus asks.
Health pod_disruption_budget_health(const Json& /*object*/, UnixTime /*now*/) {
  return current("AllowedDisruptions has been computed.");
}

// The API server accepts a CRD's names and then establishes it (serves its resources);
// "Installing" is the one reason for Established=False that is on its way.
Health custom_resource_definition_health(const Json& object, UnixTime /*now*/) {
  for (const Condition& condition : read_conditions(object)) {
    if (condition.type == "NamesAccepted" && condition.status == "False") {
      return failed(condition.reason, condition.message);
    }
    if (condition.type == "Established") {
      if (condition.status == "False" && condition.reason != "Installing") {
        return failed(condition.reason, condition.message);
      }
      if (condition.status == "True") return current("CRD is established");
    }
  }
  return in_progress("Installing", "Install in progress");
}

Health always_ready(const Json& /*object*/, UnixTime /*now*/) {
  return current("Resource is always ready");
}

}  // namespace sluice::apply::detail
