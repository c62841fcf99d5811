#pragma once

// The order objects are applied in: what others depend on goes first, as in Flux's ssa
// staging. Stage 0: CustomResourceDefinitions and Namespaces (and the applier waits for the CRDs
// to be Established, so their custom resources can be applied in a later stage); stage 1:
// cluster-wide RBAC (ClusterRoles, ClusterRoleBindings), so that what binds to them finds them;
// stage 2: everything else, in bounded parallel. Prune deletes in the reverse order.

#include <vector>

#include "core/object.h"

namespace sluice::apply {

inline constexpr int kStageCount = 3;

int apply_stage(const GroupKind& kind);

// `objects` split by stage (index = stage), each stage in the order given.
std::vector<std::vector<Object>> split_stages(std::vector<Object> objects);

bool is_crd(const GroupKind& kind);
bool is_namespace(const GroupKind& kind);

}  // namespace sluice::apply
