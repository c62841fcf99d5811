#include "apply/drift.h"

#include "core/sha256.h"

namespace sluice::apply {

Json project(const Json& desired, const Json& live) {
  if (!desired.is_object() || !live.is_object()) return live;
  Json out = Json::object();
  for (const auto& [key, value] : desired.items()) {
    const auto it = live.find(key);
    if (it != live.end()) out[key] = project(value, *it);
  }
  return out;
}

std::string fingerprint(const Json& value) {
  // Json objects iterate in sorted key order, so dump() is canonical; invalid UTF-8 (which no
  // API server returns) is replaced rather than thrown.
  return sha256_hex(value.dump(-1, ' ', false, Json::error_handler_t::replace));
}

AppliedState applied_state(const Json& desired, const Json& response) {
  return {fingerprint(desired), fingerprint(project(desired, response))};
}

Need need_apply(const Json& desired, const AppliedState* remembered, const Json* live) {
  if (live == nullptr || live->is_null()) return Need::kApplyMissing;
  if (remembered == nullptr || remembered->desired != fingerprint(desired)) {
    return Need::kApplyChanged;
  }
  if (remembered->response != fingerprint(project(desired, *live))) return Need::kApplyDrifted;
  return Need::kNothing;
}

}  // namespace sluice::apply
