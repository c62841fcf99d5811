// The default nameReference config of kustomize v5.5.0, transcribed entry for entry from the
// nameReferenceFieldSpecs YAML in api/internal/konfig/builtinpluginconsts/namereference.go
// (the string compiled into `kubectl kustomize` v5.5.0, which also has the
// ValidatingAdmissionPolicy entry). Kept verbatim, oddities included: IngressClass has group
// "networking.k8s.io/v1", which matches no real IngressClass, so kustomize never rewrites
// spec.ingressClassName; Ingress spec/tls/secretName is listed twice.
#include <algorithm>

#include "render/ordering.h"
#include "render/transformers/name_reference.h"

namespace sluice::render::transformers {
namespace {

std::vector<NameBackReference> name_references_as_written() {
  return {
      {"",
       "",
       "Deployment",
       {
           {"", "", "HorizontalPodAutoscaler", "spec/scaleTargetRef/name", false},
       }},
      {"",
       "",
       "ReplicationController",
       {
           {"", "", "HorizontalPodAutoscaler", "spec/scaleTargetRef/name", false},
       }},
      {"",
       "",
       "ReplicaSet",
       {
           {"", "", "HorizontalPodAutoscaler", "spec/scaleTargetRef/name", false},
       }},
      {"",
       "",
       "StatefulSet",
       {
           {"", "", "HorizontalPodAutoscaler", "spec/scaleTargetRef/name", false},
       }},
      {"",
       "v1",
       "ConfigMap",
       {
           {"", "v1", "Pod", "spec/volumes/configMap/name", false},
           {"", "v1", "Pod", "spec/containers/env/valueFrom/configMapKeyRef/name", false},
           {"", "v1", "Pod", "spec/initContainers/env/valueFrom/configMapKeyRef/name", false},
           {"", "v1", "Pod", "spec/containers/envFrom/configMapRef/name", false},
           {"", "v1", "Pod", "spec/initContainers/envFrom/configMapRef/name", false},
           {"", "v1", "Pod", "spec/volumes/projected/sources/configMap/name", false},
           {"", "", "PodTemplate", "template/spec/volumes/configMap/name", false},
           {"", "", "PodTemplate", "template/spec/containers/env/valueFrom/configMapKeyRef/name",
            false},
           {"", "", "PodTemplate",
            "template/spec/initContainers/env/valueFrom/configMapKeyRef/name", false},
           {"", "", "PodTemplate", "template/spec/containers/envFrom/configMapRef/name", false},
           {"", "", "PodTemplate", "template/spec/initContainers/envFrom/configMapRef/name", false},
           {"", "", "PodTemplate", "template/spec/volumes/projected/sources/configMap/name", false},
           {"", "", "Deployment", "spec/template/spec/volumes/configMap/name", false},
           {"", "", "Deployment",
            "spec/template/spec/containers/env/valueFrom/configMapKeyRef/name", false},
           {"", "", "Deployment",
            "spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name", false},
           {"", "", "Deployment", "spec/template/spec/containers/envFrom/configMapRef/name", false},
           {"", "", "Deployment", "spec/template/spec/initContainers/envFrom/configMapRef/name",
            false},
           {"", "", "Deployment", "spec/template/spec/volumes/projected/sources/configMap/name",
            false},
           {"", "", "ReplicaSet", "spec/template/spec/volumes/configMap/name", false},
           {"", "", "ReplicaSet",
            "spec/template/spec/containers/env/valueFrom/configMapKeyRef/name", false},
           {"", "", "ReplicaSet",
            "spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name", false},
           {"", "", "ReplicaSet", "spec/template/spec/containers/envFrom/configMapRef/name", false},
           {"", "", "ReplicaSet", "spec/template/spec/initContainers/envFrom/configMapRef/name",
            false},
           {"", "", "ReplicaSet", "spec/template/spec/volumes/projected/sources/configMap/name",
            false},
           {"", "", "DaemonSet", "spec/template/spec/volumes/configMap/name", false},
           {"", "", "DaemonSet", "spec/template/spec/containers/env/valueFrom/configMapKeyRef/name",
            false},
           {"", "", "DaemonSet",
            "spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name", false},
           {"", "", "DaemonSet", "spec/template/spec/containers/envFrom/configMapRef/name", false},
           {"", "", "DaemonSet", "spec/template/spec/initContainers/envFrom/configMapRef/name",
            false},
           {"", "", "DaemonSet", "spec/template/spec/volumes/projected/sources/configMap/name",
            false},
           {"", "", "StatefulSet", "spec/template/spec/volumes/configMap/name", false},
           {"", "", "StatefulSet",
            "spec/template/spec/containers/env/valueFrom/configMapKeyRef/name", false},
           {"", "", "StatefulSet",
            "spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name", false},
           {"", "", "StatefulSet", "spec/template/spec/containers/envFrom/configMapRef/name",
            false},
           {"", "", "StatefulSet", "spec/template/spec/initContainers/envFrom/configMapRef/name",
            false},
           {"", "", "StatefulSet", "spec/template/spec/volumes/projected/sources/configMap/name",
            false},
           {"", "", "Job", "spec/template/spec/volumes/configMap/name", false},
           {"", "", "Job", "spec/template/spec/containers/env/valueFrom/configMapKeyRef/name",
            false},
           {"", "", "Job", "spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name",
            false},
           {"", "", "Job", "spec/template/spec/containers/envFrom/configMapRef/name", false},
           {"", "", "Job", "spec/template/spec/initContainers/envFrom/configMapRef/name", false},
           {"", "", "Job", "spec/template/spec/volumes/projected/sources/configMap/name", false},
           {"", "", "CronJob", "spec/jobTemplate/spec/template/spec/volumes/configMap/name", false},
           {"", "", "CronJob",
            "spec/jobTemplate/spec/template/spec/volumes/projected/sources/configMap/name", false},
           {"", "", "CronJob",
            "spec/jobTemplate/spec/template/spec/containers/env/valueFrom/configMapKeyRef/name",
            false},
           {"", "", "CronJob",
            "spec/jobTemplate/spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name",
            false},
           {"", "", "CronJob",
            "spec/jobTemplate/spec/template/spec/containers/envFrom/configMapRef/name", false},
           {"", "", "CronJob",
            "spec/jobTemplate/spec/template/spec/initContainers/envFrom/configMapRef/name", false},
           {"", "", "Node", "spec/configSource/configMap", false},
           {"", "", "Role", "rules/resourceNames", false},
           {"", "", "ClusterRole", "rules/resourceNames", false},
           {"", "", "Ingress",
            "metadata/annotations/nginx.ingress.kubernetes.io\\/fastcgi-params-configmap", false},
       }},
      {"",
       "v1",
       "Secret",
       {
           {"", "v1", "Pod", "spec/volumes/secret/secretName", false},
           {"", "v1", "Pod", "spec/containers/env/valueFrom/secretKeyRef/name", false},
           {"", "v1", "Pod", "spec/initContainers/env/valueFrom/secretKeyRef/name", false},
           {"", "v1", "Pod", "spec/containers/envFrom/secretRef/name", false},
           {"", "v1", "Pod", "spec/initContainers/envFrom/secretRef/name", false},
           {"", "v1", "Pod", "spec/imagePullSecrets/name", false},
           {"", "v1", "Pod", "spec/volumes/projected/sources/secret/name", false},
           {"", "", "PodTemplate", "template/spec/volumes/secret/secretName", false},
           {"", "", "PodTemplate", "template/spec/containers/env/valueFrom/secretKeyRef/name",
            false},
           {"", "", "PodTemplate", "template/spec/initContainers/env/valueFrom/secretKeyRef/name",
            false},
           {"", "", "PodTemplate", "template/spec/containers/envFrom/secretRef/name", false},
           {"", "", "PodTemplate", "template/spec/initContainers/envFrom/secretRef/name", false},
           {"", "", "PodTemplate", "template/spec/imagePullSecrets/name", false},
           {"", "", "PodTemplate", "template/spec/volumes/projected/sources/secret/name", false},
           {"", "", "Deployment", "spec/template/spec/volumes/secret/secretName", false},
           {"", "", "Deployment", "spec/template/spec/containers/env/valueFrom/secretKeyRef/name",
            false},
           {"", "", "Deployment",
            "spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name", false},
           {"", "", "Deployment", "spec/template/spec/containers/envFrom/secretRef/name", false},
           {"", "", "Deployment", "spec/template/spec/initContainers/envFrom/secretRef/name",
            false},
           {"", "", "Deployment", "spec/template/spec/imagePullSecrets/name", false},
           {"", "", "Deployment", "spec/template/spec/volumes/projected/sources/secret/name",
            false},
           {"", "", "ReplicaSet", "spec/template/spec/volumes/secret/secretName", false},
           {"", "", "ReplicaSet", "spec/template/spec/containers/env/valueFrom/secretKeyRef/name",
            false},
           {"", "", "ReplicaSet",
            "spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name", false},
           {"", "", "ReplicaSet", "spec/template/spec/containers/envFrom/secretRef/name", false},
           {"", "", "ReplicaSet", "spec/template/spec/initContainers/envFrom/secretRef/name",
            false},
           {"", "", "ReplicaSet", "spec/template/spec/imagePullSecrets/name", false},
           {"", "", "ReplicaSet", "spec/template/spec/volumes/projected/sources/secret/name",
            false},
           {"", "", "DaemonSet", "spec/template/spec/volumes/secret/secretName", false},
           {"", "", "DaemonSet", "spec/template/spec/containers/env/valueFrom/secretKeyRef/name",
            false},
           {"", "", "DaemonSet",
            "spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name", false},
           {"", "", "DaemonSet", "spec/template/spec/containers/envFrom/secretRef/name", false},
           {"", "", "DaemonSet", "spec/template/spec/initContainers/envFrom/secretRef/name", false},
           {"", "", "DaemonSet", "spec/template/spec/imagePullSecrets/name", false},
           {"", "", "DaemonSet", "spec/template/spec/volumes/projected/sources/secret/name", false},
           {"", "", "StatefulSet", "spec/template/spec/volumes/secret/secretName", false},
           {"", "", "StatefulSet", "spec/template/spec/containers/env/valueFrom/secretKeyRef/name",
            false},
           {"", "", "StatefulSet",
            "spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name", false},
           {"", "", "StatefulSet", "spec/template/spec/containers/envFrom/secretRef/name", false},
           {"", "", "StatefulSet", "spec/template/spec/initContainers/envFrom/secretRef/name",
            false},
           {"", "", "StatefulSet", "spec/template/spec/imagePullSecrets/name", false},
           {"", "", "StatefulSet", "spec/template/spec/volumes/projected/sources/secret/name",
            false},
           {"", "", "Job", "spec/template/spec/volumes/secret/secretName", false},
           {"", "", "Job", "spec/template/spec/containers/env/valueFrom/secretKeyRef/name", false},
           {"", "", "Job", "spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name",
            false},
           {"", "", "Job", "spec/template/spec/containers/envFrom/secretRef/name", false},
           {"", "", "Job", "spec/template/spec/initContainers/envFrom/secretRef/name", false},
           {"", "", "Job", "spec/template/spec/imagePullSecrets/name", false},
           {"", "", "Job", "spec/template/spec/volumes/projected/sources/secret/name", false},
           {"", "", "CronJob", "spec/jobTemplate/spec/template/spec/volumes/secret/secretName",
            false},
           {"", "", "CronJob",
            "spec/jobTemplate/spec/template/spec/volumes/projected/sources/secret/name", false},
           {"", "", "CronJob",
            "spec/jobTemplate/spec/template/spec/containers/env/valueFrom/secretKeyRef/name",
            false},
           {"", "", "CronJob",
            "spec/jobTemplate/spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name",
            false},
           {"", "", "CronJob",
            "spec/jobTemplate/spec/template/spec/containers/envFrom/secretRef/name", false},
           {"", "", "CronJob",
            "spec/jobTemplate/spec/template/spec/initContainers/envFrom/secretRef/name", false},
           {"", "", "CronJob", "spec/jobTemplate/spec/template/spec/imagePullSecrets/name", false},
           {"", "", "Ingress", "spec/tls/secretName", false},
           {"", "", "Ingress", "metadata/annotations/ingress.kubernetes.io\\/auth-secret", false},
           {"", "", "Ingress", "metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret",
            false},
           {"", "", "Ingress", "metadata/annotations/nginx.ingress.kubernetes.io\\/auth-tls-secret",
            false},
           {"", "", "Ingress", "spec/tls/secretName", false},
           {"", "", "ServiceAccount", "imagePullSecrets/name", false},
           {"", "", "StorageClass", "parameters/secretName", false},
           {"", "", "StorageClass", "parameters/adminSecretName", false},
           {"", "", "StorageClass", "parameters/userSecretName", false},
           {"", "", "StorageClass", "parameters/secretRef", false},
           {"", "", "Role", "rules/resourceNames", false},
           {"", "", "ClusterRole", "rules/resourceNames", false},
           {"serving.knative.dev", "v1", "Service",
            "spec/template/spec/containers/env/valueFrom/secretKeyRef/name", false},
           {"", "", "PersistentVolume", "spec/azureFile/secretName", false},
       }},
      {"",
       "v1",
       "Service",
       {
           {"apps", "", "StatefulSet", "spec/serviceName", false},
           {"", "", "Ingress", "spec/rules/http/paths/backend/serviceName", false},
           {"", "", "Ingress", "spec/backend/serviceName", false},
           {"", "", "Ingress", "spec/rules/http/paths/backend/service/name", false},
           {"", "", "Ingress", "spec/defaultBackend/service/name", false},
           {"apiregistration.k8s.io", "", "APIService", "spec/service/name", false},
           {"admissionregistration.k8s.io", "", "ValidatingWebhookConfiguration",
            "webhooks/clientConfig/service", false},
           {"admissionregistration.k8s.io", "", "MutatingWebhookConfiguration",
            "webhooks/clientConfig/service", false},
       }},
      {"rbac.authorization.k8s.io",
       "",
       "Role",
       {
           {"rbac.authorization.k8s.io", "", "RoleBinding", "roleRef/name", false},
       }},
      {"rbac.authorization.k8s.io",
       "",
       "ClusterRole",
       {
           {"rbac.authorization.k8s.io", "", "RoleBinding", "roleRef/name", false},
           {"rbac.authorization.k8s.io", "", "ClusterRoleBinding", "roleRef/name", false},
       }},
      {"",
       "v1",
       "ServiceAccount",
       {
           {"rbac.authorization.k8s.io", "", "RoleBinding", "subjects", false},
           {"rbac.authorization.k8s.io", "", "ClusterRoleBinding", "subjects", false},
           {"", "", "Pod", "spec/serviceAccountName", false},
           {"", "", "StatefulSet", "spec/template/spec/serviceAccountName", false},
           {"", "", "Deployment", "spec/template/spec/serviceAccountName", false},
           {"", "", "ReplicationController", "spec/template/spec/serviceAccountName", false},
           {"", "", "CronJob", "spec/jobTemplate/spec/template/spec/serviceAccountName", false},
           {"", "", "Job", "spec/template/spec/serviceAccountName", false},
           {"", "", "DaemonSet", "spec/template/spec/serviceAccountName", false},
       }},
      {"",
       "v1",
       "PersistentVolumeClaim",
       {
           {"", "", "Pod", "spec/volumes/persistentVolumeClaim/claimName", false},
           {"", "", "StatefulSet", "spec/template/spec/volumes/persistentVolumeClaim/claimName",
            false},
           {"", "", "Deployment", "spec/template/spec/volumes/persistentVolumeClaim/claimName",
            false},
           {"", "", "ReplicationController",
            "spec/template/spec/volumes/persistentVolumeClaim/claimName", false},
           {"", "", "CronJob",
            "spec/jobTemplate/spec/template/spec/volumes/persistentVolumeClaim/claimName", false},
           {"", "", "Job", "spec/template/spec/volumes/persistentVolumeClaim/claimName", false},
           {"", "", "DaemonSet", "spec/template/spec/volumes/persistentVolumeClaim/claimName",
            false},
       }},
      {"",
       "v1",
       "PersistentVolume",
       {
           {"", "", "PersistentVolumeClaim", "spec/volumeName", false},
           {"", "", "ClusterRole", "rules/resourceNames", false},
       }},
      {"storage.k8s.io",
       "v1",
       "StorageClass",
       {
           {"", "", "PersistentVolume", "spec/storageClassName", false},
           {"", "", "PersistentVolumeClaim", "spec/storageClassName", false},
           {"", "", "StatefulSet", "spec/volumeClaimTemplates/spec/storageClassName", false},
       }},
      {"scheduling.k8s.io",
       "v1",
       "PriorityClass",
       {
           {"", "", "Pod", "spec/priorityClassName", false},
           {"", "", "StatefulSet", "spec/template/spec/priorityClassName", false},
           {"", "", "Deployment", "spec/template/spec/priorityClassName", false},
           {"", "", "ReplicationController", "spec/template/spec/priorityClassName", false},
           {"", "", "CronJob", "spec/jobTemplate/spec/template/spec/priorityClassName", false},
           {"", "", "Job", "spec/template/spec/priorityClassName", false},
           {"", "", "DaemonSet", "spec/template/spec/priorityClassName", false},
       }},
      {"networking.k8s.io/v1",
       "v1",
       "IngressClass",
       {
           {"", "", "Ingress", "spec/ingressClassName", false},
       }},
      {"admissionregistration.k8s.io",
       "",
       "ValidatingAdmissionPolicy",
       {
           {"admissionregistration.k8s.io", "", "ValidatingAdmissionPolicyBinding",
            "spec/policyName", false},
       }},
  };
}

// kustomize sorts the config's entries with Gvk.IsLessThan: kinds in the legacy orderFirst
// list first (in list order), orderLast ones last, the rest in between, ties by the
// "group_version_kind" string with ~G/~V/~K for empty parts.
int kind_rank(const std::string& kind) {
  const std::vector<std::string>& first = default_order_first();
  const std::vector<std::string>& last = default_order_last();
  if (auto it = std::find(first.begin(), first.end(), kind); it != first.end()) {
    return static_cast<int>(it - first.begin()) - static_cast<int>(first.size());
  }
  if (auto it = std::find(last.begin(), last.end(), kind); it != last.end()) {
    return 1 + static_cast<int>(it - last.begin());
  }
  return 0;
}

std::string gvk_string(const NameBackReference& entry) {
  return (entry.group.empty() ? std::string("~G") : entry.group) + "_" +
         (entry.version.empty() ? std::string("~V") : entry.version) + "_" +
         (entry.kind.empty() ? std::string("~K") : entry.kind);
}

}  // namespace

bool name_reference_less(const NameBackReference& a, const NameBackReference& b) {
  const int rank_a = kind_rank(a.kind);
  const int rank_b = kind_rank(b.kind);
  if (rank_a != rank_b) return rank_a < rank_b;
  return gvk_string(a) < gvk_string(b);
}

const std::vector<NameBackReference>& default_name_references() {
  static const std::vector<NameBackReference> sorted = [] {
    std::vector<NameBackReference> entries = name_references_as_written();
    std::stable_sort(entries.begin(), entries.end(), name_reference_less);
    return entries;
  }();
  return sorted;
}

}  // namespace sluice::render::transformers
