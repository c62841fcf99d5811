#pragma once

// The diff verb of the apply engine: which desired objects must be sent to the server, decided
// from the watch cache and what sluice remembers of its last applies (apply/drift.h), without
// a request. An object whose live copy is annotated sluice.dev/reconcile: disabled is left
// alone.

#include <map>
#include <string>
#include <vector>

#include "apply/drift.h"
#include "apply/live_objects.h"
#include "core/object.h"

namespace sluice::apply {

using AppliedStates = std::map<ObjectId, AppliedState>;

struct Plan {
  std::vector<Object> to_apply;     // in the order given
  std::vector<ObjectId> drifted;    // changed by someone else since sluice applied them
  std::vector<ObjectId> missing;    // deleted by someone else (or never applied)
  std::vector<ObjectId> unchanged;  // nothing to send
  std::vector<ObjectId> disabled;   // sluice.dev/reconcile: disabled on the live object
};

// Every desired object's kind must have been LiveObjects::watch()ed.
Plan plan(const std::vector<Object>& desired, const AppliedStates& remembered,
          const LiveObjects& live);

}  // namespace sluice::apply
