#pragma once
// kustomize's builtin transformer plugins as `transformers:` (and `validators:`) configure them
// (plugin_configs.h): each kind reads its own config struct, field specs included, instead of
// the kustomization fields and TransformerConfig defaults the builder uses, and runs the same
// transformer units.
//
// Kinds: AnnotationsTransformer and LabelTransformer (`annotations`/`labels` and `fieldSpecs`),
// NamespaceTransformer (metadata.namespace, `fieldSpecs`, `unsetOnly`,
// `setRoleBindingSubjects`), PrefixSuffixTransformer, PrefixTransformer and SuffixTransformer
// (`prefix`, `suffix`, required `fieldSpecs`), ImageTagTransformer (`imageTag`, `fieldSpecs`),
// ReplicaCountTransformer (`replica`, `fieldSpecs`), PatchTransformer (`path`, `patch`,
// `target`, `options`), PatchJson6902Transformer (`target`, `path`, `jsonOp`),
// PatchStrategicMergeTransformer (`paths`, `patches`), ReplacementTransformer (`replacements`)
// and HashTransformer. ValueAddTransformer is refused with kUnimplemented.
#include <filesystem>
#include <string>
#include <vector>

#include "core/object.h"
#include "render/file_system.h"

namespace sluice::render {

// Runs the builtin transformer `kind` configured by `config` over `resources`, recording name
// history as the builder's transformers do. Files the config names are read relative to `dir`,
// the kustomization naming the config, and held to it. Config fields the transformer does not
// know are ignored, as kustomize's decoder ignores them; wrong types are kInvalidArgument.
void run_transformer_plugin(const std::string& kind, const Object& config, const FileSystem& files,
                            const std::filesystem::path& dir, std::vector<Object>& resources);

}  // namespace sluice::render
