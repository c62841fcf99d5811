#include "render/patch_runner.h"

#include "core/error.h"
#include "render/metadata_maps.h"
#include "render/name_history.h"
#include "render/resource_id.h"
#include "render/resources.h"
#include "render/transformers/strategic_merge.h"

namespace sluice::render {
namespace fs = std::filesystem;
namespace {

std::string trim_copy(const std::string& text) {
  const std::size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

std::string patch_text(const FileSystem& files, const fs::path& dir, const PatchEntry& entry,
                       bool json6902) {
  std::string inline_patch = json6902 ? entry.patch : trim_copy(entry.patch);
  if (!entry.path.empty() && !inline_patch.empty()) {
    throw invalid_argument(json6902 ? "must specify a file path or jsonOp, not both"
                                    : "patch and path can't be set at the same time");
  }
  if (entry.path.empty()) {
    if (inline_patch.empty()) {
      throw invalid_argument(json6902 ? "empty file path and empty jsonOp"
                                      : "must specify one of patch and path");
    }
    return inline_patch;
  }
  std::string text = files.read_named_file(dir, entry.path);
  if (json6902 && text.empty()) {
    throw invalid_argument("patch file '" + entry.path + "' empty seems to be empty");
  }
  return text;
}

// The documents of a strategic merge patch, read as kustomize reads resources.
std::vector<Object> patch_documents(std::string_view text) {
  return parse_resources(text);
}

// Runs a strategic merge patch as kustomize's ResMap.ApplySmPatch, keeping name history.
bool apply_strategic_merge(std::vector<Object>& resources, const std::vector<std::size_t>& selected,
                           const Object& patch,
                           const transformers::StrategicMergeOptions& options) {
  return transformers::apply_strategic_merge_patch_to(
      resources, selected, patch, options, [](Object& object) {
        store_previous_id(object, object.name(), object.namespace_name(), object.kind());
      });
}

// kustomize's ResMap.ApplySmPatch (patches with a target, and patchesStrategicMerge) merges a
// copy of the patch whose labels and annotations it first rewrote as string maps: a null value
// there becomes the string "null" instead of deleting, and a label or annotation field that is
// not a map is dropped from the patch. `patches` entries without a target skip that step.
Object with_string_metadata(Object patch) {
  rewrite_metadata_map(patch.json(), "labels");
  rewrite_metadata_map(patch.json(), "annotations");
  return patch;
}

std::size_t find_by_any_id(const std::vector<Object>& resources, const Object& patch,
                           const std::string& prefix) {
  std::vector<std::vector<ResourceId>> ids;
  ids.reserve(resources.size());
  for (const Object& object : resources) ids.push_back(all_ids(object));
  return transformers::find_patch_target(ids, patch, prefix);
}

// A `patches` entry that is not JSON 6902 (kustomize's PatchTransformer): without a target
// each document patches the resource with its own id, with one it patches every selected
// resource.
void apply_strategic_merge_entry(const PatchEntry& entry, const std::string& text,
                                 std::vector<Object>& resources) {
  const std::string source = entry.path.empty() ? "[patch: " + Json(text).dump() + "]"
                                                : "[path: " + Json(entry.path).dump() + "]";
  std::vector<Object> patches;
  try {
    patches = patch_documents(text);
  } catch (const Error& e) {
    throw invalid_argument("unable to parse SM or JSON patch from " + source + ": " + e.message());
  }
  if (patches.empty()) throw invalid_argument("unable to parse SM or JSON patch from " + source);
  const transformers::StrategicMergeOptions options{entry.allow_name_change,
                                                    entry.allow_kind_change};
  if (entry.has_target) {
    if (patches.size() > 1) {
      throw invalid_argument(
          "Multiple Strategic-Merge Patches in one `patches` entry is not allowed to set "
          "`patches.target` field: " +
          source);
    }
    const std::vector<transformers::OriginalId> originals = original_ids(resources);
    apply_strategic_merge(resources,
                          transformers::select_targets(resources, entry.target, &originals),
                          with_string_metadata(patches.front()), options);
    return;
  }
  bool deleted = false;
  for (const Object& patch : patches) {
    // kustomize leaves a resource deleted this way in place until the entry is done, and
    // crashes looking up the next document's target past it.
    if (deleted) {
      throw invalid_argument("a patch that deletes a resource must be the last document of " +
                             source + " (kustomize cannot look up the next one)");
    }
    const std::string id = ResourceId::of(patch).to_string();
    const std::size_t index = find_by_any_id(
        resources, patch, "no resource matches strategic merge patch \"" + id + "\": ");
    deleted = apply_strategic_merge(resources, {index}, patch, options);
  }
}

}  // namespace

// `patches` (json6902 false) or `patchesJson6902` (true), in order. kustomize v5.5 runs
// both through its PatchTransformer: a target that selects nothing is not an error.
void apply_patches(const FileSystem& files, const fs::path& dir,
                   const std::vector<PatchEntry>& patches, std::vector<Object>& resources,
                   bool json6902) {
  for (const PatchEntry& entry : patches) {
    const std::string text = patch_text(files, dir, entry, json6902);
    if (!json6902 && !transformers::is_json6902(text)) {
      apply_strategic_merge_entry(entry, text, resources);
      continue;
    }
    const Json operations = transformers::parse_json6902(text);
    if (!entry.has_target) throw invalid_argument("must specify a target for patch " + text);
    if (json6902 && entry.target.name.empty()) {
      throw invalid_argument("must specify the target name");
    }
    const std::vector<transformers::OriginalId> originals = original_ids(resources);
    const std::vector<std::size_t> selected =
        transformers::select_targets(resources, entry.target, &originals);
    std::vector<ResourceId> before;
    before.reserve(selected.size());
    for (const std::size_t i : selected) before.push_back(ResourceId::of(resources[i]));
    transformers::apply_json6902(resources, selected, operations);
    // `patches` store each target's id, whether or not the patch renames it;
    // patchesJson6902 does not.
    for (std::size_t k = 0; !json6902 && k < selected.size(); ++k) {
      store_previous_id(resources[selected[k]], before[k].name, before[k].namespace_,
                        before[k].gvk.kind);
    }
  }
}

// The deprecated `patchesStrategicMerge` (kustomize's PatchStrategicMergeTransformer): each
// entry is inline YAML when it reads as resources, else a file.
void apply_patches_strategic_merge(const FileSystem& files, const fs::path& dir,
                                   const std::vector<std::string>& entries,
                                   std::vector<Object>& resources) {
  if (entries.empty()) return;
  std::vector<Object> patches;
  for (const std::string& entry : entries) {
    std::vector<Object> inline_patches;
    bool is_inline = true;
    try {
      inline_patches = patch_documents(entry);
    } catch (const Error&) {
      is_inline = false;
    }
    if (is_inline) {
      for (Object& patch : inline_patches) patches.push_back(std::move(patch));
      continue;
    }
    PatchEntry file;
    file.path = entry;
    const std::string text = patch_text(files, dir, file, false);
    try {
      for (Object& patch : patch_documents(text)) patches.push_back(std::move(patch));
    } catch (const Error& e) {
      throw e.with_context(entry);
    }
  }
  if (patches.empty()) throw invalid_argument("patch appears to be empty");
  for (const Object& patch : patches) {
    const std::size_t index = find_by_any_id(resources, patch, "");
    apply_strategic_merge(resources, {index}, with_string_metadata(patch), {});
  }
}

}  // namespace sluice::render
