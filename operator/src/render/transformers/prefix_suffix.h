#pragma once
// kustomize's PrefixSuffixTransformer (the `namePrefix` and `nameSuffix` fields).
#include <string_view>
#include <vector>

#include "core/object.h"

namespace sluice::render::transformers {

// Renames every resource to prefix + name + suffix, except the kinds kustomize skips:
// CustomResourceDefinition (any group), APIService (apiregistration.k8s.io) and Namespace,
// whose names are fixed by the cluster. References to renamed objects are not updated here
// (name_reference.h does that once the whole build is done).
void add_name_prefix_suffix(std::vector<Object>& objects, std::string_view prefix,
                            std::string_view suffix);

}  // namespace sluice::render::transformers
