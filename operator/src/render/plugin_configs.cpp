#include "render/plugin_configs.h"

#include <array>
#include <string_view>

#include "core/error.h"
#include "core/yaml_reader.h"
#include "render/resource_id.h"
#include "render/resources.h"

namespace sluice::render {
namespace {

// kustomize's builtin plugin registry (builtinhelpers): generators and transformers. Not
// SortOrderTransformer, which kustomize deliberately leaves out of it.
constexpr std::array<std::string_view, 4> kBuiltinGenerators = {
    "ConfigMapGenerator", "IAMPolicyGenerator", "SecretGenerator", "HelmChartInflationGenerator"};
constexpr std::array<std::string_view, 14> kBuiltinTransformers = {
    "AnnotationsTransformer",
    "HashTransformer",
    "ImageTagTransformer",
    "LabelTransformer",
    "NamespaceTransformer",
    "PatchJson6902Transformer",
    "PatchStrategicMergeTransformer",
    "PatchTransformer",
    "PrefixSuffixTransformer",
    "PrefixTransformer",
    "SuffixTransformer",
    "ReplacementTransformer",
    "ReplicaCountTransformer",
    "ValueAddTransformer",
};

bool listed(const auto& list, std::string_view kind) {
  for (std::string_view entry : list) {
    if (entry == kind) return true;
  }
  return false;
}

// kustomize's OrgId spelling for its loader errors: "Kind.version.[noGrp]/name.[noNs]".
std::string config_id(const Object& config) {
  return ResourceId::of(config).to_string();
}

}  // namespace

std::vector<Object> read_plugin_configs(const std::vector<std::string>& entries,
                                        const PluginPathLoader& load_path,
                                        const std::optional<Origin>& inline_origin) {
  Accumulator configs;
  std::vector<const std::string*> paths;
  for (const std::string& entry : entries) {
    std::vector<Object> inline_configs;
    try {
      inline_configs = parse_resources(entry);
    } catch (const Error&) {
      // Not config documents, so a path (kustomize tries the same order).
      paths.push_back(&entry);
      continue;
    }
    if (inline_origin) {
      for (Object& config : inline_configs) {
        config.set_annotation(kOriginAnnotation, inline_origin->to_yaml());
      }
    }
    configs.append(std::move(inline_configs));
  }
  for (const std::string* entry : paths) configs.append(load_path(*entry));
  return std::move(configs).take();
}

std::string builtin_plugin_kind(const Object& config, std::string_view role) {
  const GroupVersionKind gvk = config.gvk();
  std::string kind = config.kind();
  if (!gvk.group.empty() || gvk.version != "builtin") {
    throw unimplemented("external plugins disabled; unable to load external plugin '" + kind +
                        "': sluice runs only kustomize's builtin plugins (apiVersion: builtin), "
                        "not exec, Go or KRM function plugins");
  }
  const bool generator = listed(kBuiltinGenerators, kind);
  if (!generator && !listed(kBuiltinTransformers, kind)) {
    throw invalid_argument("unable to load builtin " + kind + ".builtin.[noGrp]");
  }
  if (generator != (role == "generator")) {
    throw invalid_argument("plugin " + config_id(config) + " not a " + std::string(role));
  }
  return kind;
}

std::optional<Origin> plugin_origin(const Object& config) {
  const std::optional<std::string> annotation = config.annotation(kOriginAnnotation);
  if (!annotation) return std::nullopt;
  Origin origin;
  const Json parsed = parse_yaml(*annotation);
  if (parsed.is_object() && parsed.contains("path") && parsed["path"].is_string()) {
    origin.configured_in = parsed["path"].get<std::string>();
  }
  origin.configured_by = config.kind();
  origin.configured_by_api_version = config.api_version();
  origin.configured_by_name = config.name();
  origin.configured_by_namespace = config.namespace_name();
  return origin;
}

}  // namespace sluice::render
