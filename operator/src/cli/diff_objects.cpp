#include "cli/diff_objects.h"

#include <array>
#include <string_view>

#include "core/object.h"

namespace sluice::cli {
namespace {

constexpr std::array<std::string_view, 6> kServerMetadata = {
    "managedFields", "resourceVersion", "generation", "uid", "creationTimestamp", "selfLink"};

constexpr std::string_view kLastApplied = "kubectl.kubernetes.io/last-applied-configuration";

// The object member `key` of `object`, or null when `object` is no object or lacks it.
Json* object_member(Json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(std::string(key));
  if (it == object.end() || !it->is_object()) return nullptr;
  return &*it;
}

// Masks the values of the map `key` of the objects `live` and `merged` (either may be null).
void mask_map(Json* live, Json* merged) {
  if (live != nullptr) {
    for (auto& [key, value] : live->items()) {
      const bool changed = merged != nullptr && merged->contains(key) && (*merged)[key] != value;
      value = changed ? kMaskBefore : kMask;
    }
  }
  if (merged != nullptr) {
    for (auto& [key, value] : merged->items()) {
      // A key both sides hold: the live side's mask, just written, says whether it changed.
      const bool changed = live != nullptr && live->contains(key) && (*live)[key] == kMaskBefore;
      value = changed ? kMaskAfter : kMask;
    }
  }
}

}  // namespace

Json comparable(Json object) {
  if (!object.is_object()) return object;
  object.erase("status");
  if (Json* metadata = object_member(object, "metadata")) {
    for (const std::string_view field : kServerMetadata) metadata->erase(std::string(field));
  }
  return object;
}

bool is_secret(const Json& object) {
  return string_member(object, {"apiVersion"}) == "v1" &&
         string_member(object, {"kind"}) == "Secret";
}

void mask_secret_values(Json& live, Json& merged) {
  for (const std::string_view field : {std::string_view("data"), std::string_view("stringData")}) {
    mask_map(object_member(live, field), object_member(merged, field));
  }
  Json* live_annotations = nullptr;
  Json* merged_annotations = nullptr;
  if (Json* metadata = object_member(live, "metadata")) {
    live_annotations = object_member(*metadata, "annotations");
  }
  if (Json* metadata = object_member(merged, "metadata")) {
    merged_annotations = object_member(*metadata, "annotations");
  }
  // Only that one annotation: copy it out, mask the copies, put them back.
  Json live_one = Json::object();
  Json merged_one = Json::object();
  const std::string key(kLastApplied);
  if (live_annotations != nullptr && live_annotations->contains(key)) {
    live_one[key] = (*live_annotations)[key];
  }
  if (merged_annotations != nullptr && merged_annotations->contains(key)) {
    merged_one[key] = (*merged_annotations)[key];
  }
  mask_map(&live_one, &merged_one);
  if (live_one.contains(key)) (*live_annotations)[key] = live_one[key];
  if (merged_one.contains(key)) (*merged_annotations)[key] = merged_one[key];
}

}  // namespace sluice::cli
