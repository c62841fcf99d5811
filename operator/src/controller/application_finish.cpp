// The finish phase of the Application reconcile (application_reconciler.h): status, events,
// metrics and when to come back. It runs after every other phase, whatever they did.
#include <algorithm>

#include <spdlog/spdlog.h>

#include "api/conditions.h"
#include "api/group.h"
#include "controller/application_reconciler.h"
#include "controller/reasons.h"
#include "controller/status_patch.h"
#include "core/rfc3339.h"

namespace sluice::controller {
namespace {

using api::ConditionStatus;
namespace condition = api::condition;

constexpr std::size_t kHistoryLength = 5;
constexpr std::size_t kListedObjects = 20;

std::string_view result_of(Outcome outcome) {
  switch (outcome) {
    case Outcome::kApplied:
      return "Applied";
    case Outcome::kBlocked:
      return "Blocked";
    default:
      return "Failed";
  }
}

std::string_view health_status(apply::HealthStatus status) {
  switch (status) {
    case apply::HealthStatus::kCurrent:
      return "Current";
    case apply::HealthStatus::kFailed:
      return "Failed";
    case apply::HealthStatus::kInProgress:
    case apply::HealthStatus::kTerminating:
    case apply::HealthStatus::kNotFound:
      return "InProgress";
    case apply::HealthStatus::kUnknown:
      return "Unknown";
  }
  return "Unknown";
}

Json ids(const std::vector<ObjectId>& objects) {
  Json out = Json::array();
  for (std::size_t i = 0; i < objects.size() && i < kListedObjects; ++i) {
    out.push_back(objects[i].to_string());
  }
  return out;
}

// The newest outcome first; a repeat of the newest one (same revision, digest, result and
// message) is not a new entry, so a no-op reconcile leaves history alone.
Json next_history(const Json* previous, Json entry) {
  Json history = Json::array();
  if (previous != nullptr && previous->is_array()) history = *previous;
  if (!history.empty() && history[0].is_object() &&
      string_member(history[0], {"revision"}) == string_member(entry, {"revision"}) &&
      string_member(history[0], {"digest"}) == string_member(entry, {"digest"}) &&
      string_member(history[0], {"result"}) == string_member(entry, {"result"}) &&
      string_member(history[0], {"message"}) == string_member(entry, {"message"})) {
    return history;
  }
  history.insert(history.begin(), std::move(entry));
  while (history.size() > kHistoryLength) history.erase(history.end() - 1);
  return history;
}

std::string verified_message(const policy::Verdict& verdict) {
  if (verdict.policies.empty()) return "no SigningPolicy governs this Application";
  std::string text = verdict.summary();
  for (const policy::AcceptedSigner& signer : verdict.signers) {
    text += "; " + signer.object + " signed by " + signer.signer + " (" + signer.method +
            (signer.fingerprint.empty() ? "" : " " + signer.fingerprint) + ", policy " +
            signer.policy + ")";
  }
  return text;
}

}  // namespace

Json ApplicationReconciler::next_status(const ApplicationRun& run, const Json& current) const {
  Json status = status_of(current);
  const std::string now = format_rfc3339(std::chrono::system_clock::now());
  api::Conditions conditions = api::Conditions::from_json(find_member(status, {"conditions"}));
  conditions.remove(condition::kReconciling);
  status["observedGeneration"] = run.generation;
  if (auto requested = run.application.annotation(api::annotation::kReconcileRequestedAt)) {
    status["lastHandledReconcileAt"] = *requested;
  }
  if (!run.revision().empty()) status["lastAttemptedRevision"] = run.revision();
  status["inventory"] = run.inventory.to_json();

  // Verified: when the gate gave a verdict (a failure before it leaves the last one standing).
  if (run.verified && !run.verdict.allowed) {
    conditions.set(condition::kVerified, ConditionStatus::kFalse, run.failure->reason,
                   run.failure->error.message(), run.generation, now);
  } else if (run.verified) {
    const bool audit = !run.verdict.violations.empty();
    conditions.set(condition::kVerified, ConditionStatus::kTrue,
                   run.verdict.policies.empty() ? reason::kNoPolicy
                   : audit                      ? reason::kPolicyAudit
                                                : reason::kPolicyAllowed,
                   verified_message(run.verdict), run.generation, now);
  }

  if (run.health) {
    Json unhealthy = Json::array();
    for (std::size_t i = 0; i < run.health->not_current.size() && i < 10; ++i) {
      const apply::ObjectHealth& object = run.health->not_current[i];
      unhealthy.push_back(Json{{"id", object.id.to_string()},
                               {"status", std::string(apply::to_string(object.health.status))},
                               {"message", object.health.message}});
    }
    status["health"] = Json{{"status", health_status(run.health->status)},
                            {"message", run.health->message()},
                            {"unhealthy", std::move(unhealthy)}};
    if (run.health->healthy()) {
      conditions.set(condition::kHealthy, ConditionStatus::kTrue, reason::kHealthy,
                     "all " + std::to_string(run.desired->size()) + " objects are healthy",
                     run.generation, now);
    } else {
      conditions.set(condition::kHealthy, ConditionStatus::kFalse, reason::kHealthCheckFailed,
                     run.failure ? run.failure->error.message() : run.health->message(),
                     run.generation, now);
    }
  } else if (!run.spec.wait) {
    conditions.remove(condition::kHealthy);
    status.erase("health");
  }

  if (!run.plan.drifted.empty()) {
    const bool report = run.spec.drift == api::DriftMode::kReport;
    Json fields = Json::array();
    for (const auto& [id, paths] : run.plan.drift_fields) {
      if (fields.size() == kListedObjects) break;
      fields.push_back(Json{{"object", id.to_string()}, {"paths", paths}});
    }
    Json drift{{"action", report ? "Reported" : "Corrected"},
               {"objects", ids(run.plan.drifted)},
               {"fields", std::move(fields)},
               {"count", run.plan.drifted.size()}};
    // The same drift found again (Report leaves it in place) keeps its time: an interval
    // reconcile that finds nothing new writes nothing.
    const Json* previous = find_member(status, {"drift"});
    Json unchanged = drift;
    if (previous != nullptr && previous->is_object() && previous->contains("time")) {
      unchanged["time"] = (*previous)["time"];
    }
    drift["time"] = now;
    status["drift"] = previous != nullptr && *previous == unchanged ? unchanged : drift;
  } else if (run.spec.drift == api::DriftMode::kReport && run.outcome == Outcome::kApplied) {
    status.erase("drift");  // nothing drifted any more
  }

  if (run.failure) {
    conditions.set(condition::kReady, ConditionStatus::kFalse, run.failure->reason,
                   run.failure->error.message(), run.generation, now);
    if (run.failure->stalled) {
      conditions.set(condition::kStalled, ConditionStatus::kTrue, run.failure->reason,
                     run.failure->error.message(), run.generation, now);
    } else {
      conditions.remove(condition::kStalled);
    }
  } else {
    conditions.set(condition::kReady, ConditionStatus::kTrue, reason::kApplied,
                   "Applied revision: " + run.revision(), run.generation, now);
    conditions.remove(condition::kStalled);
    status["lastAppliedRevision"] = run.revision();
  }
  status["conditions"] = conditions.to_json();

  // Every outcome of a revision, but waiting for a dependency or the first artifact.
  const bool attempted = run.outcome == Outcome::kApplied || run.outcome == Outcome::kBlocked ||
                         run.outcome == Outcome::kFailed;
  if (attempted && !run.revision().empty()) {
    Json entry{{"revision", run.revision()}, {"time", now}, {"result", result_of(run.outcome)}};
    // The digest of what was rendered; a revision that did not render has none.
    if (run.desired) entry["digest"] = run.memory->desired_digest;
    if (run.failure) entry["message"] = run.failure->error.message().substr(0, 1024);
    status["history"] = next_history(find_member(status, {"history"}), std::move(entry));
  }
  return status;
}

void ApplicationReconciler::record_events(const ApplicationRun& run) {
  const kube::ObjectReference regarding = kube::ObjectReference::to(run.cached);
  const auto record = [&](kube::EventType type, std::string_view why, std::string action,
                          std::string note) {
    try {
      context_.events.record(
          {regarding, type, std::string(why), std::move(action), std::move(note)});
    } catch (const Error&) {
      // A malformed reason would be a bug; events are best effort either way.
    }
  };
  if (run.failure && run.outcome != Outcome::kWaiting) {
    record(kube::EventType::kWarning, run.failure->reason,
           run.outcome == Outcome::kBlocked ? "Verify" : "Reconcile", run.failure->error.message());
  }
  for (const policy::Violation& violation : run.verdict.violations) {
    if (violation.blocking()) continue;
    record(kube::EventType::kWarning, reason::kPolicyAudit, "Verify",
           violation.rule + ": " + violation.object + ": " + violation.message + " (policy " +
               violation.policy + ", Audit)");
  }
  if (!run.plan.drifted.empty()) {
    const bool report = run.spec.drift == api::DriftMode::kReport;
    std::string objects;
    for (std::size_t i = 0; i < run.plan.drifted.size() && i < 5; ++i) {
      const ObjectId& id = run.plan.drifted[i];
      objects += (i == 0 ? "" : ", ") + apply::describe(id);
      const auto fields = run.plan.drift_fields.find(id);
      if (fields != run.plan.drift_fields.end() && !fields->second.empty()) {
        std::string paths;
        for (const std::string& path : fields->second) paths += (paths.empty() ? "" : ", ") + path;
        objects += " (" + paths + ")";
      }
    }
    record(report ? kube::EventType::kWarning : kube::EventType::kNormal,
           report ? reason::kDriftDetected : reason::kDriftCorrected, "Apply",
           std::to_string(run.plan.drifted.size()) + (report ? " drifted: " : " put back: ") +
               objects);
  }
  const std::size_t changed = run.applied.objects.size() -
                              run.applied.count(apply::Action::kUnchanged) +
                              run.pruned.count(apply::Action::kPruned);
  if (!run.failure && changed > 0) {
    record(kube::EventType::kNormal, reason::kApplied, "Apply",
           run.applied.summary() + (run.pruned.objects.empty() ? "" : "; " + run.pruned.summary()) +
               " (revision " + run.revision() + ")");
  }
}

std::optional<Duration> ApplicationReconciler::finish(ApplicationRun& run) {
  const auto elapsed = context_.clock.now() - run.started;
  const bool cancelled = run.failure && run.failure->error.code() == ErrorCode::kCancelled;
  const auto [ns, name] = split_key(run.key);
  context_.metrics.reconcile_duration.labels({"Application", ns, name})
      .observe(std::chrono::duration<double>(elapsed).count());
  std::string result = run.outcome == Outcome::kApplied     ? "success"
                       : run.outcome == Outcome::kBlocked   ? "blocked"
                       : run.outcome == Outcome::kWaiting   ? "waiting"
                       : run.outcome == Outcome::kDeferred  ? "waiting"
                       : run.outcome == Outcome::kSuspended ? "skipped"
                       : run.outcome == Outcome::kGone      ? "deleted"
                                                            : "failure";
  context_.metrics.reconcile_total.labels({"Application", result}).inc();

  if (run.outcome == Outcome::kGone) {
    context_.metrics.reconcile_duration.remove({"Application", ns, name});
    return std::nullopt;
  }
  if (run.outcome == Outcome::kSuspended || cancelled) return std::nullopt;
  if (run.outcome == Outcome::kDeferred) return run.spec.effective_retry_interval();

  ApplicationMemory& memory = *run.memory;
  bool status_written = true;
  try {
    memory.written = write_status(context_.client, applications(), run.cached,
                                  [&](const Json& current) { return next_status(run, current); });
  } catch (const Error& e) {
    spdlog::warn("Application {}: writing status: {}", run.key, e.message());
    status_written = false;
  }
  record_events(run);

  memory.generation = run.generation;
  // A lost status write loses nothing in the cluster, but the status would tell an old story
  // until the next reconcile: that one comes after the retry interval, whatever the outcome.
  if (!status_written) return run.spec.effective_retry_interval();
  if (run.failure && run.failure->stalled) return std::nullopt;
  const Duration interval = run.spec.interval;
  if (run.outcome == Outcome::kWaiting) return run.spec.effective_retry_interval();
  if (run.failure) {
    // retryInterval, doubling with each failure in a row, at most the interval (or the retry
    // interval itself, when that is the longer one).
    const Duration retry = run.spec.effective_retry_interval();
    const std::uint32_t shift = std::min<std::uint32_t>(memory.failures, 6);
    ++memory.failures;
    return std::min(retry * (1U << shift), std::max(retry, interval));
  }
  memory.failures = 0;
  const auto now = context_.clock.now();
  if (run.full || memory.next_full <= now) {
    memory.next_full =
        now + std::chrono::duration_cast<runtime::Clock::Duration>(with_jitter(interval, 0.05));
  }
  return std::chrono::duration_cast<Duration>(memory.next_full - now);
}

}  // namespace sluice::controller
