#pragma once
// The kustomization file: finding it in a directory and reading it into a struct.
//
// sluice accepts exactly the field names kustomize v5 accepts and refuses any other, as
// kustomize does (its decoder disallows unknown fields). Fields kustomize accepts but sluice
// does not implement yet fail with Error(kUnimplemented) naming the field, rather than being
// silently ignored, which would render something different from kustomize.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/object.h"
#include "render/file_system.h"
#include "render/transformers/generator_args.h"
#include "render/transformers/images.h"
#include "render/transformers/labels.h"
#include "render/transformers/patches.h"
#include "render/transformers/replacements.h"
#include "render/transformers/replicas.h"
#include "render/transformers/vars.h"

namespace sluice::render {

// kustomize's sortOptions. Without sortOptions in the top kustomization the order is legacy
// with kustomize's built-in kind lists.
struct SortOptions {
  enum class Order { kLegacy, kFifo };
  Order order = Order::kLegacy;
  // Only for kLegacy; when neither is given, kustomize's default lists are used.
  bool has_legacy_options = false;
  std::vector<std::string> order_first;
  std::vector<std::string> order_last;
};

// One entry of `patches` or `patchesJson6902` (kustomize's types.Patch).
struct PatchEntry {
  std::string path;   // a file, relative to the kustomization
  std::string patch;  // inline body
  bool has_target = false;
  transformers::PatchTarget target;
  // options.allowNameChange and options.allowKindChange (strategic merge patches only).
  bool allow_name_change = false;
  bool allow_kind_change = false;
};

struct Kustomization {
  // kind: Component. A component is only usable from `components`, and a Kustomization only
  // from `resources`.
  bool is_component = false;
  // Resources in kustomize's order: `resources` then the deprecated `bases`.
  std::vector<std::string> resources;
  // `components`: folders whose kustomization (kind Component) works on this one's resources.
  std::vector<std::string> components;
  // `crds` and `configurations`: files configuring the transformers (transformer_config.h).
  std::vector<std::string> crds;
  // `generators`, `transformers` and `validators`: builtin plugin configs, each entry inline
  // YAML or a file or kustomization folder holding them (plugin_configs.h).
  std::vector<std::string> generators;
  std::vector<std::string> transformers;
  std::vector<std::string> validators;
  std::vector<std::string> configurations;
  std::string namespace_;
  std::string name_prefix;
  std::string name_suffix;
  StringMap common_labels;
  // `labels`, in order.
  std::vector<transformers::LabelsEntry> labels;
  StringMap common_annotations;
  // `patches` and the deprecated `patchesJson6902`, in order.
  std::vector<PatchEntry> patches;
  std::vector<PatchEntry> patches_json6902;
  // The deprecated `patchesStrategicMerge`: file paths or inline YAML, in order.
  std::vector<std::string> patches_strategic_merge;
  // `images`, in order.
  std::vector<transformers::ImageOverride> images;
  // `replicas`, in order.
  std::vector<transformers::ReplicaCount> replicas;
  // `configMapGenerator`, `secretGenerator` and `generatorOptions`.
  std::vector<transformers::GeneratorArgs> config_map_generator;
  std::vector<transformers::GeneratorArgs> secret_generator;
  std::optional<transformers::GeneratorOptions> generator_options;
  std::optional<SortOptions> sort_options;
  // `buildMetadata` values (see build_metadata.h); only the top kustomization's count.
  std::vector<std::string> build_metadata;
  // `replacements`, in order: inline ones, or a `path` to a file of them (read by the builder).
  struct ReplacementEntry {
    std::string path;
    transformers::Replacement inline_replacement;
  };
  std::vector<ReplacementEntry> replacements;
  // The deprecated `vars`.
  std::vector<transformers::Var> vars;
  // `openapi`: {path: FILE} or {version: V}, the schema the build uses (openapi_state.h).
  StringMap openapi;
  // kustomize's deprecation warnings, worded as kustomize words them, for stderr.
  std::vector<std::string> warnings;
};

// kustomize's recognised file names, in its order of preference.
inline constexpr std::string_view kKustomizationFileNames[] = {
    "kustomization.yaml", "kustomization.yml", "Kustomization"};

// The kustomization file in `dir` (canonical), or nullopt when there is none. More than one is
// an error, as in kustomize.
std::optional<std::filesystem::path> find_kustomization_file(const FileSystem& files,
                                                             const std::filesystem::path& dir);

// Parses the text of a kustomization file. Errors are prefixed with nothing; callers add the
// file name with Error::with_context.
Kustomization parse_kustomization(std::string_view text);

}  // namespace sluice::render
