#pragma once
// Runs a kustomization's `generators`, `transformers` and `validators` (plugin_configs.h) at
// the points kustomize's accumulateTarget runs them: generators after the kustomization's own
// configMapGenerator and secretGenerator, transformers after its builtin transformer sequence,
// validators after the transformers.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/object.h"
#include "render/build_metadata.h"
#include "render/file_system.h"
#include "render/plugin_configs.h"
#include "render/transformers/generators.h"

namespace sluice::render {

// What running one kustomization's plugins needs from the builder.
struct PluginContext {
  const FileSystem& files;
  // The kustomization's directory: file paths in configs are relative to it.
  const std::filesystem::path& dir;
  // Loads a path entry (a config file or a kustomization folder of configs).
  PluginPathLoader load_path;
  // Reads the files ConfigMap and Secret generators name, with the builder's limits.
  transformers::GeneratorFileReader read_file;
  // Set when origins are tracked (buildMetadata): the kustomization file, the origin of its
  // inline configs.
  std::optional<Origin> inline_origin;
};

// Each generator config in order: its resources join `resources` as kustomize's AbsorbAll
// merges them (by their behavior), with the config's origin when origins are tracked.
void run_plugin_generators(const std::vector<std::string>& entries, const PluginContext& context,
                           std::vector<Object>& resources);

// Each transformer config in order over `resources`, each recorded in the transformations
// annotation when origins are tracked.
void run_plugin_transformers(const std::vector<std::string>& entries, const PluginContext& context,
                             std::vector<Object>& resources);

// Each validator config runs as a transformer on a copy; as in kustomize, it fails the build
// when it changed anything but the `validated-by` label. (kustomize also fails for a builtin
// that rewrote a field with its own value; sluice cannot tell that apart from no write.)
void run_plugin_validators(const std::vector<std::string>& entries, const PluginContext& context,
                           const std::vector<Object>& resources);

}  // namespace sluice::render
