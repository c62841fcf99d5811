#include "render/transformers/namespace.h"

#include <array>
#include <string>

#include "render/field_spec.h"
#include "render/resource_id.h"

namespace sluice::render::transformers {
namespace {

// kustomize's namespace field specs (builtinpluginconsts/namespace.go) without the two that
// its filter handles by hand: metadata/namespace and RoleBinding subjects.
const std::array<FieldSpec, 3>& namespace_field_specs() {
  static const std::array<FieldSpec, 3> specs = {{
      {"", "", "Namespace", "metadata/name", true},
      {"apiregistration.k8s.io", "", "APIService", "spec/service/namespace", true},
      {"apiextensions.k8s.io", "", "CustomResourceDefinition",
       "spec/conversion/webhook/clientConfig/service/namespace", false},
  }};
  return specs;
}

}  // namespace

void set_namespace(std::vector<Object>& objects, std::string_view namespace_) {
  if (namespace_.empty()) return;
  const std::string value(namespace_);
  for (Object& object : objects) {
    const GroupVersionKind gvk = object.gvk();
    Json& json = object.json();
    if (!is_cluster_scoped(gvk.api_version(), gvk.kind)) {
      json["metadata"]["namespace"] = value;
    }
    if (gvk.kind == "RoleBinding" || gvk.kind == "ClusterRoleBinding") {
      // kustomize only forces the namespace of subjects named "default" (meant for the
      // default ServiceAccount); it does not look at the subject's kind.
      auto subjects = json.find("subjects");
      if (subjects != json.end() && subjects->is_array()) {
        for (Json& subject : *subjects) {
          auto name = subject.find("name");
          if (subject.is_object() && name != subject.end() && *name == "default") {
            subject["namespace"] = value;
          }
        }
      }
    }
    for (const FieldSpec& spec : namespace_field_specs()) {
      if (!selects(spec, gvk)) continue;
      // kustomize renames by metadata/name only objects whose apiVersion is exactly "v1", so a
      // custom resource that happens to be called Namespace keeps its name.
      if (spec.path == "metadata/name" && gvk.api_version() != "v1") continue;
      for_each_field(json, spec, [&](Json& node) { node = value; });
    }
  }
}

}  // namespace sluice::render::transformers
