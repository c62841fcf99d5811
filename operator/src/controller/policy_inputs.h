#pragma once

// What the policy gate (policy/gate.h) needs from the cluster and the source: the
// SigningPolicies from the watch cache, Secrets read through the API (never cached, never
// logged), and the signature evidence of an artifact.

#include <string>
#include <vector>

#include "controller/artifact_store.h"
#include "kube/client.h"
#include "kube/informer.h"
#include "policy/evidence.h"
#include "policy/signing_policy.h"

namespace sluice::controller {

// Reads Secret keys with the operator's identity; an empty namespace is `operator_namespace`.
class ApiSecretResolver final : public policy::SecretResolver {
 public:
  ApiSecretResolver(kube::Client client, std::string operator_namespace)
      : client_(std::move(client)), operator_namespace_(std::move(operator_namespace)) {}
  std::string resolve(const policy::SecretKeyRef& ref) const override;

 private:
  kube::Client client_;
  std::string operator_namespace_;
};

// Every SigningPolicy in the cache, loaded (malformed ones fail closed, see gate.h).
std::vector<policy::LoadedPolicy> load_policies(const kube::Informer& policies);

// "name@resourceVersion" of every policy, for knowing when a cached verdict is stale.
std::string policies_fingerprint(const kube::Informer& policies);

// The signature the gate checks: an annotated tag's when the source followed a tag, else the
// commit's.
policy::CommitEvidence commit_evidence(const Artifact& artifact);

// Where a value is read from: a Secret's data is base64, a ConfigMap's data is text (its
// binaryData is base64).
enum class DataSource { kConfigMap, kSecret };

// The value of `key` in the data of `object` (a Secret or ConfigMap as the API returns it);
// nullopt when absent. Throws kInvalidArgument for Secret data that is not base64.
std::optional<std::string> data_value(const Json& object, const std::string& key,
                                      DataSource source);

}  // namespace sluice::controller
