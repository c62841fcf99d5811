#pragma once
// How kustomize identifies a resource while it builds: group, version, kind, name and
// namespace (kyaml's resid.ResId). Two resources with equal ids may not both be added.
#include <string>
#include <string_view>

#include "core/object.h"

namespace sluice::render {

// Whether kustomize knows `kind` at `api_version` to be cluster-scoped. kustomize consults a
// precomputed table from the Kubernetes OpenAPI schema (kyaml/openapi); anything not in it,
// custom resources included, is treated as namespaced unless the build's custom OpenAPI
// schema says otherwise (render/openapi_state.h). The table is keyed by apiVersion, so
// e.g. a ClusterRole at an unknown version counts as namespaced, as in kustomize.
bool is_cluster_scoped(std::string_view api_version, std::string_view kind);

struct ResourceId {
  GroupVersionKind gvk;
  std::string namespace_;  // as written; "" when absent
  std::string name;

  static ResourceId of(const Object& object);

  // The namespace kustomize compares ids by: "default" for an empty one, and one fixed value
  // for cluster-scoped kinds, whatever they say.
  std::string effective_namespace() const;

  // kustomize's ResId equality: same group, version and kind, effective namespace and name.
  bool same_as(const ResourceId& other) const;

  // A string equal for two ids exactly when same_as holds, for hashing.
  std::string equality_key() const;

  // kustomize's spelling in messages: "ConfigMap.v1.[noGrp]/web.[noNs]".
  std::string to_string() const;
};

}  // namespace sluice::render
