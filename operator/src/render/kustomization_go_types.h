#pragma once
// The Go types kustomize v5 (api v0.18.0, api/types) decodes a kustomization into, described for
// go_json_decode: field names as their json tags spell them, embedded structs flattened.
#include "render/go_json_decode.h"

namespace sluice::render {

// types.Kustomization, every field and nested struct included (helm, openapi and the other
// fields sluice does not render too, so that their spellings are known and checked).
const GoType& kustomization_go_type();

// []types.ReplacementField: a `replacements` file, or the list in the kustomization.
const GoType& replacement_list_go_type();

}  // namespace sluice::render
