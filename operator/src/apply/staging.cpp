#include "apply/staging.h"

namespace sluice::apply {

bool is_crd(const GroupKind& kind) {
  return kind.group == "apiextensions.k8s.io" && kind.kind == "CustomResourceDefinition";
}

bool is_namespace(const GroupKind& kind) {
  return kind.group.empty() && kind.kind == "Namespace";
}

int apply_stage(const GroupKind& kind) {
  if (is_crd(kind) || is_namespace(kind)) return 0;
  if (kind.group == "rbac.authorization.k8s.io" &&
      (kind.kind == "ClusterRole" || kind.kind == "ClusterRoleBinding")) {
    return 1;
  }
  return 2;
}

std::vector<std::vector<Object>> split_stages(std::vector<Object> objects) {
  std::vector<std::vector<Object>> stages(kStageCount);
  for (Object& object : objects) {
    const int stage = apply_stage(object.gvk().group_kind());
    stages[static_cast<std::size_t>(stage)].push_back(std::move(object));
  }
  return stages;
}

}  // namespace sluice::apply
