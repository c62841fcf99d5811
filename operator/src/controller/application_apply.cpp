// The apply, prune and health phases of the Application reconcile (application_reconciler.h).
#include <set>

#include "api/conditions.h"
#include "api/group.h"
#include "apply/applier.h"
#include "apply/pruner.h"
#include "controller/application_reconciler.h"
#include "controller/reasons.h"
#include "controller/status_patch.h"
#include "core/rfc3339.h"

namespace sluice::controller {
namespace {

void count(Metrics& metrics, const apply::Results& results) {
  for (const apply::ObjectResult& result : results.objects) {
    if (result.action == apply::Action::kSkipped || result.action == apply::Action::kFailed) {
      continue;
    }
    metrics.objects_applied.labels({std::string(apply::to_string(result.action))}).inc();
  }
}

}  // namespace

void ApplicationReconciler::apply(ApplicationRun& run, runtime::AbortSource& abort) {
  ApplicationMemory& memory = *run.memory;
  const std::vector<Object>& desired = *run.desired;
  // Kinds this revision introduces (their CRDs are in the same revision) are not served yet;
  // they are watched once applied.
  std::set<GroupVersionKind> unserved;
  try {
    std::set<GroupVersionKind> kinds;
    for (const Object& object : desired) kinds.insert(object.gvk());
    for (const apply::InventoryEntry& entry : run.previous_inventory.entries()) {
      kinds.insert(entry.gvk());
    }
    for (const GroupVersionKind& gvk : kinds) {
      try {
        owned_.watch(gvk, abort);
      } catch (const Error& e) {
        if (e.code() != ErrorCode::kNotFound) throw;
        unserved.insert(gvk);
      }
    }
  } catch (const Error& e) {
    abort.check();
    run.fail(reason::kApplyFailed, e);
    return;
  }

  // Applied before, by this process or one before it: the status's newest history entry.
  const Json* history = find_member(run.cached, {"status", "history"});
  const bool applied_before = history != nullptr && history->is_array() && !history->empty() &&
                              string_member((*history)[0], {"result"}) == "Applied" &&
                              string_member((*history)[0], {"digest"}) == memory.desired_digest;
  run.plan = apply::plan(desired, memory.applied, owned_, applied_before);
  memory.applied.insert(run.plan.adopted.begin(), run.plan.adopted.end());
  // Objects the diff found unchanged are not sent, but they were reconciled: count them.
  if (!run.plan.unchanged.empty()) {
    context_.metrics.objects_applied.labels({"unchanged"})
        .inc(static_cast<double>(run.plan.unchanged.size()));
  }
  const apply::Inventory next = apply::Inventory::of(desired);
  const bool report_only = run.spec.drift == api::DriftMode::kReport;
  if (report_only && !run.plan.drifted.empty()) {
    // Drift is recorded, not corrected: leave those objects as someone else made them.
    std::set<ObjectId> drifted(run.plan.drifted.begin(), run.plan.drifted.end());
    std::erase_if(run.plan.to_apply,
                  [&](const Object& object) { return drifted.contains(object.id()); });
  }
  run.inventory = next;
  const bool prunes = run.spec.prune && !run.previous_inventory.stale_in(next).empty();
  if (run.plan.to_apply.empty() && !prunes) return;

  // Inventory first: everything this run may create is recorded before it exists, so a crash
  // mid-apply leaves nothing that a later prune would not know of.
  if (run.previous_inventory.merged_with(next) != run.previous_inventory) {
    // Computed over the object the write lands on: after a conflict that is the server's,
    // whose inventory may hold more than the cache showed.
    const auto ahead = [&](const Json& object) {
      Json status = status_of(object);
      status["inventory"] = apply::Inventory::from_status(find_member(status, {"inventory"}))
                                .merged_with(next)
                                .to_json();
      api::Conditions conditions = api::Conditions::from_json(find_member(status, {"conditions"}));
      conditions.set(api::condition::kReconciling, api::ConditionStatus::kTrue,
                     reason::kProgressing, "applying revision " + run.revision(), run.generation,
                     format_rfc3339(std::chrono::system_clock::now()));
      status["conditions"] = conditions.to_json();
      return status;
    };
    try {
      // finish() diffs against what the server now holds.
      run.cached = write_status(context_.client, applications(), run.cached, ahead);
    } catch (const Error& e) {
      abort.check();
      run.fail(reason::kInventoryFailed, e.with_context("recording the inventory"));
      return;
    }
    memory.written = run.cached;
    // What the cluster may hold now.
    run.previous_inventory =
        apply::Inventory::from_status(find_member(run.cached, {"status", "inventory"}));
  }

  if (!run.plan.to_apply.empty()) {
    apply::ApplierOptions options;
    options.parallelism = options_.apply_parallelism;
    options.recreate_immutable = run.spec.force;
    options.wait_timeout = run.spec.effective_timeout();
    apply::Applier applier(client_for(run), context_.mapper, owned_, context_.pool, options);
    run.applied = applier.apply(run.plan.to_apply, abort);
    count(context_.metrics, run.applied);
    for (const apply::ObjectResult& result : run.applied.objects) {
      if (result.state) memory.applied[result.id] = *result.state;
    }
    for (const GroupVersionKind& gvk : unserved) {
      try {
        owned_.watch(gvk, abort);
      } catch (const Error&) {
        abort.check();  // still not served: its apply failed, which is reported below
      }
    }
    if (!run.applied.failures().empty()) {
      run.inventory = run.previous_inventory;  // some of `next` may exist, all of the old may
      run.fail(reason::kApplyFailed, Error(ErrorCode::kUnavailable, run.applied.failure_message()));
      return;
    }
  }
  if (!run.plan.drifted.empty()) {
    context_.metrics.drift.labels({report_only ? "reported" : "corrected"})
        .inc(static_cast<double>(run.plan.drifted.size()));
  }
}

void ApplicationReconciler::prune(ApplicationRun& run, runtime::AbortSource& abort) {
  const apply::Inventory next = run.inventory;  // the revision's objects, set by apply()
  const std::vector<apply::InventoryEntry> stale = run.previous_inventory.stale_in(next);
  if (!run.spec.prune || stale.empty()) return;
  apply::Pruner pruner(client_for(run), context_.mapper, owned_);
  run.pruned =
      pruner.prune(stale, {run.application.name(), run.application.namespace_name()}, abort);
  count(context_.metrics, run.pruned);
  for (const apply::ObjectResult& result : run.pruned.objects) {
    if (result.action == apply::Action::kPruned) run.memory->applied.erase(result.id);
  }
  const auto failures = run.pruned.failures();
  if (!failures.empty()) {
    // Keep what could not be deleted in the inventory, so the next reconcile tries again.
    std::vector<apply::InventoryEntry> undeleted;
    undeleted.reserve(failures.size());
    for (const apply::ObjectResult* failed : failures) {
      undeleted.push_back({failed->id, failed->version});
    }
    const apply::Inventory kept = next.merged_with(apply::Inventory::of(std::move(undeleted)));
    run.inventory = kept;
    run.fail(reason::kPruneFailed, Error(ErrorCode::kUnavailable, run.pruned.failure_message()));
  }
}

void ApplicationReconciler::check_health(ApplicationRun& run, runtime::AbortSource& abort) {
  if (!run.spec.wait) return;
  std::vector<std::pair<GroupVersionKind, ObjectId>> objects;
  for (const Object& object : *run.desired) objects.emplace_back(object.gvk(), object.id());
  const runtime::Clock::TimePoint deadline =
      run.started +
      std::chrono::duration_cast<runtime::Clock::Duration>(run.spec.effective_timeout());
  run.health = apply::wait_for_health(objects, owned_, deadline, context_.clock, abort);
  if (run.health->healthy()) return;
  std::string message = run.health->message();
  if (run.health->timed_out) {
    message = "timed out after " + format_duration(run.spec.effective_timeout()) +
              " waiting for: " + message;
  }
  run.fail(reason::kHealthCheckFailed, Error(ErrorCode::kDeadlineExceeded, message));
}

}  // namespace sluice::controller
