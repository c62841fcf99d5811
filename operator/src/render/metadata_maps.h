#pragma once
// metadata.labels and metadata.annotations as kustomize reads and writes them. kyaml reads them
// as string maps (GetLabels, GetAnnotations: each value as the text of its YAML node) and writes
// string maps back (SetLabels, SetAnnotations) at several points of a build: after a JSON 6902
// patch, on a strategic merge patch's own metadata, and on every resource's annotations at the
// end. What is printed changes with each round trip: values become strings, anything but a map
// is dropped, and an empty map disappears.
//
// kyaml keeps the text a scalar was written with (0x1F, 1.50, ~, or an empty value). sluice reads
// YAML into JSON values and cannot tell those spellings apart; it uses the canonical one (31,
// 1.5, null), so only such non-canonical spellings print differently from kustomize.
#include <string>
#include <string_view>
#include <vector>

#include "core/object.h"

namespace sluice::render {

// The text kyaml holds for a value sluice read as `value`: a string as it is, true or false,
// an integer in decimal, a float as Go's JSON encoder spells it (1.0 is "1"), null as "null",
// and "" for a map or a list (a collection node has no text).
std::string kyaml_text(const Json& value);

// kyaml's getMapFromMeta on the value of metadata.labels or metadata.annotations: a map's
// entries with their values' text, a list's items taken in pairs as key and value, nothing for
// anything else. Throws kInvalidArgument for a list of odd length (kustomize crashes on it);
// `field` names the field in the message.
StringMap kyaml_string_map(const Json& value, std::string_view field);

// kyaml_string_map of metadata.<field> ("labels" or "annotations") of `object`; empty when
// there is no such field or metadata is not a map.
StringMap kyaml_metadata_map(const Json& object, std::string_view field);

// kyaml's Set of what its Get returned, on metadata.<field> of `object`: the field becomes its
// kyaml_metadata_map, or is removed when that is empty. Nothing happens when metadata is not a
// map.
void rewrite_metadata_map(Json& object, std::string_view field);

// What kustomize does to every resource's annotations at the end of a build (its removal of
// build, origin and transformation annotations rewrites them): rewrite_metadata_map, except
// that with both originAnnotations and transformerAnnotations in buildMetadata only the build
// annotations are removed, which leaves annotations alone when they read as an empty map.
void finish_annotations(std::vector<Object>& objects, bool keeps_build_metadata_annotations);

}  // namespace sluice::render
