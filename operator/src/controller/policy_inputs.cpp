#include "controller/policy_inputs.h"

#include <algorithm>

#include "core/base64.h"

namespace sluice::controller {

std::optional<std::string> data_value(const Json& object, const std::string& key,
                                      DataSource source) {
  const Json* value = find_member(object, {"data", key});
  if (value != nullptr && value->is_string()) {
    if (source == DataSource::kConfigMap) return value->get<std::string>();
    std::optional<std::string> decoded = decode_base64(value->get<std::string>());
    if (!decoded) throw invalid_argument("key " + key + " is not base64");
    return decoded;
  }
  // A Secret written with stringData has it converted to data by the server; ConfigMaps may
  // also keep text in binaryData (base64).
  const Json* binary = find_member(object, {"binaryData", key});
  if (binary != nullptr && binary->is_string()) return decode_base64(binary->get<std::string>());
  return std::nullopt;
}

std::string ApiSecretResolver::resolve(const policy::SecretKeyRef& ref) const {
  const std::string ns = ref.namespace_.empty() ? operator_namespace_ : ref.namespace_;
  const Json secret = client_.get(kube::secrets(), ns, ref.name);
  std::optional<std::string> value = data_value(secret, ref.key, DataSource::kSecret);
  if (!value) throw not_found(ref.to_string() + ": no such key");
  return std::move(*value);
}

std::vector<policy::LoadedPolicy> load_policies(const kube::Informer& policies) {
  std::vector<policy::LoadedPolicy> loaded;
  for (Json& object : policies.list()) {
    try {
      loaded.push_back(policy::load_signing_policy(Object(std::move(object))));
    } catch (const Error&) {
      // Not an object at all: the informer never stores such a thing.
    }
  }
  return loaded;
}

std::string policies_fingerprint(const kube::Informer& policies) {
  std::vector<std::string> parts;
  for (const Json& object : policies.list()) {
    parts.push_back(string_member(object, {"metadata", "name"}) + "@" +
                    string_member(object, {"metadata", "resourceVersion"}));
  }
  std::sort(parts.begin(), parts.end());
  std::string out;
  for (const std::string& part : parts) out += part + ",";
  return out;
}

policy::CommitEvidence commit_evidence(const Artifact& artifact) {
  policy::CommitEvidence evidence;
  evidence.revision = artifact.revision;
  const auto& signed_object =
      artifact.tag_signature ? artifact.tag_signature : artifact.commit_signature;
  if (signed_object) {
    evidence.signature = signed_object->signature;
    evidence.payload = signed_object->payload;
    evidence.signed_at = signed_object->signed_at;
  }
  return evidence;
}

}  // namespace sluice::controller
