#pragma once
// Where the rendered manifests keep pod specs and containers, for the image and pod rules.
//   Pod                                                   spec
//   PodTemplate                                           template.spec
//   Deployment, StatefulSet, DaemonSet, ReplicaSet,
//   ReplicationController, Job                            spec.template.spec
//   CronJob                                               spec.jobTemplate.spec.template.spec
// Kinds are recognised by name whatever their API group, so a look-alike custom resource is
// checked too (over-inclusive on purpose: the gate fails closed). Pod specs inside other custom
// resources (Argo Rollouts, Knative Services, ...) are not found.
// Containers are those in containers, initContainers and ephemeralContainers.

#include <string>
#include <vector>

#include "core/object.h"

namespace sluice::policy {

struct PodSpec {
  const Json* spec = nullptr;  // points into the object
  std::string path;            // "spec.template.spec"
};

struct Container {
  const Json* container = nullptr;  // points into the object
  std::string path;                 // "spec.template.spec.initContainers[0]"
  std::string name;                 // the container's name, when it has one
};

// The pod spec `object` holds, if its kind has one and the spec is a JSON object there.
std::vector<PodSpec> pod_specs(const Object& object);

// Every container of a pod spec that is a JSON object, in document order: containers, then
// initContainers, then ephemeralContainers.
std::vector<Container> containers(const PodSpec& pod);

}  // namespace sluice::policy
