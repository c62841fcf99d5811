#pragma once
// The patch transformers of one kustomization: `patchesStrategicMerge`, `patches` (strategic
// merge or JSON 6902 bodies, inline or from files) and `patchesJson6902`, as kustomize's
// PatchStrategicMergeTransformer, PatchTransformer and PatchJson6902Transformer run them, with
// the name history they record (name_history.h). Patch files are read through `files`, held to
// the kustomization directory `dir`.
#include <filesystem>
#include <string>
#include <vector>

#include "core/object.h"
#include "render/file_system.h"
#include "render/kustomization.h"

namespace sluice::render {

// `patches` (json6902 false) or `patchesJson6902` (true), in order. A target that selects
// nothing is not an error (kustomize v5.5). Throws kInvalidArgument with kustomize's messages.
void apply_patches(const FileSystem& files, const std::filesystem::path& dir,
                   const std::vector<PatchEntry>& patches, std::vector<Object>& resources,
                   bool json6902);

// The deprecated `patchesStrategicMerge`: each entry is inline YAML when it reads as
// resources, else a file; each patch applies to the resource with its id.
void apply_patches_strategic_merge(const FileSystem& files, const std::filesystem::path& dir,
                                   const std::vector<std::string>& entries,
                                   std::vector<Object>& resources);

}  // namespace sluice::render
