#pragma once

// Whether an applied object has become healthy: a port of kstatus's status.Compute
// (sigs.k8s.io/cli-utils/pkg/kstatus/status at commit 5895ad6, Oct 2025; v0.37.2 plus the
// suspended-Job rule), the library Flux waits on after applying. Same rules in the same order,
// same statuses, messages and condition reasons: tests/unit/apply/testdata/kstatus holds
// kstatus's own test tables and is checked against the real library.
//
// The rules, in kstatus's order; the first that decides wins:
//  1. metadata.deletionTimestamp is set: Terminating.
//  2. metadata.generation and status.observedGeneration are both set and differ: InProgress
//     (the controller has not seen the latest spec yet).
//  3. status.conditions has Reconciling=True (InProgress) or Stalled=True (Failed), whichever
//     comes first in the list: kstatus's own convention, which any controller may adopt.
//  4. Built-in kinds, by group and kind (any version): Deployment, ReplicaSet, DaemonSet
//     (apps or extensions), StatefulSet (apps), Pod, PersistentVolumeClaim, Service, Job
//     (batch), PodDisruptionBudget (policy), CustomResourceDefinition (apiextensions.k8s.io);
//     ConfigMap, Secret and CronJob are always Current. Their rules are in
//     health_workloads.cpp and health_kinds.cpp.
//  5. A Ready condition: True is Current; False and Unknown are InProgress, never Failed
//     (kstatus cannot tell a slow object from a doomed one by Ready alone).
//  6. Anything else is Current: an object without status, or with no condition kstatus knows,
//     is taken as reconciled.
//
// Note, as in kstatus: a LoadBalancer Service is InProgress only until spec.clusterIP is set;
// its status.loadBalancer.ingress is not looked at.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/json.h"

namespace sluice::apply {

// kstatus's statuses. compute_health returns every one but kNotFound, which is for callers
// describing an object missing from the cluster; kUnknown comes only from malformed objects.
enum class HealthStatus { kInProgress, kFailed, kCurrent, kTerminating, kNotFound, kUnknown };

// kstatus's spelling: "InProgress", "Failed", "Current", "Terminating", "NotFound", "Unknown".
std::string_view to_string(HealthStatus status) noexcept;

// The abnormal-true condition kstatus derives with each InProgress or Failed result (its
// status is always "True"), e.g. {"Reconciling", "LessReplicas", "Replicas: 1/3"}. Useful as
// the reason of a Healthy=False condition.
struct HealthCondition {
  std::string type;  // "Reconciling" with kInProgress, "Stalled" with kFailed
  std::string reason;
  std::string message;  // usually the Health's message; a Deployment past its progress
                        // deadline keeps the Progressing condition's own message here

  bool operator==(const HealthCondition&) const = default;
};

struct Health {
  HealthStatus status = HealthStatus::kUnknown;
  // kstatus's message, e.g. "Deployment is available. Replicas: 3"; for kUnknown, what is
  // malformed, naming the field ("status.conditions[0].status: must be a string, not an
  // integer").
  std::string message;
  // Set exactly when status is kInProgress or kFailed.
  std::optional<HealthCondition> condition;

  bool operator==(const Health&) const = default;
};

// kstatus's status.Compute on an object as read from the API server. `now` matters only to
// Pods: an unschedulable Pod younger than 15 seconds (metadata.creationTimestamp) is still
// InProgress, older it is Failed.
//
// Never throws on any JSON (only std::bad_alloc): where kstatus returns an error (a field it
// reads strictly has the wrong JSON type: metadata.generation as a string, status.conditions
// not a list of objects, an unknown Pod phase) or would panic (a malformed
// status.containerStatuses entry), the result is kUnknown with a message naming the field.
// Fields kstatus reads leniently (replica counts, spec.type, ...) count as absent when their
// type is wrong, as there; an integer is a JSON integer within int64 (2.0 is not one).
Health compute_health(const Json& object, std::chrono::system_clock::time_point now);

// The same at the system clock's current time.
Health compute_health(const Json& object);

}  // namespace sluice::apply
