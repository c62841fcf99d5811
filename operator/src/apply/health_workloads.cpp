// kstatus's rules for the workload controllers. None of them sets conditions that say "done",
// so each compares the replica counts in status with what spec asks for, in kstatus's order:
// the first shortfall found is the message. Counts are read leniently (GetIntField), with the
// defaults the controllers themselves use (spec.replicas: 1).

#include <string>

#include "apply/health_rules.h"

namespace sluice::apply::detail {
namespace {

std::string count(std::int64_t value) {
  return std::to_string(value);
}

std::string ratio(std::int64_t have, std::int64_t want) {
  return count(have) + "/" + count(want);
}

// Replicas beyond spec.replicas are old pods not yet gone.
Health pending_termination(std::int64_t status_replicas, std::int64_t spec_replicas) {
  return in_progress("ExtraPods",
                     "Pending termination: " + count(go_subtract(status_replicas, spec_replicas)));
}

// The deployment controller never sets a Progressing condition when progressDeadlineSeconds
// is unset, which the API server stores as MaxInt32 (kubernetes' deployment_util.go).
constexpr std::int64_t kNoProgressDeadline = 2147483647;

}  // namespace

Health deployment_health(const Json& object, UnixTime /*now*/) {
  bool progressing = int_field(object, {"spec", "progressDeadlineSeconds"}, kNoProgressDeadline) ==
                     kNoProgressDeadline;
  bool available = false;
  for (const Condition& condition : read_conditions(object)) {
    if (condition.type == "Progressing") {
      // Whatever the condition's status: the controller gave up on this rollout.
      if (condition.reason == "ProgressDeadlineExceeded") {
        return {HealthStatus::kFailed, "Progress deadline exceeded",
                HealthCondition{"Stalled", condition.reason, condition.message}};
      }
      if (condition.status == "True" && condition.reason == "NewReplicaSetAvailable") {
        progressing = true;
      }
    } else if (condition.type == "Available" && condition.status == "True") {
      available = true;
    }
  }

  const std::int64_t spec_replicas = int_field(object, {"spec", "replicas"}, 1);
  const std::int64_t status_replicas = int_field(object, {"status", "replicas"}, 0);
  const std::int64_t updated = int_field(object, {"status", "updatedReplicas"}, 0);
  const std::int64_t ready = int_field(object, {"status", "readyReplicas"}, 0);
  const std::int64_t available_replicas = int_field(object, {"status", "availableReplicas"}, 0);

  if (spec_replicas > status_replicas) {
    return in_progress("LessReplicas", "Replicas: " + ratio(status_replicas, spec_replicas));
  }
  if (spec_replicas > updated) {
    return in_progress("LessUpdated", "Updated: " + ratio(updated, spec_replicas));
  }
  if (status_replicas > spec_replicas) return pending_termination(status_replicas, spec_replicas);
  if (updated > available_replicas) {
    return in_progress("LessAvailable", "Available: " + ratio(available_replicas, updated));
  }
  if (spec_replicas > ready) {
    return in_progress("LessReady", "Ready: " + ratio(ready, spec_replicas));
  }
  if (!progressing) return in_progress("ReplicaSetNotAvailable", "ReplicaSet not Available");
  if (!available) return in_progress("DeploymentNotAvailable", "Deployment not Available");
  return current("Deployment is available. Replicas: " + count(status_replicas));
}

Health replica_set_health(const Json& object, UnixTime /*now*/) {
  if (find_condition(read_conditions(object), "ReplicaFailure", "True") != nullptr) {
    return in_progress("ReplicaFailure", "Replica Failure condition. Check Pods");
  }
  const std::int64_t spec_replicas = int_field(object, {"spec", "replicas"}, 1);
  const std::int64_t status_replicas = int_field(object, {"status", "replicas"}, 0);
  const std::int64_t ready = int_field(object, {"status", "readyReplicas"}, 0);
  const std::int64_t available = int_field(object, {"status", "availableReplicas"}, 0);
  const std::int64_t labelled = int_field(object, {"status", "fullyLabeledReplicas"}, 0);

  if (spec_replicas > labelled) {
    return in_progress("LessLabelled", "Labelled: " + ratio(labelled, spec_replicas));
  }
  if (spec_replicas > available) {
    return in_progress("LessAvailable", "Available: " + ratio(available, spec_replicas));
  }
  if (spec_replicas > ready) {
    return in_progress("LessReady", "Ready: " + ratio(ready, spec_replicas));
  }
  if (status_replicas > spec_replicas) return pending_termination(status_replicas, spec_replicas);
  return current("ReplicaSet is available. Replicas: " + count(status_replicas));
}

// StatefulSet defines status.conditions, but its controller sets none, so a failed rollout
// cannot be told from a slow one.
Health stateful_set_health(const Json& object, UnixTime /*now*/) {
  // With OnDelete the user replaces pods by hand; the controller has nothing to converge.
  if (string_field(object, {"spec", "updateStrategy", "type"}, "") == "OnDelete") {
    return current("StatefulSet is using the ondelete update strategy");
  }
  const std::int64_t spec_replicas = int_field(object, {"spec", "replicas"}, 1);
  const std::int64_t ready = int_field(object, {"status", "readyReplicas"}, 0);
  const std::int64_t current_replicas = int_field(object, {"status", "currentReplicas"}, 0);
  const std::int64_t updated = int_field(object, {"status", "updatedReplicas"}, 0);
  const std::int64_t status_replicas = int_field(object, {"status", "replicas"}, 0);
  const std::int64_t partition =
      int_field(object, {"spec", "updateStrategy", "rollingUpdate", "partition"}, -1);

  if (spec_replicas > status_replicas) {
    return in_progress("LessReplicas", "Replicas: " + ratio(status_replicas, spec_replicas));
  }
  if (spec_replicas > ready) {
    return in_progress("LessReady", "Ready: " + ratio(ready, spec_replicas));
  }
  if (status_replicas > spec_replicas) return pending_termination(status_replicas, spec_replicas);

  // A partitioned rollout updates only the pods at or above the partition ordinal; kstatus
  // treats -1 (its default) as "no partition", even when written out.
  if (partition != -1) {
    const std::int64_t to_update = go_subtract(spec_replicas, partition);
    if (updated < to_update) {
      return in_progress("PartitionRollout", "updated: " + ratio(updated, to_update));
    }
    return current("Partition rollout complete. updated: " + count(updated));
  }
  if (spec_replicas > current_replicas) {
    return in_progress("LessCurrent", "current: " + ratio(current_replicas, spec_replicas));
  }
  if (string_field(object, {"status", "currentRevision"}, "") !=
      string_field(object, {"status", "updateRevision"}, "")) {
    return in_progress("RevisionMismatch", "Waiting for updated revision to match current");
  }
  return current("All replicas scheduled as expected. Replicas: " + count(status_replicas));
}

Health daemon_set_health(const Json& object, UnixTime /*now*/) {
  // The generic check skips objects without both generations; a DaemonSet the controller has
  // seen always has both, so missing ones mean it has not been seen yet.
  if (!nested_int64(object, {"metadata", "generation"})) {
    return in_progress("NoGeneration", kind_of(object) + " metadata.generation not found");
  }
  if (!nested_int64(object, {"status", "observedGeneration"})) {
    return in_progress("NoObservedGeneration",
                       kind_of(object) + " status.observedGeneration not found");
  }
  const std::int64_t desired = int_field(object, {"status", "desiredNumberScheduled"}, -1);
  const std::int64_t scheduled = int_field(object, {"status", "currentNumberScheduled"}, 0);
  const std::int64_t updated = int_field(object, {"status", "updatedNumberScheduled"}, 0);
  const std::int64_t available = int_field(object, {"status", "numberAvailable"}, 0);
  const std::int64_t ready = int_field(object, {"status", "numberReady"}, 0);

  if (desired == -1) {
    return in_progress("NoDesiredNumber", "Missing .status.desiredNumberScheduled");
  }
  if (desired > scheduled)
    return in_progress("LessCurrent", "Current: " + ratio(scheduled, desired));
  if (desired > updated) return in_progress("LessUpdated", "Updated: " + ratio(updated, desired));
  if (desired > available) {
    return in_progress("LessAvailable", "Available: " + ratio(available, desired));
  }
  if (desired > ready) return in_progress("LessReady", "Ready: " + ratio(ready, desired));
  return current("All replicas scheduled as expected. Replicas: " + count(desired));
}

// A Job is InProgress until it starts, then Current while it runs and once it completed;
// Failed only when its Failed condition says so.
Health job_health(const Json& object, UnixTime /*now*/) {
  const std::int64_t parallelism = int_field(object, {"spec", "parallelism"}, 1);
  const std::int64_t completions = int_field(object, {"spec", "completions"}, parallelism);
  const std::int64_t succeeded = int_field(object, {"status", "succeeded"}, 0);
  const std::int64_t active = int_field(object, {"status", "active"}, 0);
  const std::int64_t failures = int_field(object, {"status", "failed"}, 0);
  const bool suspended = bool_field(object, {"spec", "suspend"}, false);

  for (const Condition& condition : read_conditions(object)) {
    if (condition.status != "True") continue;
    if (condition.type == "Complete") {
      return current("Job Completed. succeeded: " + ratio(succeeded, completions));
    }
    if (condition.type == "Failed") {
      return failed("JobFailed", "Job Failed. failed: " + ratio(failures, completions));
    }
    // Suspended and meant to be: settled. A Job on its way into or out of suspension is not.
    if (condition.type == "Suspended" && suspended) return current("Job is suspended");
  }
  if (string_field(object, {"status", "startTime"}, "").empty()) {
    return in_progress("JobNotStarted", "Job not started");
  }
  return current("Job in progress. success:" + count(succeeded) + ", active: " + count(active) +
                 ", failed: " + count(failures));
}

}  // namespace sluice::apply::detail
