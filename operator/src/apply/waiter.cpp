#include "apply/waiter.h"

#include "apply/result.h"

namespace sluice::apply {
namespace {

// kstatus's order of concern: Failed worst, then InProgress/Terminating/Unknown, Current best.
int severity(HealthStatus status) {
  switch (status) {
    case HealthStatus::kCurrent:
      return 0;
    case HealthStatus::kUnknown:
      return 1;
    case HealthStatus::kInProgress:
    case HealthStatus::kTerminating:
    case HealthStatus::kNotFound:
      return 2;
    case HealthStatus::kFailed:
      return 3;
  }
  return 3;
}

bool settled(const HealthReport& report) {
  for (const ObjectHealth& object : report.not_current) {
    if (object.health.status != HealthStatus::kFailed) return false;
  }
  return true;
}

}  // namespace

std::string HealthReport::message(std::size_t max) const {
  if (not_current.empty()) return "all objects are healthy";
  std::string text;
  for (std::size_t i = 0; i < not_current.size() && i < max; ++i) {
    const ObjectHealth& object = not_current[i];
    text += (text.empty() ? "" : "; ") + describe(object.id) + ": " +
            std::string(to_string(object.health.status)) +
            (object.health.message.empty() ? "" : ": " + object.health.message);
  }
  if (not_current.size() > max) {
    text += "; and " + std::to_string(not_current.size() - max) + " more";
  }
  return text;
}

HealthReport check_health(const std::vector<std::pair<GroupVersionKind, ObjectId>>& objects,
                          const LiveObjects& live) {
  HealthReport report;
  for (const auto& [gvk, id] : objects) {
    const std::optional<Json> current = live.get(gvk, id.namespace_, id.name);
    const Health health = current
                              ? compute_health(*current)
                              : Health{HealthStatus::kInProgress, "not found yet", std::nullopt};
    if (health.status == HealthStatus::kCurrent) continue;
    if (severity(health.status) > severity(report.status)) report.status = health.status;
    report.not_current.push_back({id, health});
  }
  return report;
}

HealthReport wait_for_health(const std::vector<std::pair<GroupVersionKind, ObjectId>>& objects,
                             LiveObjects& live, runtime::Clock::TimePoint deadline,
                             runtime::Clock& clock, runtime::AbortSource& abort) {
  for (;;) {
    // Read the counter before checking, so a change between the check and the wait wakes it.
    const std::uint64_t seen = live.changes();
    HealthReport report = check_health(objects, live);
    if (settled(report)) return report;
    if (clock.now() >= deadline) {
      report.timed_out = true;
      return report;
    }
    live.wait_for_change(seen, deadline, abort);
  }
}

}  // namespace sluice::apply
