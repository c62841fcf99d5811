#pragma once
// kustomize's PrefixSuffixTransformer (the `namePrefix` and `nameSuffix` fields).
#include <string_view>
#include <vector>

#include "core/object.h"
#include "render/field_spec.h"

namespace sluice::render::transformers {

// Renames every resource to prefix + name + suffix, except the kinds kustomize skips:
// CustomResourceDefinition (any group), APIService (apiregistration.k8s.io) and Namespace,
// whose names are fixed by the cluster. References to renamed objects are not updated here
// (name_reference.h does that once the whole build is done).
void add_name_prefix_suffix(std::vector<Object>& objects, std::string_view prefix,
                            std::string_view suffix);

// The rest of a TransformerConfig's namePrefix (or nameSuffix) field specs, beyond the
// metadata/name of every kind that add_name_prefix_suffix covers: CRD identity fields
// (x-kubernetes-identity) and `configurations` entries. `affix` is put before (or after) the
// scalar at each field the specs reach (a number or boolean becoming a string) in the resources
// add_name_prefix_suffix does not skip; missing fields are created (with the affix alone) only
// by specs that say `create`.
void add_affix_to_fields(std::vector<Object>& objects, std::string_view affix, bool is_prefix,
                         const std::vector<FieldSpec>& specs);

}  // namespace sluice::render::transformers
