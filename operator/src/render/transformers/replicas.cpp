#include "render/transformers/replicas.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "core/error.h"

namespace sluice::render::transformers {
namespace {

// kustomize v5.5's replicas field specs (builtinpluginconsts/replicas.go): spec/replicas,
// created when absent, in these kinds of any group and version.
constexpr std::array<std::string_view, 4> kKinds = {"Deployment", "StatefulSet", "ReplicaSet",
                                                    "ReplicationController"};

}  // namespace

void set_replicas(std::vector<Object>& objects, const std::vector<ReplicaCount>& replicas,
                  const std::vector<std::vector<std::string>>* previous_names) {
  for (const ReplicaCount& replica : replicas) {
    bool found = false;
    for (std::size_t i = 0; i < objects.size(); ++i) {
      Object& object = objects[i];
      if (std::find(kKinds.begin(), kKinds.end(), object.kind()) == kKinds.end()) continue;
      bool named = object.name() == replica.name;
      if (!named && previous_names != nullptr && i < previous_names->size()) {
        const std::vector<std::string>& names = (*previous_names)[i];
        named = std::find(names.begin(), names.end(), replica.name) != names.end();
      }
      if (!named) continue;
      found = true;
      Json& spec = object.json()["spec"];
      if (spec.is_null()) spec = Json::object();
      if (!spec.is_object()) {
        throw invalid_argument(object.kind() + " " + object.name() + ": spec is not a map");
      }
      spec["replicas"] = replica.count;
    }
    if (!found) {
      throw not_found("resource with name " + replica.name +
                      " does not match a config with the following GVK "
                      "[Deployment.[noVer].[noGrp] StatefulSet.[noVer].[noGrp] "
                      "ReplicaSet.[noVer].[noGrp] ReplicationController.[noVer].[noGrp]]");
    }
  }
}

}  // namespace sluice::render::transformers
