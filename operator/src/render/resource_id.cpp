#include "render/resource_id.h"

#include <array>
#include <utility>

#include "render/openapi_state.h"

namespace sluice::render {
namespace {

// The cluster-scoped entries of kyaml's precomputedIsNamespaceScoped (kustomize v5.5).
constexpr std::array<std::pair<std::string_view, std::string_view>, 36> kClusterScoped = {{
    {"admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration"},
    {"admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration"},
    {"admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration"},
    {"admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration"},
    {"apiextensions.k8s.io/v1", "CustomResourceDefinition"},
    {"apiextensions.k8s.io/v1beta1", "CustomResourceDefinition"},
    {"apiregistration.k8s.io/v1", "APIService"},
    {"apiregistration.k8s.io/v1beta1", "APIService"},
    {"certificates.k8s.io/v1", "CertificateSigningRequest"},
    {"certificates.k8s.io/v1beta1", "CertificateSigningRequest"},
    {"flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema"},
    {"flowcontrol.apiserver.k8s.io/v1beta1", "PriorityLevelConfiguration"},
    {"networking.k8s.io/v1", "IngressClass"},
    {"networking.k8s.io/v1beta1", "IngressClass"},
    {"node.k8s.io/v1", "RuntimeClass"},
    {"node.k8s.io/v1beta1", "RuntimeClass"},
    {"policy/v1beta1", "PodSecurityPolicy"},
    {"rbac.authorization.k8s.io/v1", "ClusterRole"},
    {"rbac.authorization.k8s.io/v1", "ClusterRoleBinding"},
    {"rbac.authorization.k8s.io/v1beta1", "ClusterRole"},
    {"rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding"},
    {"scheduling.k8s.io/v1", "PriorityClass"},
    {"scheduling.k8s.io/v1beta1", "PriorityClass"},
    {"storage.k8s.io/v1", "CSIDriver"},
    {"storage.k8s.io/v1", "CSINode"},
    {"storage.k8s.io/v1", "StorageClass"},
    {"storage.k8s.io/v1", "VolumeAttachment"},
    {"storage.k8s.io/v1beta1", "CSIDriver"},
    {"storage.k8s.io/v1beta1", "CSINode"},
    {"storage.k8s.io/v1beta1", "StorageClass"},
    {"storage.k8s.io/v1beta1", "VolumeAttachment"},
    {"v1", "ComponentStatus"},
    {"v1", "Namespace"},
    {"v1", "Node"},
    {"v1", "NodeProxyOptions"},
    {"v1", "PersistentVolume"},
}};

}  // namespace

bool is_cluster_scoped(std::string_view api_version, std::string_view kind) {
  for (const auto& [version, known_kind] : kClusterScoped) {
    if (version == api_version && known_kind == kind) return true;
  }
  return custom_cluster_scoped(api_version, kind);
}

ResourceId ResourceId::of(const Object& object) {
  return {object.gvk(), object.namespace_name(), object.name()};
}

std::string ResourceId::effective_namespace() const {
  if (is_cluster_scoped(gvk.api_version(), gvk.kind)) return "_non_namespaceable_";
  return namespace_.empty() ? std::string("default") : namespace_;
}

bool ResourceId::same_as(const ResourceId& other) const {
  return gvk == other.gvk && name == other.name &&
         effective_namespace() == other.effective_namespace();
}

std::string ResourceId::equality_key() const {
  // '\n' cannot occur in a group, version or kind, and is the last separator before the name.
  std::string key = gvk.group;
  for (const std::string* part : {&gvk.version, &gvk.kind}) (key += '\n') += *part;
  return ((key += '\n') += effective_namespace()) += '\n' + name;
}

std::string ResourceId::to_string() const {
  std::string out = gvk.kind.empty() ? std::string("[noKind]") : gvk.kind;
  out += "." + (gvk.version.empty() ? std::string("[noVer]") : gvk.version);
  out += "." + (gvk.group.empty() ? std::string("[noGrp]") : gvk.group);
  out += "/" + (name.empty() ? std::string("[noName]") : name);
  out += "." + (namespace_.empty() ? std::string("[noNs]") : namespace_);
  return out;
}

}  // namespace sluice::render
