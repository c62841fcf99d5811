#pragma once
// spec.rules of one SigningPolicy over the rendered manifests. Each finding becomes a Violation
// carrying the policy's name and mode:
//   allowedRegistries  every image's name matches one of the globs (absent: no limit; []: no
//                      image allowed)                                       RegistryNotAllowed
//                      an image that is no valid reference cannot be shown to be allowed
//                      (also checked when spec.images is set)               ImageInvalid
//   deniedKinds        no object of these kinds ("Kind" any group, "Kind.group" one group)
//                                                                           KindDenied
//   requiredLabels     every object carries these label keys (any value)    LabelMissing
//   denyPrivileged     no container (init, ephemeral too) with securityContext.privileged
//                                                                           PrivilegedContainer
//   denyHostPath       no pod volume of type hostPath                       HostPathVolume
//   denyHostNetwork    no pod with hostNetwork: true                        HostNetwork
//   allowedNamespaces  every namespaced object lands in one of these namespaces (its own
//                      metadata.namespace, else the Application's target namespace), and every
//                      Namespace object created is one of them              NamespaceNotAllowed

#include <functional>
#include <string>
#include <vector>

#include "core/object.h"
#include "policy/images.h"
#include "policy/signing_policy.h"
#include "policy/verdict.h"

namespace sluice::policy {

struct ManifestContext {
  const std::vector<Object>* manifests = nullptr;
  const std::vector<ImageUse>* images = nullptr;
  // Where objects without metadata.namespace land (the Application's targetNamespace, else its
  // own namespace); empty means "default", as kubectl would apply them.
  std::string default_namespace;
  // Whether a kind is cluster-scoped (discovery knows; see is_builtin_cluster_scoped).
  std::function<bool(const GroupKind&)> is_cluster_scoped;
};

// The cluster-scoped kinds of Kubernetes' built-in API groups and of apiextensions and
// apiregistration; custom cluster-scoped kinds need discovery.
bool is_builtin_cluster_scoped(const GroupKind& group_kind);

void check_rules(const SigningPolicy& policy, const ManifestContext& context, Verdict& verdict);

}  // namespace sluice::policy
