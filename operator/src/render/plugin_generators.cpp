#include "render/plugin_generators.h"

#include <initializer_list>
#include <string_view>

#include "core/error.h"
#include "core/yaml_reader.h"

namespace sluice::render {
namespace {

// The config's `key` as a string: "" when absent or null, kInvalidArgument when not a string.
std::string string_at(const Json& map, std::string_view key, std::string_view where) {
  if (!map.is_object()) return {};
  const auto found = map.find(std::string(key));
  if (found == map.end() || found->is_null()) return {};
  if (!found->is_string()) {
    throw invalid_argument(std::string(where) + ": field '" + std::string(key) +
                           "' must be a string");
  }
  return found->get<std::string>();
}

Json map_at(const Json& map, std::string_view key) {
  if (!map.is_object()) return Json::object();
  const auto found = map.find(std::string(key));
  return found == map.end() || found->is_null() ? Json::object() : *found;
}

PluginGenerated generate_config_map_or_secret(const std::string& kind, const Object& config,
                                              const transformers::GeneratorFileReader& read) {
  const bool secret = kind == "SecretGenerator";
  // Only the generator's own fields go to the strict entry parser; kustomize's plugin decoder
  // ignores the rest (apiVersion, kind, metadata, anything unknown).
  Json entry = Json::object();
  const std::initializer_list<std::string_view> fields = {
      "name", "namespace", "behavior", "literals", "files", "envs", "env", "options", "type"};
  for (std::string_view field : fields) {
    if (field == "type" && !secret) continue;
    const auto found = config.json().find(std::string(field));
    if (found != config.json().end()) entry[std::string(field)] = *found;
  }
  const Json metadata = map_at(config.json(), "metadata");
  if (string_at(entry, "name", kind).empty()) entry["name"] = string_at(metadata, "name", kind);
  if (string_at(entry, "namespace", kind).empty()) {
    entry["namespace"] = string_at(metadata, "namespace", kind);
  }
  std::vector<transformers::GeneratorArgs> args =
      transformers::parse_generator_list(Json::array({entry}), secret ? "Secret" : "ConfigMap");
  return {transformers::generate(args.front(), read), args.front().behavior};
}

// kustomize's iampolicygenerator filter writes the ServiceAccount as YAML text with the values
// pasted in, then parses it; doing the same keeps its results (and failures) for odd values.
PluginGenerated generate_iam_policy(const Object& config) {
  constexpr std::string_view kWhere = "IAMPolicyGenerator";
  const Json& json = config.json();
  const std::string cloud = string_at(json, "cloud", kWhere);
  if (cloud != "gke") throw invalid_argument("cloud provider " + cloud + " not supported yet");
  const Json service = map_at(json, "kubernetesService");
  const Json account = map_at(json, "serviceAccount");
  std::string text =
      "\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  annotations:\n"
      "    iam.gke.io/gcp-service-account: " +
      string_at(account, "name", kWhere) + "@" + string_at(account, "projectId", kWhere) +
      ".iam.gserviceaccount.com\n  name: " + string_at(service, "name", kWhere) + "\n";
  if (const std::string namespace_name = string_at(service, "namespace", kWhere);
      !namespace_name.empty()) {
    text += "\n  namespace: " + namespace_name;
  }
  Json parsed = parse_yaml(text);
  if (!parsed.is_object()) throw invalid_argument("IAMPolicyGenerator: malformed ServiceAccount");
  return {Object(std::move(parsed)), transformers::GenerationBehavior::kUnspecified};
}

}  // namespace

std::vector<PluginGenerated> run_generator_plugin(
    const std::string& kind, const Object& config,
    const transformers::GeneratorFileReader& read_file) {
  if (kind == "ConfigMapGenerator" || kind == "SecretGenerator") {
    std::vector<PluginGenerated> out;
    out.push_back(generate_config_map_or_secret(kind, config, read_file));
    return out;
  }
  if (kind == "IAMPolicyGenerator") {
    std::vector<PluginGenerated> out;
    out.push_back(generate_iam_policy(config));
    return out;
  }
  if (kind == "HelmChartInflationGenerator") {
    throw unimplemented(
        "sluice does not render Helm charts (HelmChartInflationGenerator); render the chart into "
        "the repository instead");
  }
  throw invalid_argument("unable to load builtin " + kind + ".builtin.[noGrp]");
}

}  // namespace sluice::render
