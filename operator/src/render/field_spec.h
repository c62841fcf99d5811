#pragma once
// kustomize's FieldSpec: "this path, in objects of this group/version/kind". The built-in
// transformers (namespace, labels, annotations, prefix/suffix) are driven by tables of them
// (kustomize's api/konfig/builtinpluginconsts), so sluice keeps the same tables.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/object.h"

namespace sluice::render {

struct FieldSpec {
  // Empty group, version or kind match anything (kustomize's Gvk.IsSelected).
  std::string group;
  std::string version;
  std::string kind;
  // Slash-separated, as kustomize writes it ("spec/template/metadata/labels"); a "[]" suffix
  // on an element marks a list, but lists are walked into whether or not it is written.
  std::string path;
  // Create the field (and missing maps on the way) when it is absent.
  bool create = false;
};

bool selects(const FieldSpec& spec, const GroupVersionKind& gvk);

// The keys of a spec path, without "[]" list markers and with "\/" read as a slash inside a key.
std::vector<std::string> path_keys(std::string_view path);

// Calls `apply` on every node `spec.path` reaches in `object` (which must match the spec's
// kind; callers check with selects()). Lists met on the way are walked element by element, as
// kyaml does. A missing or null field stops the walk unless spec.create, in which case
// intermediate maps are created and `apply` receives a null node to fill.
void for_each_field(Json& object, const FieldSpec& spec, const std::function<void(Json&)>& apply);

// kustomize's sort of a transformer config's field spec lists (Gvk.IsLessThan): by kind, the
// kinds of its legacy resource order first, then by group, version and kind. Which of two
// overlapping specs a later merge keeps depends on it (FsSlice.MergeOne keeps the first).
void sort_field_specs(std::vector<FieldSpec>& specs);

}  // namespace sluice::render
