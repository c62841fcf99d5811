#pragma once
// The renderer's entry point: builds a kustomization (or a plain folder of YAML) into the list
// of resources `kubectl kustomize` would print, in the same order.
//
// What it covers: resources (files, folders with their own kustomization, recursively) and
// the deprecated `bases`; components; configMapGenerator and secretGenerator with
// generatorOptions (run after the resources, merged into or replacing them by behavior, and
// given kustomize's content-hash name suffix once the whole tree is built); strategic merge
// and JSON 6902 patches, namespace, namePrefix/nameSuffix, labels and commonLabels,
// commonAnnotations, replicas and images, applied per kustomization in kustomize's transformer
// order after that kustomization's resources are accumulated; duplicate-id detection; name
// references fixed once over the whole result (kustomize's FixBackReferences); buildMetadata;
// sortOptions of the top kustomization (legacy by default); `crds` and `configurations`, which
// add field specs to the kustomization's TransformerConfig (transformer_config.h), merged up
// into the kustomizations that include it; `generators`, `transformers` and `validators` naming
// kustomize's builtin plugins, run after the kustomization's own generators, transformers
// (plugin_runner.h). Other kustomization fields are refused with kUnimplemented (see
// kustomization.h).
//
// kustomize matches `replicas` by any name a resource has had, patch targets by its current or
// its original name and namespace, and name references by previous names, original namespace
// and the prefixes and suffixes applied; the builder keeps that history in hidden keys of each
// resource's JSON while it builds and removes them before returning.
//
// A build DIR without a kustomization file renders every .yaml/.yml file below it, as Flux
// does (it generates a kustomization listing them); a sub-folder that has a kustomization file
// is built as one and not searched further. Only the top folder gets this treatment: a
// resource entry naming a folder without a kustomization is an error, as in kustomize.
//
// Paths are confined twice: to the repository root (FileSystem) and, for resource files, to
// the directory of the kustomization naming them (kustomize's default load restrictions).
#include <filesystem>
#include <string>
#include <vector>

#include "core/object.h"

namespace sluice::render {

struct BuildOptions {
  // The repository root nothing may escape; empty means the build directory itself (`sluice
  // build` passes work_tree_root(dir) from file_system.h instead, the operator its snapshot).
  std::filesystem::path root;
  // When set, kustomize's deprecation warnings ("# Warning: 'bases' is deprecated...") are
  // appended here, for the caller to print on stderr.
  std::vector<std::string>* warnings = nullptr;
};

// Renders `dir`. Throws sluice::Error on any failure; messages start with the file (relative to
// the root) the problem is in.
std::vector<Object> build(const std::filesystem::path& dir, const BuildOptions& options = {});

}  // namespace sluice::render
