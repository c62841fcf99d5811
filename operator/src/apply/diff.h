#pragma once

// The diff verb of the apply engine: which desired objects must be sent to the server, decided
// from the watch cache and what sluice remembers of its last applies (apply/drift.h), without
// a request. An object whose live copy is annotated sluice.dev/reconcile: disabled is left
// alone.
//
// Adoption. A process that has just started (a restart, a standby taking over) remembers no
// applies. When the caller knows that exactly these desired objects were applied before (the
// Application's status records their digest as applied), an object whose live copy still holds
// every desired value (drift.h's holds()) is adopted: remembered from the live copy and not
// sent. Without that record nothing is adopted: a field dropped from the desired object would
// otherwise stay on the live one, since only an apply removes what sluice owned.

#include <map>
#include <string>
#include <vector>

#include "apply/drift.h"
#include "apply/live_objects.h"
#include "core/object.h"

namespace sluice::apply {

using AppliedStates = std::map<ObjectId, AppliedState>;

struct Plan {
  std::vector<Object> to_apply;   // in the order given
  std::vector<ObjectId> drifted;  // changed by someone else since sluice applied them
  // For each drifted object, the fields that differ (drift.h's drifted_fields).
  std::map<ObjectId, std::vector<std::string>> drift_fields;
  std::vector<ObjectId> missing;    // deleted by someone else (or never applied)
  std::vector<ObjectId> unchanged;  // nothing to send
  std::vector<ObjectId> disabled;   // sluice.dev/reconcile: disabled on the live object
  AppliedStates adopted;            // unchanged ones first remembered now (see above)
};

// Every desired object's kind must have been LiveObjects::watch()ed. `adopt`: these desired
// objects were applied before (see above).
Plan plan(const std::vector<Object>& desired, const AppliedStates& remembered,
          const LiveObjects& live, bool adopt = false);

}  // namespace sluice::apply
