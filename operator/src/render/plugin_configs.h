#pragma once
// The config documents of the plugins a kustomization names in `generators`, `transformers` and
// `validators` (kustomize's configureExternalGenerators/Transformers and its plugin loader).
//
// Each entry is inline YAML holding config documents, or a file or kustomization folder whose
// resources are the configs. kubectl runs kustomize with plugins disabled, so only kustomize's
// builtin plugins load: a config whose apiVersion is `builtin` names one by its kind. Exec and Go
// plugins and KRM function containers (any other apiVersion) fail there, and fail here too.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/object.h"
#include "render/build_metadata.h"

namespace sluice::render {

// Loads a path entry as `resources` entries load (a file or a kustomization folder built on its
// own), with the builder's load restrictions and origin annotations.
using PluginPathLoader = std::function<std::vector<Object>(const std::string& entry)>;

// The configs of `entries` in kustomize's order: the inline entries first (an entry is inline
// when it reads as resources; an empty one holds none), then the path entries through
// `load_path`, each in list order. `inline_origin`, when set, is given to inline configs as their
// origin annotation (kustomize: the kustomization file they are written in). Throws
// kInvalidArgument when two configs have the same id, as kustomize's accumulator does.
std::vector<Object> read_plugin_configs(const std::vector<std::string>& entries,
                                        const PluginPathLoader& load_path,
                                        const std::optional<Origin>& inline_origin);

// The builtin kind a config names: apiVersion `builtin` and a kind kustomize registers as a
// builtin plugin of `role` ("generator" or "transformer"), with kustomize's error otherwise:
// kUnimplemented for any other apiVersion (external plugins are disabled in kubectl),
// kInvalidArgument for an unknown builtin kind or one that is not of `role`.
std::string builtin_plugin_kind(const Object& config, std::string_view role);

// kustomize's OriginFromCustomPlugin: when the config carries an origin annotation (origins are
// tracked), the origin of what it generates or transforms: configured in the config's own path
// and by its apiVersion, kind, name and namespace.
std::optional<Origin> plugin_origin(const Object& config);

}  // namespace sluice::render
