#pragma once

// What the apply engine's verbs return: one result per object, partial successes included, so
// a caller reports what happened to every object even when some failed (as fluxcd/pkg/ssa's
// ChangeSet does).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "apply/drift.h"
#include "core/error.h"
#include "core/object.h"

namespace sluice::apply {

enum class Action {
  kCreated,     // did not exist; now does
  kConfigured,  // existed and changed
  kUnchanged,   // the apply changed nothing
  kRecreated,   // deleted and created again (immutable fields changed, spec.force)
  kPruned,      // deleted because the revision no longer holds it
  kSkipped,     // not attempted (an earlier stage failed, or prune found it not ours)
  kFailed,      // see error
};
// "created", "configured", "unchanged", "recreated", "pruned", "skipped", "failed": the
// values of the objects-applied metric's action label.
std::string_view to_string(Action action);

struct ObjectResult {
  ObjectId id;
  std::string version;  // API version
  Action action = Action::kSkipped;
  std::optional<Error> error;         // kFailed
  std::optional<AppliedState> state;  // after an apply: what to remember (drift.h)
  std::string note;                   // why skipped, for people
};

struct Results {
  std::vector<ObjectResult> objects;

  std::size_t count(Action action) const;
  std::vector<const ObjectResult*> failures() const;
  // "2 created, 1 configured, 1 pruned" (only non-zero counts; "no changes" when none).
  std::string summary() const;
  // The first few failures as "Deployment/shop/web: <message>; ...".
  std::string failure_message(std::size_t max = 3) const;
};

// "Deployment/shop/web" (kind/namespace/name, or kind/name when cluster-scoped).
std::string describe(const ObjectId& id);

}  // namespace sluice::apply
