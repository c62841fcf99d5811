#include "apply/pruner.h"

#include "api/group.h"

namespace sluice::apply {

bool owned_by(const Json& object, const Owner& owner) {
  const Json* labels = find_member(object, {"metadata", "labels"});
  if (labels == nullptr || !labels->is_object()) return false;
  const auto name = labels->find(api::label::kApplicationName);
  const auto ns = labels->find(api::label::kApplicationNamespace);
  return name != labels->end() && *name == owner.name && ns != labels->end() &&
         *ns == owner.namespace_;
}

Pruner::Pruner(kube::Client client, kube::RestMapper& mapper, LiveObjects& live)
    : client_(std::move(client)), mapper_(mapper), live_(live) {}

Results Pruner::prune(const std::vector<InventoryEntry>& stale, const Owner& owner,
                      runtime::AbortSource& abort) {
  Results results;
  for (const InventoryEntry& entry : stale)
    results.objects.push_back(prune_one(entry, owner, abort));
  return results;
}

ObjectResult Pruner::prune_one(const InventoryEntry& entry, const Owner& owner,
                               runtime::AbortSource& abort) {
  ObjectResult result{entry.id, entry.version, Action::kPruned, std::nullopt, std::nullopt, ""};
  try {
    abort.check();
    const GroupVersionKind gvk = entry.gvk();
    kube::Resource resource;
    try {
      resource = mapper_.resource_for(gvk);
      live_.watch(gvk, abort);
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kNotFound) throw;
      result.note = "its kind is no longer served";
      return result;
    }
    const std::optional<Json> live = live_.get(gvk, entry.id.namespace_, entry.id.name);
    if (!live) {
      result.note = "gone, or no longer labelled as sluice's";
      return result;
    }
    const Object object(*live);
    if (!owned_by(*live, owner)) {
      result.action = Action::kSkipped;
      result.note = "no longer carries this Application's labels";
      return result;
    }
    if (object.annotation(api::annotation::kPrune) == api::annotation::kDisabled) {
      result.action = Action::kSkipped;
      result.note = "annotated sluice.dev/prune: disabled";
      return result;
    }
    kube::DeleteOptions options;
    options.propagation = kube::PropagationPolicy::kBackground;
    options.precondition_uid = string_member(*live, {"metadata", "uid"});
    try {
      client_.remove(resource, resource.namespaced ? entry.id.namespace_ : "", entry.id.name,
                     options);
    } catch (const Error& e) {
      // Gone meanwhile, or replaced by an object with another uid (the precondition fails with
      // Conflict): either way, not ours to delete any more.
      if (e.code() == ErrorCode::kNotFound) return result;
      if (e.code() != ErrorCode::kConflict) throw;
      result.action = Action::kSkipped;
      result.note = "recreated by someone else";
    }
  } catch (const Error& e) {
    result.action = Action::kFailed;
    result.error = e;
  }
  return result;
}

}  // namespace sluice::apply
