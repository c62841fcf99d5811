#include "apply/diff.h"

#include "api/group.h"

namespace sluice::apply {

Plan plan(const std::vector<Object>& desired, const AppliedStates& remembered,
          const LiveObjects& live, bool adopt) {
  Plan out;
  for (const Object& object : desired) {
    const ObjectId id = object.id();
    const std::optional<Json> current = live.get(object.gvk(), id.namespace_, id.name);
    if (current) {
      const Object live_object(*current);
      if (live_object.annotation(api::annotation::kReconcile) == api::annotation::kDisabled) {
        out.disabled.push_back(id);
        continue;
      }
    }
    const auto state = remembered.find(id);
    if (adopt && state == remembered.end() && current &&
        live_object_holds(*current, object.json())) {
      out.adopted.emplace(id, applied_state(object.json(), *current));
      out.unchanged.push_back(id);
      continue;
    }
    switch (need_apply(object.json(), state == remembered.end() ? nullptr : &state->second,
                       current ? &*current : nullptr)) {
      case Need::kNothing:
        out.unchanged.push_back(id);
        continue;
      case Need::kApplyDrifted:
        out.drifted.push_back(id);
        out.drift_fields[id] = drifted_fields(object.json(), *current);
        break;
      case Need::kApplyMissing:
        out.missing.push_back(id);
        break;
      case Need::kApplyChanged:
        break;
    }
    out.to_apply.push_back(object);
  }
  return out;
}

}  // namespace sluice::apply
