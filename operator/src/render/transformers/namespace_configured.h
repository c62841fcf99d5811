#pragma once
// kustomize's NamespaceTransformer with a config of its own (a `transformers:` entry, see
// plugin_transformers.h) rather than the `namespace` field's defaults (namespace.h).
#include <string>
#include <vector>

#include "core/object.h"
#include "render/field_spec.h"

namespace sluice::render::transformers {

// setRoleBindingSubjects: which RoleBinding and ClusterRoleBinding subjects get the namespace.
enum class RoleBindingSubjects { kDefaultOnly, kAllServiceAccounts, kNone };

struct NamespaceConfig {
  std::string namespace_;
  // Where else the namespace goes. As in kustomize's filter, metadata/namespace entries are
  // ignored (every namespaced resource gets metadata.namespace anyway), metadata/name ones
  // apply only to resources of apiVersion v1, and subjects/namespace of role bindings follow
  // `subjects` instead.
  std::vector<FieldSpec> specs;
  // Only set fields that are missing or empty.
  bool unset_only = false;
  RoleBindingSubjects subjects = RoleBindingSubjects::kDefaultOnly;
};

// kustomize's namespace filter over every resource, as configured. Does nothing for an empty
// namespace. Throws kInvalidArgument when a spec reaches a map or list.
void set_namespace_configured(std::vector<Object>& objects, const NamespaceConfig& config);

}  // namespace sluice::render::transformers
