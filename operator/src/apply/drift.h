#pragma once

// Drift without asking the API server: did anyone change a field sluice applied since it
// applied it?
//
// Server-side apply makes the server default, normalise and merge what was sent ("500m" may
// come back as "0.5", a container gains imagePullPolicy, a list keeps entries other managers
// own), so the desired object can never be compared with the live one directly. Instead
// sluice remembers the *projection* of the server's answer to its apply onto the fields it
// sent, and later compares it with the same projection of the live object from the watch
// cache. Equal projections: nobody touched what sluice manages, and no request is needed.
//
//   project(desired, live): for an object in desired, the same keys of live, each projected
//   (a key missing in live stays missing); anything else (scalars, and lists, which the server
//   merges by key and may extend) is live's value as it is.
//
// A fingerprint is a sha256 over the projection's canonical JSON text (keys sorted), so the
// applied state of thousands of objects costs 32 bytes each to remember. The top-level
// apiVersion and kind are left out of it: objects from a list response lack them.

#include <string>
#include <vector>

#include "core/json.h"

namespace sluice::apply {

// The part of `live` at the paths of `desired` (see above). Never throws.
Json project(const Json& desired, const Json& live);

// sha256 (hex) of the canonical JSON text of `value`.
std::string fingerprint(const Json& value);

// What sluice remembers of one applied object.
struct AppliedState {
  std::string desired;   // fingerprint(desired object as sent)
  std::string response;  // fingerprint(project(desired, server's answer))
  bool operator==(const AppliedState&) const = default;
};

// The state to remember after applying `desired` and receiving `response`.
AppliedState applied_state(const Json& desired, const Json& response);

// Whether `live` still holds every value of `desired`: each key of a desired object is in
// live's with a value that holds it; a desired list is matched item by item by a live list of
// the same length; other values are equal. What the server adds (defaults inside list items,
// status, metadata) does not matter; what someone changed or removed does. Values the server
// normalises ("500m" read back as "0.5") do not hold, which errs on the side of applying.
bool holds(const Json& live, const Json& desired);
// holds() for a whole object, but for its top-level apiVersion and kind (see above).
bool live_object_holds(const Json& live, const Json& desired);

// The fields of `desired` that `live` does not hold, as paths ("spec.replicas",
// "spec.template.spec.containers[0].image", "metadata.labels.app"), in document order, at
// most `limit` of them; a list whose length changed is one path. For telling people what
// drifted: the server's normalisation of a value can show up here too.
std::vector<std::string> drifted_fields(const Json& desired, const Json& live,
                                        std::size_t limit = 10);

// Whether `desired` must be sent again, given what was remembered and the live object (null
// when the cache has none): a new desired object, a missing live object, or a projection that
// changed since the apply (drift).
enum class Need { kNothing, kApplyChanged, kApplyMissing, kApplyDrifted };
Need need_apply(const Json& desired, const AppliedState* remembered, const Json* live);

}  // namespace sluice::apply
