#include "render/plugin_runner.h"

#include <utility>

#include "core/error.h"
#include "render/plugin_generators.h"
#include "render/plugin_transformers.h"
#include "render/resource_id.h"

namespace sluice::render {
namespace {

// kustomize's loader names a failing plugin by its config's id.
Error in_plugin(const Error& e, const Object& config) {
  return e.with_context("plugin " + ResourceId::of(config).to_string());
}

void remove_validated_by_label(std::vector<Object>& resources) {
  for (Object& resource : resources) {
    Json& metadata = resource.json()["metadata"];
    if (!metadata.is_object() || !metadata.contains("labels")) continue;
    Json& labels = metadata["labels"];
    if (labels.is_object()) labels.erase("validated-by");
  }
}

}  // namespace

void run_plugin_generators(const std::vector<std::string>& entries, const PluginContext& context,
                           std::vector<Object>& resources) {
  if (entries.empty()) return;
  for (const Object& config :
       read_plugin_configs(entries, context.load_path, context.inline_origin)) {
    const std::string kind = builtin_plugin_kind(config, "generator");
    std::vector<PluginGenerated> generated;
    try {
      generated = run_generator_plugin(kind, config, context.read_file);
    } catch (const Error& e) {
      throw in_plugin(e, config);
    }
    const std::optional<Origin> origin = plugin_origin(config);
    for (PluginGenerated& item : generated) {
      if (origin) set_origin_if_absent(item.object, *origin);
      transformers::absorb_generated(resources, std::move(item.object), item.behavior);
    }
  }
}

void run_plugin_transformers(const std::vector<std::string>& entries, const PluginContext& context,
                             std::vector<Object>& resources) {
  if (entries.empty()) return;
  for (const Object& config :
       read_plugin_configs(entries, context.load_path, context.inline_origin)) {
    const std::string kind = builtin_plugin_kind(config, "transformer");
    try {
      run_transformer_plugin(kind, config, context.files, context.dir, resources);
    } catch (const Error& e) {
      throw in_plugin(e, config);
    }
    if (const std::optional<Origin> origin = plugin_origin(config)) {
      record_transformation(resources, *origin);
    }
  }
}

void run_plugin_validators(const std::vector<std::string>& entries, const PluginContext& context,
                           const std::vector<Object>& resources) {
  if (entries.empty()) return;
  for (const Object& config :
       read_plugin_configs(entries, context.load_path, context.inline_origin)) {
    const std::string kind = builtin_plugin_kind(config, "transformer");
    std::vector<Object> validated = resources;
    try {
      run_transformer_plugin(kind, config, context.files, context.dir, validated);
    } catch (const Error& e) {
      throw in_plugin(e, config);
    }
    remove_validated_by_label(validated);
    if (validated != resources) {
      throw invalid_argument("validator shouldn't modify the resource map (plugin " +
                             ResourceId::of(config).to_string() + ")");
    }
  }
}

}  // namespace sluice::render
