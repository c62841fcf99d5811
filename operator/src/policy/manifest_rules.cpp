#include "policy/manifest_rules.h"

#include <algorithm>
#include <array>

#include "core/error.h"
#include "policy/json_fields.h"
#include "policy/pod_specs.h"

namespace sluice::policy {
namespace {

const std::array<GroupKind, 24> kClusterScoped{{
    {"", "Namespace"},
    {"", "Node"},
    {"", "PersistentVolume"},
    {"", "ComponentStatus"},
    {"rbac.authorization.k8s.io", "ClusterRole"},
    {"rbac.authorization.k8s.io", "ClusterRoleBinding"},
    {"apiextensions.k8s.io", "CustomResourceDefinition"},
    {"apiregistration.k8s.io", "APIService"},
    {"admissionregistration.k8s.io", "MutatingWebhookConfiguration"},
    {"admissionregistration.k8s.io", "ValidatingWebhookConfiguration"},
    {"admissionregistration.k8s.io", "ValidatingAdmissionPolicy"},
    {"admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"},
    {"storage.k8s.io", "StorageClass"},
    {"storage.k8s.io", "CSIDriver"},
    {"storage.k8s.io", "CSINode"},
    {"storage.k8s.io", "VolumeAttachment"},
    {"scheduling.k8s.io", "PriorityClass"},
    {"node.k8s.io", "RuntimeClass"},
    {"networking.k8s.io", "IngressClass"},
    {"certificates.k8s.io", "CertificateSigningRequest"},
    {"flowcontrol.apiserver.k8s.io", "FlowSchema"},
    {"flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"},
    {"sluice.dev", "SigningPolicy"},
    {"policy", "PodSecurityPolicy"},
}};

const Json kNoVolumes = Json::array();

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::string string_field(const Json& object, const char* key) {
  const Json* value = detail::member(object, key);
  return value != nullptr && value->is_string() ? value->get_ref<const std::string&>()
                                                : std::string();
}

GroupKind group_kind_of(const Object& object) {
  return GroupVersionKind::from_api_version(string_field(object.json(), "apiVersion"),
                                            string_field(object.json(), "kind"))
      .group_kind();
}

bool is_true(const Json& object, const char* key) {
  const Json* value = detail::member(object, key);
  return value != nullptr && value->is_boolean() && value->get<bool>();
}

class RuleChecker {
 public:
  RuleChecker(const SigningPolicy& policy, const ManifestContext& context, Verdict& verdict)
      : policy_(policy), rules_(policy.rules), context_(context), verdict_(verdict) {}

  void run() {
    check_images();
    for (const Object& object : *context_.manifests) {
      const std::string described = describe_object(object);
      const GroupKind group_kind = group_kind_of(object);
      check_kind(group_kind, described);
      check_labels(object, described);
      check_namespace(object, group_kind, described);
      for (const PodSpec& pod : pod_specs(object)) check_pod(pod, described);
    }
  }

 private:
  void report(std::string_view rule, std::string object, std::string message) {
    verdict_.add(Violation{policy_.name, policy_.mode, std::string(rule), std::move(object),
                           std::move(message)});
  }

  void check_images() {
    const bool images_matter = rules_.allowed_registries.has_value() || !policy_.images.empty();
    for (const ImageUse& image : *context_.images) {
      if (!image.reference) {
        if (images_matter) {
          report(reason::kImageInvalid, image.description(),
                 image.problem + " (" + image.object + " " + image.field + ")");
        }
        continue;
      }
      if (!rules_.allowed_registries) continue;
      const std::string name = image.reference->name();
      const auto& globs = *rules_.allowed_registries;
      if (std::none_of(globs.begin(), globs.end(),
                       [&](const ImageGlob& glob) { return glob.matches(name); })) {
        report(reason::kRegistryNotAllowed, image.description(),
               name + " matches none of spec.rules.allowedRegistries (used by " + image.object +
                   " " + image.field + ")");
      }
    }
  }

  void check_kind(const GroupKind& group_kind, const std::string& described) {
    for (const std::string& denied : rules_.denied_kinds) {
      if (denied == group_kind.kind || denied == group_kind.to_string()) {
        report(reason::kKindDenied, described,
               "kind " + group_kind.to_string() + " is denied by spec.rules.deniedKinds");
        return;
      }
    }
  }

  void check_labels(const Object& object, const std::string& described) {
    if (rules_.required_labels.empty()) return;
    StringMap labels;
    try {
      labels = object.labels();
    } catch (const Error&) {
      // Malformed labels hold none of the required ones; report them all as missing.
    }
    for (const std::string& key : rules_.required_labels) {
      if (labels.find(key) == labels.end()) {
        report(reason::kLabelMissing, described,
               "label \"" + key + "\" required by spec.rules.requiredLabels is missing");
      }
    }
  }

  void check_namespace(const Object& object, const GroupKind& group_kind,
                       const std::string& described) {
    if (!rules_.allowed_namespaces) return;
    const auto& allowed = *rules_.allowed_namespaces;
    if (group_kind.group.empty() && group_kind.kind == "Namespace") {
      const Json* metadata = detail::member(object.json(), "metadata");
      const std::string text = metadata != nullptr ? string_field(*metadata, "name") : "";
      if (!contains(allowed, text)) {
        report(reason::kNamespaceNotAllowed, described,
               "namespace \"" + text + "\" is not in spec.rules.allowedNamespaces");
      }
      return;
    }
    const bool cluster_scoped = context_.is_cluster_scoped ? context_.is_cluster_scoped(group_kind)
                                                           : is_builtin_cluster_scoped(group_kind);
    if (cluster_scoped) return;
    const Json* metadata = detail::member(object.json(), "metadata");
    std::string target = metadata != nullptr ? string_field(*metadata, "namespace") : "";
    if (target.empty())
      target = context_.default_namespace.empty() ? "default" : context_.default_namespace;
    if (!contains(allowed, target)) {
      report(reason::kNamespaceNotAllowed, described,
             "it would land in namespace \"" + target +
                 "\", which is not in spec.rules.allowedNamespaces");
    }
  }

  void check_pod(const PodSpec& pod, const std::string& described) {
    if (rules_.deny_host_network && is_true(*pod.spec, "hostNetwork")) {
      report(reason::kHostNetwork, described, pod.path + ".hostNetwork is true");
    }
    if (rules_.deny_host_path) {
      const Json* volumes = detail::member(*pod.spec, "volumes");
      std::size_t index = 0;
      const bool listed = volumes != nullptr && volumes->is_array();
      for (const Json& volume : listed ? *volumes : kNoVolumes) {
        const std::string path = pod.path + ".volumes[" + std::to_string(index++) + "]";
        if (detail::member(volume, "hostPath") == nullptr) continue;
        const std::string name = string_field(volume, "name");
        report(reason::kHostPathVolume, described,
               path + (name.empty() ? "" : " (\"" + name + "\")") + " is a hostPath volume");
      }
    }
    if (rules_.deny_privileged) {
      for (const Container& container : containers(pod)) {
        const Json* security = detail::member(*container.container, "securityContext");
        if (security == nullptr || !is_true(*security, "privileged")) continue;
        report(reason::kPrivilegedContainer, described,
               container.path + (container.name.empty() ? "" : " (\"" + container.name + "\")") +
                   " is privileged");
      }
    }
  }

  const SigningPolicy& policy_;
  const Rules& rules_;
  const ManifestContext& context_;
  Verdict& verdict_;
};

}  // namespace

bool is_builtin_cluster_scoped(const GroupKind& group_kind) {
  return std::find(kClusterScoped.begin(), kClusterScoped.end(), group_kind) !=
         kClusterScoped.end();
}

void check_rules(const SigningPolicy& policy, const ManifestContext& context, Verdict& verdict) {
  RuleChecker(policy, context, verdict).run();
}

}  // namespace sluice::policy
