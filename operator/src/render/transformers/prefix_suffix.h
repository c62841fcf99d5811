#pragma once
// kustomize's PrefixTransformer and SuffixTransformer (the `namePrefix` and `nameSuffix` fields).
#include <functional>
#include <string_view>
#include <vector>

#include "core/object.h"
#include "render/field_spec.h"

namespace sluice::render::transformers {

// Puts `affix` before (is_prefix) or after the scalar at every field the namePrefix (or
// nameSuffix) field specs of the kustomization's config reach, spec by spec in their order, as
// kustomize does: a resource is left alone when its original kind (`original_gvks`, parallel to
// `objects`; kustomize selects by the first id a resource had) is one whose name the cluster
// fixes (CustomResourceDefinition, APIService of apiregistration.k8s.io, Namespace), and a spec
// applies when it selects both the original and the current kind. Each spec on metadata/name
// renames (twice, when two such specs select a resource, as in kustomize); `before_rename`, if
// set, is called with the resource first. A number or boolean becomes a string; a missing field
// is created (with the affix alone) only by a spec that says `create`. References to renamed
// objects are not updated here (name_reference.h does that once the whole build is done).
void add_affix(std::vector<Object>& objects, std::string_view affix, bool is_prefix,
               const std::vector<FieldSpec>& specs,
               const std::vector<GroupVersionKind>& original_gvks,
               const std::function<void(Object&)>& before_rename = {});

}  // namespace sluice::render::transformers
