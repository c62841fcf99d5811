#pragma once
// kustomize's builtin generator plugins as `generators:` configures them (plugin_configs.h):
// ConfigMapGenerator and SecretGenerator (a configMapGenerator or secretGenerator entry written
// at the top of the config, metadata.name and metadata.namespace standing in for a missing name
// and namespace, and without the kustomization's generatorOptions) and IAMPolicyGenerator (a GKE
// workload identity ServiceAccount). HelmChartInflationGenerator is refused: sluice does not
// render Helm charts.
#include <vector>

#include "core/object.h"
#include "render/transformers/generator_args.h"
#include "render/transformers/generators.h"

namespace sluice::render {

struct PluginGenerated {
  Object object;
  transformers::GenerationBehavior behavior = transformers::GenerationBehavior::kUnspecified;
};

// What the builtin generator `kind` configured by `config` makes. Fields of the config that the
// generator does not know are ignored, as kustomize's decoder ignores them; wrong types are
// kInvalidArgument. `read_file` reads the files and env files a ConfigMap or Secret names.
std::vector<PluginGenerated> run_generator_plugin(
    const std::string& kind, const Object& config,
    const transformers::GeneratorFileReader& read_file);

}  // namespace sluice::render
