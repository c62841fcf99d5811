#include "render/ordering.h"

#include <algorithm>
#include <map>

namespace sluice::render {
namespace {

// kyaml's Gvk.String(): "group_version_kind" with placeholders for empty parts.
std::string gvk_sort_string(const GroupVersionKind& gvk) {
  return (gvk.group.empty() ? std::string("~G") : gvk.group) + "_" +
         (gvk.version.empty() ? std::string("~V") : gvk.version) + "_" +
         (gvk.kind.empty() ? std::string("~K") : gvk.kind);
}

// What orders one kind, worked out once per kind: a build has thousands of resources but few
// kinds.
struct KindOrder {
  int rank = 0;
  std::string gvk_string;
  bool core_namespace = false;  // kind Namespace without a group
  bool namespace_kind = false;  // kind Namespace of any group
};

// kustomize compares "gvk|namespace|name" strings. Within one kind the gvk part is the same, so
// only the rest is kept per resource.
struct SortKey {
  const KindOrder* kind = nullptr;
  std::string namespace_and_name;  // "namespace|name", "~X" and "~N" for empty parts
  std::size_t index = 0;
};

}  // namespace

const std::vector<std::string>& default_order_first() {
  static const std::vector<std::string> list = {
      "Namespace",
      "ResourceQuota",
      "StorageClass",
      "CustomResourceDefinition",
      "ServiceAccount",
      "PodSecurityPolicy",
      "Role",
      "ClusterRole",
      "RoleBinding",
      "ClusterRoleBinding",
      "ConfigMap",
      "Secret",
      "Endpoints",
      "Service",
      "LimitRange",
      "PriorityClass",
      "PersistentVolume",
      "PersistentVolumeClaim",
      "Deployment",
      "StatefulSet",
      "CronJob",
      "PodDisruptionBudget",
  };
  return list;
}

const std::vector<std::string>& default_order_last() {
  static const std::vector<std::string> list = {"MutatingWebhookConfiguration",
                                                "ValidatingWebhookConfiguration"};
  return list;
}

void sort_resources(std::vector<Object>& objects, const std::optional<SortOptions>& options) {
  if (options && options->order == SortOptions::Order::kFifo) return;
  const bool defaults = !options || !options->has_legacy_options;
  const std::vector<std::string>& first = defaults ? default_order_first() : options->order_first;
  const std::vector<std::string>& last = defaults ? default_order_last() : options->order_last;

  // Ranks as kustomize computes them: orderFirst gets -len..-1, orderLast 1.., others 0; a
  // kind in both lists takes its orderLast rank because that map write comes second.
  std::map<std::string, int, std::less<>> ranks;
  for (std::size_t i = 0; i < first.size(); ++i) {
    ranks[first[i]] = static_cast<int>(i) - static_cast<int>(first.size());
  }
  for (std::size_t i = 0; i < last.size(); ++i) ranks[last[i]] = static_cast<int>(i) + 1;

  std::map<GroupVersionKind, KindOrder> kinds;  // one entry per kind: same kind, same pointer
  std::vector<SortKey> keys;
  keys.reserve(objects.size());
  for (std::size_t i = 0; i < objects.size(); ++i) {
    GroupVersionKind gvk = objects[i].gvk();
    auto [kind, added] = kinds.try_emplace(std::move(gvk));
    if (added) {
      const auto rank = ranks.find(kind->first.kind);
      kind->second.rank = rank == ranks.end() ? 0 : rank->second;
      kind->second.gvk_string = gvk_sort_string(kind->first);
      kind->second.namespace_kind = kind->first.kind == "Namespace";
      kind->second.core_namespace = kind->second.namespace_kind && kind->first.group.empty();
    }
    const std::string ns = objects[i].namespace_name();
    const std::string name = objects[i].name();
    keys.push_back(
        {&kind->second,
         (ns.empty() ? std::string("~X") : ns) + "|" + (name.empty() ? std::string("~N") : name),
         i});
  }
  // Ids are unique by the time we sort, so this order is total and stability does not matter;
  // stable_sort keeps the result deterministic should two keys ever tie.
  std::stable_sort(keys.begin(), keys.end(), [](const SortKey& a, const SortKey& b) {
    if (a.kind != b.kind) {
      if (a.kind->rank != b.kind->rank) return a.kind->rank < b.kind->rank;
      // kustomize reverses the order of two Namespace kinds when either is the core one, so
      // that one comes before custom resources of kind Namespace.
      if (a.kind->namespace_kind && b.kind->namespace_kind &&
          (a.kind->core_namespace || b.kind->core_namespace)) {
        return a.kind->gvk_string > b.kind->gvk_string;
      }
      return a.kind->gvk_string < b.kind->gvk_string;
    }
    return a.namespace_and_name < b.namespace_and_name;
  });
  std::vector<Object> sorted;
  sorted.reserve(objects.size());
  for (const SortKey& key : keys) sorted.push_back(std::move(objects[key.index]));
  objects = std::move(sorted);
}

}  // namespace sluice::render
