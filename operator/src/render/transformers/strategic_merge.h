#pragma once
// kustomize v5.5's strategic merge patches (PatchStrategicMergeTransformer and the `patches`
// entries that are not JSON 6902), as they really run: kyaml's merge2 walker with lists
// growing at the front, not apimachinery's strategicpatch. In short:
// - maps merge recursively; a `null` in the patch deletes the field;
// - lists merge by key where kustomize's built-in OpenAPI schema (Kubernetes v1.21.2) gives a
//   merge strategy (containers by name, ports by containerPort and protocol, ...), with the
//   patch's elements first in the patch's order, then the resource's other elements; lists
//   without one, and every list of a kind without schema (custom resources), are replaced; a
//   custom schema the build declares (`openapi:`, render/openapi_state.h) adds or replaces
//   definitions;
// - `$patch: delete|replace|merge` on maps and lists (`- $patch: replace` as a list's own
//   element); `$patch: replace` on a keyed list element keeps the resource's element, and
//   `$retainKeys`, `$deleteFromPrimitiveList/...` and `$setElementOrder/...` are ordinary
//   fields, all as in kustomize;
// - `$patch: delete` at the top of a patch deletes the resource; `$patch: replace` there
//   leaves it as it was.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/object.h"
#include "render/resource_id.h"

namespace sluice::render::transformers {

// Merges `patch` into `resource`. Returns nullopt when the patch deletes the resource.
// Throws kInvalidArgument where kustomize fails (a map patched with a scalar, an unknown
// `$patch` value, ...).
std::optional<Json> strategic_merge(const Json& resource, const Json& patch);

struct StrategicMergeOptions {
  bool allow_name_change = false;
  bool allow_kind_change = false;
};

// kustomize's Resource.ApplySmPatch: merges, then puts back the resource's kind and name
// (unless the options allow a change; a changed name is silently undone otherwise) and always
// its namespace. metadata.annotations values become strings. Returns false when the patch
// deleted the resource.
bool apply_strategic_merge_patch(Object& resource, const Json& patch,
                                 const StrategicMergeOptions& options);

// kustomize's ResMap.GetById for a patch without target: the index of the one object that has
// had the patch's id (group, version, kind, name and effective namespace). `ids` runs parallel
// to `objects`: every id each has had, its current one included (name_history.h's all_ids).
// Throws kInvalidArgument, with kustomize's text after `prefix`, when none or several match.
std::size_t find_patch_target(const std::vector<std::vector<ResourceId>>& ids, const Object& patch,
                              std::string_view prefix);

// kustomize's ResMap.ApplySmPatch: each selected object gets a copy of `patch` carrying its
// own apiVersion; objects the patch deletes are removed (so indices shift). When the options
// allow a name or kind change, `store_previous_id`, if set, is called with each object before
// it is patched (kustomize's StorePreviousId). Returns whether any object was deleted.
bool apply_strategic_merge_patch_to(std::vector<Object>& objects,
                                    const std::vector<std::size_t>& selected, const Object& patch,
                                    const StrategicMergeOptions& options,
                                    const std::function<void(Object&)>& store_previous_id = {});

}  // namespace sluice::render::transformers
