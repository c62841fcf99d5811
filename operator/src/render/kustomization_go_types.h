#pragma once
// The Go types kustomize v5 (api v0.18.0) decodes a kustomization and the files it names into,
// described for go_json_decode: field names as their json tags spell them, embedded structs
// flattened.
#include "render/go_json_decode.h"

namespace sluice::render {

// types.Kustomization, every field and nested struct included (helm, openapi and the other
// fields sluice does not render too, so that their spellings are known and checked).
const GoType& kustomization_go_type();

// What a file named by a `replacements` entry's path holds: []types.Replacement when `list`,
// else one types.Replacement (kustomize reads it leniently: UnknownFields::kDrop).
const GoType& replacement_file_go_type(bool list);

// builtinconfig.TransformerConfig, a `configurations` file (read strictly: kRefuse).
const GoType& transformer_config_go_type();

}  // namespace sluice::render
