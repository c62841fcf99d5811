#include "render/transformers/namespace.h"

#include <array>
#include <string>

#include "render/field_spec.h"

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

NamespaceConfig default_namespace_config(std::string_view namespace_) {
  NamespaceConfig config;
  config.namespace_ = std::string(namespace_);
  config.specs.assign(namespace_field_specs().begin(), namespace_field_specs().end());
  return config;
}

void set_namespace(std::vector<Object>& objects, std::string_view namespace_) {
  set_namespace_configured(objects, default_namespace_config(namespace_));
}

}  // namespace sluice::render::transformers
