#pragma once
// The arguments of kustomize's configMapGenerator and secretGenerator entries and of
// generatorOptions (api/types: GeneratorArgs, SecretArgs, GeneratorOptions), parsed from a
// kustomization with kustomize's strictness (unknown fields and wrong JSON types are errors),
// and the one rule that combines the two kinds of options.
#include <optional>
#include <string>
#include <vector>

#include "core/object.h"

namespace sluice::render::transformers {

struct GeneratorOptions {
  StringMap labels;
  StringMap annotations;
  bool disable_name_suffix_hash = false;
  bool immutable = false;
};

// kustomize's GenerationBehavior. Any other spelling is kUnspecified, which kustomize treats
// like create when nothing has the generated id yet and refuses when something does.
enum class GenerationBehavior { kUnspecified, kCreate, kMerge, kReplace };

GenerationBehavior parse_behavior(const std::string& text);

struct GeneratorArgs {
  std::string kind;  // "ConfigMap" or "Secret"
  std::string name;
  std::string namespace_;
  GenerationBehavior behavior = GenerationBehavior::kUnspecified;
  std::vector<std::string> literals;  // "key=value"
  std::vector<std::string> files;     // "path" or "key=path"
  // `envs`, then the deprecated single `env` (kustomize appends it to envs when it loads).
  std::vector<std::string> envs;
  std::optional<GeneratorOptions> options;
  std::string type;  // Secret only; empty means Opaque
};

// One `configMapGenerator` (kind "ConfigMap") or `secretGenerator` ("Secret") list. Throws
// Error(kInvalidArgument) with kustomize's "invalid Kustomization: ..." wording.
std::vector<GeneratorArgs> parse_generator_list(const Json& value, const std::string& kind);

// `generatorOptions` (or an entry's `options`).
GeneratorOptions parse_generator_options(const Json& value);

// kustomize's MergeGlobalOptionsIntoLocal: the entry's labels and annotations win over the
// kustomization's generatorOptions, which only add keys the entry lacks; a global true for
// disableNameSuffixHash or immutable wins over anything local.
std::optional<GeneratorOptions> merge_global_options(std::optional<GeneratorOptions> local,
                                                     const std::optional<GeneratorOptions>& global);

}  // namespace sluice::render::transformers
