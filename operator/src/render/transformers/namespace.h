#pragma once
// kustomize's NamespaceTransformer (the `namespace` field).
#include <string_view>
#include <vector>

#include "core/object.h"
#include "render/transformers/namespace_configured.h"

namespace sluice::render::transformers {

// The `namespace` field's configuration: kustomize's default namespace field specs, subjects
// named "default", fields overwritten.
NamespaceConfig default_namespace_config(std::string_view namespace_);

// Sets `namespace_` on every namespaced resource (cluster-scoped kinds, as kustomize knows
// them, are left alone), renames core (apiVersion v1) Namespace objects to it, sets it on
// RoleBinding and ClusterRoleBinding subjects named "default" (any kind, overwriting, as
// kustomize does), on APIService spec.service.namespace (created) and on an existing CRD
// conversion webhook service namespace. An empty namespace does nothing. The same filter as a
// configured NamespaceTransformer (set_namespace_configured) with default_namespace_config.
void set_namespace(std::vector<Object>& objects, std::string_view namespace_);

}  // namespace sluice::render::transformers
