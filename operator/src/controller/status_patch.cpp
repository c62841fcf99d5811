#include "controller/status_patch.h"

namespace sluice::controller {

Json merge_diff(const Json& from, const Json& to) {
  if (from == to) return nullptr;
  if (!from.is_object() || !to.is_object()) return to;
  Json patch = Json::object();
  for (const auto& [key, value] : from.items()) {
    if (!to.contains(key)) patch[key] = nullptr;
  }
  for (const auto& [key, value] : to.items()) {
    if (!from.contains(key)) {
      patch[key] = value;
      continue;
    }
    // at(), not find(): g++ 12 sees a null dereference in nlohmann's iterator that is not there.
    const Json& before = from.at(key);
    if (before != value) {
      patch[key] = before.is_object() && value.is_object() ? merge_diff(before, value) : value;
    }
  }
  return patch;
}

Json status_of(const Json& object) {
  const Json* status = find_member(object, {"status"});
  return status != nullptr && status->is_object() ? *status : Json::object();
}

bool patch_status(const kube::Client& client, const kube::Resource& resource, const Json& object,
                  const Json& next) {
  const Json patch = merge_diff(status_of(object), next);
  if (patch.is_null()) return false;
  client.patch_status(resource, string_member(object, {"metadata", "namespace"}),
                      string_member(object, {"metadata", "name"}), Json{{"status", patch}});
  return true;
}

}  // namespace sluice::controller
