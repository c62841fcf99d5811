#include "apply/drift.h"

#include "core/sha256.h"

namespace sluice::apply {

namespace {

// apiVersion and kind say which object it is, which the caller matched already; and objects
// from a list response (an informer's relist) do not carry them, while those from a watch event
// or an apply response do. Left out at the top of a whole object, the same object compares
// equal however it was read.
bool is_identity(std::string_view key) {
  return key == "apiVersion" || key == "kind";
}

// project() and holds(), for a value (`whole_object` false) or a whole object (true: its
// top-level identity keys left out).
Json project_value(const Json& desired, const Json& live, bool whole_object) {
  if (!desired.is_object() || !live.is_object()) return live;
  Json out = Json::object();
  for (const auto& [key, value] : desired.items()) {
    if (whole_object && is_identity(key)) continue;
    const auto it = live.find(key);
    if (it != live.end()) out[key] = project_value(value, *it, false);
  }
  return out;
}

bool holds_value(const Json& live, const Json& desired, bool whole_object) {
  if (desired.is_object()) {
    if (!live.is_object()) return false;
    for (const auto& [key, value] : desired.items()) {
      if (whole_object && is_identity(key)) continue;
      const auto it = live.find(key);
      if (it == live.end() || !holds_value(*it, value, false)) return false;
    }
    return true;
  }
  if (desired.is_array()) {
    if (!live.is_array() || live.size() != desired.size()) return false;
    for (std::size_t i = 0; i < desired.size(); ++i) {
      if (!holds_value(live[i], desired[i], false)) return false;
    }
    return true;
  }
  return !whole_object && live == desired;
}

}  // namespace

Json project(const Json& desired, const Json& live) {
  return project_value(desired, live, false);
}

std::string fingerprint(const Json& value) {
  // Json objects iterate in sorted key order, so dump() is canonical; invalid UTF-8 (which no
  // API server returns) is replaced rather than thrown.
  return sha256_hex(value.dump(-1, ' ', false, Json::error_handler_t::replace));
}

AppliedState applied_state(const Json& desired, const Json& response) {
  return {fingerprint(desired), fingerprint(project_value(desired, response, true))};
}

bool holds(const Json& live, const Json& desired) {
  return holds_value(live, desired, false);
}

bool live_object_holds(const Json& live, const Json& desired) {
  return holds_value(live, desired, true);
}

namespace {

void collect_drift(const Json& desired, const Json& live, const std::string& path,
                   std::size_t limit, std::vector<std::string>& out) {
  if (out.size() >= limit) return;
  if (desired.is_object() && live.is_object()) {
    for (const auto& [key, value] : desired.items()) {
      if (path.empty() && is_identity(key)) continue;
      const std::string at = path.empty() ? key : path + "." + key;
      const auto it = live.find(key);
      if (it == live.end()) {
        if (out.size() < limit) out.push_back(at);
      } else {
        collect_drift(value, *it, at, limit, out);
      }
    }
    return;
  }
  if (desired.is_array() && live.is_array() && desired.size() == live.size()) {
    for (std::size_t i = 0; i < desired.size(); ++i) {
      collect_drift(desired[i], live[i], path + "[" + std::to_string(i) + "]", limit, out);
    }
    return;
  }
  if (!holds(live, desired)) out.push_back(path);
}

}  // namespace

std::vector<std::string> drifted_fields(const Json& desired, const Json& live, std::size_t limit) {
  std::vector<std::string> out;
  collect_drift(desired, live, "", limit, out);
  return out;
}

Need need_apply(const Json& desired, const AppliedState* remembered, const Json* live) {
  if (live == nullptr || live->is_null()) return Need::kApplyMissing;
  if (remembered == nullptr || remembered->desired != fingerprint(desired)) {
    return Need::kApplyChanged;
  }
  if (remembered->response != fingerprint(project_value(desired, *live, true))) {
    return Need::kApplyDrifted;
  }
  return Need::kNothing;
}

}  // namespace sluice::apply
