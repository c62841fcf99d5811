#pragma once
// kustomize's ReplicaCountTransformer as configured by `replicas`.
#include <cstdint>
#include <string>
#include <vector>

#include "core/object.h"

namespace sluice::render::transformers {

// One entry of a kustomization's `replicas` (kustomize's types.Replica).
struct ReplicaCount {
  std::string name;
  std::int64_t count = 0;
};

// Sets spec.replicas (creating it) to each entry's count in every Deployment, StatefulSet,
// ReplicaSet and ReplicationController, of any group, whose name is the entry's name, now or
// before a name prefix or suffix (kustomize matches any of a resource's ids).
// `previous_names`, when given, runs parallel to `objects`: the earlier names of each.
// An entry that matches nothing is an error, with kustomize's message.
void set_replicas(std::vector<Object>& objects, const std::vector<ReplicaCount>& replicas,
                  const std::vector<std::vector<std::string>>* previous_names = nullptr);

}  // namespace sluice::render::transformers
