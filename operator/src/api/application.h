#pragma once

// The Application custom resource (sluice.dev/v1alpha1, namespaced): a path in a GitSource's
// artifact, rendered as kustomize does, checked by the signing policies that govern it, applied
// with server-side apply, pruned, health-checked. Field semantics follow Flux's Kustomization
// where the two overlap (interval, retryInterval, timeout, prune, wait, force, targetNamespace,
// serviceAccountName, dependsOn, suspend, postBuild).

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "api/schema.h"
#include "core/duration.h"
#include "core/object.h"

namespace sluice::api {

struct SourceReference {
  std::string kind = "GitSource";
  std::string name;
  std::string namespace_;  // empty: the Application's
};

struct DependencyReference {
  std::string name;
  std::string namespace_;  // empty: the Application's
};

// postBuild.substituteFrom: variables from the data of a ConfigMap or Secret in the
// Application's namespace; later entries and then postBuild.substitute win.
struct SubstituteReference {
  std::string kind;  // "ConfigMap" or "Secret"
  std::string name;
  bool optional = false;  // a missing object is not an error
};

enum class DriftMode { kCorrect, kReport };

struct ApplicationSpec {
  SourceReference source_ref;
  std::string path = "./";
  Duration interval = std::chrono::minutes(5);
  std::optional<Duration> retry_interval;  // default: interval
  std::optional<Duration> timeout;         // default: interval
  bool prune = false;
  bool wait = false;
  bool force = false;
  bool suspend = false;
  std::string target_namespace;
  std::string service_account_name;
  std::vector<DependencyReference> depends_on;
  DriftMode drift = DriftMode::kCorrect;
  StringMap substitute;
  std::vector<SubstituteReference> substitute_from;

  Duration effective_retry_interval() const { return retry_interval.value_or(interval); }
  Duration effective_timeout() const { return timeout.value_or(interval); }
};

// Validates `object`'s spec against application_spec_schema() and reads it. Throws
// Error(kInvalidArgument) "spec.<field>: <problem>". `seen` records the fields read (tests).
ApplicationSpec parse_application_spec(const Object& object, std::set<std::string>* seen = nullptr);

const Schema& application_spec_schema();
const Schema& application_status_schema();

}  // namespace sluice::api
