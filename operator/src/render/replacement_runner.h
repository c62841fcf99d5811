#pragma once
// The `replacements` of one kustomization, as kustomize's ReplacementTransformer runs them
// (last among its transformers): inline entries and files of them, the files read through
// `files`, held to the kustomization directory `dir`.
#include <filesystem>
#include <vector>

#include "core/object.h"
#include "render/file_system.h"
#include "render/kustomization.h"

namespace sluice::render {

// Applies `entries` in order over `resources`, sources and targets selected by any id a
// resource has had (name_history.h). A file is decoded as sigs.k8s.io/yaml decodes it: field
// names in any case, unknown fields ignored. Throws kInvalidArgument with kustomize's
// messages, the file named in the context.
void apply_replacement_entries(const FileSystem& files, const std::filesystem::path& dir,
                               const std::vector<Kustomization::ReplacementEntry>& entries,
                               std::vector<Object>& resources);

}  // namespace sluice::render
