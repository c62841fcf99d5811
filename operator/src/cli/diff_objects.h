#pragma once

// The pure part of `sluice diff` (cli/diff_command.h): what of a live object and of the server's
// dry-run answer is compared and printed, and how Secret values are hidden.
//
// As fluxcd/pkg/ssa's Diff: the fields the server rewrites on every write (managedFields,
// resourceVersion, generation, uid, creationTimestamp, selfLink) and status say nothing about
// what an apply would change, so both sides lose them before they are compared; what is left
// is compared whole (labels, annotations, spec, data, ...).

#include <string>

#include "core/json.h"

namespace sluice::cli {

// `object` without the fields above. Never throws.
Json comparable(Json object);

// Whether `object` is a core v1 Secret.
bool is_secret(const Json& object);

// The mask that stands for a Secret value (flux diff's): "***" where both sides hold the same
// value (or only one side has the key), "*** (before)" and "*** (after)" where it changed.
inline constexpr const char* kMask = "***";
inline constexpr const char* kMaskBefore = "*** (before)";
inline constexpr const char* kMaskAfter = "*** (after)";

// Replaces, in place, every value of `data` and `stringData` of the Secrets `live` and
// `merged` by a mask (above), keeping the keys, so a diff of the two still shows which keys
// were added, removed or changed but no value. The annotation
// kubectl.kubernetes.io/last-applied-configuration, which a client-side `kubectl apply` leaves
// holding the values in clear, is masked the same way. Either side may be null (nothing to
// mask there). Never throws.
void mask_secret_values(Json& live, Json& merged);

}  // namespace sluice::cli
