#pragma once
// RFC 6902 JSON patches applied the way kustomize v5.5 applies them (it uses
// gopkg.in/evanphx/json-patch.v4), which departs from the RFC where a path is missing:
//
// - a path is split at every '/' and its first segment ignored, so "a/b" means "/b"; a path
//   without a '/' (the empty one included) names nothing, except for `replace` and `test`,
//   where "" is the whole document;
// - every segment but the last must lead to an existing map or list (a null counts as missing);
// - `replace` of a missing map key adds it; of a missing list index it fails;
// - `remove` and `move` of a missing map key fail; `copy` from one copies null;
// - `test` of a missing key or null passes exactly when the value is null;
// - `add`, `copy` and `replace` without a `value` use null;
// - list indices may be negative, counting from the end (-1 is the last element, and for `add`
//   the position after it); "-" appends, for `add` only.
#include <cstddef>

#include "core/json.h"

namespace sluice::render::transformers {

// At most this many JSON nodes may be copied by `copy` operations in one patch application:
// each copy can double the document, so a short patch could otherwise exhaust memory.
inline constexpr std::size_t kMaxJsonPatchCopiedNodes = 1'000'000;

// Applies `operations` (a list of operation maps) to `document` in order and returns the
// result. Throws kInvalidArgument, with the failing operation's path, when an operation does
// not apply (kustomize fails the build then, or crashes, where noted in json_patch.cpp), and
// kResourceExhausted past kMaxJsonPatchCopiedNodes.
Json apply_json_patch(Json document, const Json& operations);

}  // namespace sluice::render::transformers
