#include "controller/event_router.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "api/conditions.h"
#include "controller/context.h"
#include "controller/owned_objects.h"
#include "policy/gate.h"
#include "policy/signing_policy.h"

namespace sluice::controller {
namespace {

using Type = kube::InformerEvent::Type;

// Ready status and the generation it was observed at: what dependents wait for.
std::string readiness(const Json& application) {
  const api::Conditions conditions =
      api::Conditions::from_json(find_member(application, {"status", "conditions"}));
  const Json* observed = find_member(application, {"status", "observedGeneration"});
  return std::string(conditions.is_true(api::condition::kReady) ? "ready@" : "not-ready@") +
         (observed != nullptr ? observed->dump() : "-");
}

// A source's Ready condition as its Applications show it while it has no artifact.
std::string source_failure(const Json& source) {
  const api::Conditions conditions =
      api::Conditions::from_json(find_member(source, {"status", "conditions"}));
  const api::Condition* ready = conditions.find(api::condition::kReady);
  if (ready == nullptr) return {};
  return std::string(api::to_string(ready->status)) + "/" + ready->reason + "/" + ready->message;
}

std::string source_key_of(const Json& application) {
  const std::string ns = string_member(application, {"metadata", "namespace"});
  const std::string ref_ns = string_member(application, {"spec", "sourceRef", "namespace"});
  return object_key(ref_ns.empty() ? ns : ref_ns,
                    string_member(application, {"spec", "sourceRef", "name"}));
}

// The policy as the gate will hold it, read once per event; nullopt when it is not even an
// object, which then counts as governing everyone (the gate fails closed for them).
std::optional<policy::LoadedPolicy> loaded_policy(const Json& object) {
  if (!object.is_object()) return std::nullopt;
  return policy::load_signing_policy(Object(object));
}

bool governs(const std::optional<policy::LoadedPolicy>& policy, const Object& application) {
  return !policy || policy::governs(*policy, application);
}

}  // namespace

void EventRouter::on_source(const kube::InformerEvent& event) {
  switch (event.type) {
    case Type::kAdded:
      sources_.add(object_key(event.new_object));
      break;
    case Type::kUpdated:
      if (changed_beyond_status(event.old_object, event.new_object)) {
        sources_.add(object_key(event.new_object));
      }
      // Without an artifact, the source's Applications wait with ArtifactNotReady and show its
      // failure (a refused snapshot, say): tell them now, not at their next retry.
      if (find_member(event.new_object, {"status", "artifact"}) == nullptr &&
          source_failure(event.old_object) != source_failure(event.new_object)) {
        on_artifact(object_key(event.new_object));
      }
      break;
    case Type::kDeleted:
      sources_.add(object_key(event.old_object));
      on_artifact(object_key(event.old_object));
      break;
  }
}

void EventRouter::on_artifact(const std::string& source_key) {
  for (const Json& application : caches_.applications.list()) {
    if (source_key_of(application) == source_key) applications_.add(object_key(application));
  }
}

void EventRouter::on_application(const kube::InformerEvent& event) {
  switch (event.type) {
    case Type::kAdded:
      applications_.add(object_key(event.new_object));
      break;
    case Type::kUpdated: {
      const std::string key = object_key(event.new_object);
      if (changed_beyond_status(event.old_object, event.new_object)) applications_.add(key);
      if (readiness(event.old_object) != readiness(event.new_object)) enqueue_dependents(key);
      break;
    }
    case Type::kDeleted: {
      const std::string key = object_key(event.old_object);
      applications_.add(key);
      enqueue_dependents(key);
      break;
    }
  }
}

void EventRouter::enqueue_dependents(const std::string& application_key) {
  for (const Json& application : caches_.applications.list()) {
    const Json* depends_on = find_member(application, {"spec", "dependsOn"});
    if (depends_on == nullptr || !depends_on->is_array()) continue;
    const std::string ns = string_member(application, {"metadata", "namespace"});
    for (const Json& dependency : *depends_on) {
      const std::string dependency_ns = string_member(dependency, {"namespace"});
      if (object_key(dependency_ns.empty() ? ns : dependency_ns,
                     string_member(dependency, {"name"})) == application_key) {
        applications_.add(object_key(application));
        break;
      }
    }
  }
}

void EventRouter::on_policy(const kube::InformerEvent& event) {
  const Json& current = event.type == Type::kDeleted ? event.old_object : event.new_object;
  if (event.type != Type::kDeleted) {
    if (event.type == Type::kAdded || changed_beyond_status(event.old_object, event.new_object)) {
      policies_.add(string_member(current, {"metadata", "name"}));
    } else {
      return;  // our own status write
    }
  }
  // What the policy governs now, and for an update what it governed before.
  std::vector<std::optional<policy::LoadedPolicy>> versions{loaded_policy(current)};
  if (event.type == Type::kUpdated) versions.push_back(loaded_policy(event.old_object));
  for (const Json& json : caches_.applications.list()) {
    const Object application(json);
    if (std::any_of(versions.begin(), versions.end(),
                    [&](const auto& policy) { return governs(policy, application); })) {
      applications_.add(object_key(json));
    }
  }
}

}  // namespace sluice::controller
