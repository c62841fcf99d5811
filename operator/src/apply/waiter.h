#pragma once

// The wait verb: health of applied objects (kstatus rules, apply/health.h) read from the watch
// cache, re-checked whenever a watch sees a change, until every object is Current, one has
// Failed, or the timeout passes. Nothing is polled from the API server.

#include <string>
#include <vector>

#include "apply/health.h"
#include "apply/live_objects.h"
#include "core/object.h"
#include "runtime/abort_source.h"
#include "runtime/clock.h"

namespace sluice::apply {

struct ObjectHealth {
  ObjectId id;
  Health health;
};

struct HealthReport {
  HealthStatus status = HealthStatus::kCurrent;  // the worst of all objects
  std::vector<ObjectHealth> not_current;         // in the order given
  bool timed_out = false;

  bool healthy() const { return status == HealthStatus::kCurrent; }
  // "Deployment/shop/web: Available: 0/3 replicas ..." for the first `max` objects.
  std::string message(std::size_t max = 3) const;
};

// The health of `objects` (each with its API version) now, from the cache; an object the cache
// lacks is InProgress ("not found yet"). Every kind must have been LiveObjects::watch()ed.
HealthReport check_health(const std::vector<std::pair<GroupVersionKind, ObjectId>>& objects,
                          const LiveObjects& live);

// check_health() until every object is Current or Failed (none still in progress), or until
// `deadline`; then the last report, timed_out set if the deadline ended it.
HealthReport wait_for_health(const std::vector<std::pair<GroupVersionKind, ObjectId>>& objects,
                             LiveObjects& live, runtime::Clock::TimePoint deadline,
                             runtime::Clock& clock, runtime::AbortSource& abort);

}  // namespace sluice::apply
