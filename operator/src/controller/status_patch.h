#pragma once

// Writing status only when it changed: the next status is computed in full from the cached
// object's, compared with it, and sent as the smallest JSON merge patch (RFC 7386) that turns
// one into the other. An unchanged reconcile sends nothing.

#include <string>

#include "kube/client.h"

namespace sluice::controller {

// The RFC 7386 merge patch that turns `from` into `to`: changed members, removed ones as null,
// objects recursively, anything else (arrays included) replaced whole. Null when equal.
Json merge_diff(const Json& from, const Json& to);

// Patches the status subresource of `object` (as the watch cache holds it) to `next` unless
// they are equal. Returns whether a request was sent. Throws what the client throws.
bool patch_status(const kube::Client& client, const kube::Resource& resource, const Json& object,
                  const Json& next);

// `object`'s status, or an empty object.
Json status_of(const Json& object);

}  // namespace sluice::controller
