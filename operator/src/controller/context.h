#pragma once

// What every reconciler shares: the cluster client (the operator's own identity), the REST
// mapper, the pools, the event recorder, the metrics and the clock. Owned by the Manager
// (controller/manager.h), which outlives every reconcile.

#include <string>

#include "controller/metrics.h"
#include "core/duration.h"
#include "kube/client.h"
#include "kube/discovery.h"
#include "kube/events.h"
#include "runtime/blocking_pool.h"
#include "runtime/clock.h"
#include "runtime/fiber_pool.h"

namespace sluice::controller {

struct Context {
  kube::Client& client;
  kube::RestMapper& mapper;
  runtime::FiberPool& pool;
  runtime::BlockingPool& blocking;
  kube::EventRecorder& events;
  Metrics& metrics;
  runtime::Clock& clock;
};

// The REST resource of one of sluice's kinds (sluice.dev/v1alpha1 `plural`).
kube::Resource sluice_resource(std::string_view plural, bool namespaced);

// metadata.generation, or 0 when absent or not an integer.
std::int64_t generation_of(const Json& object);

// "namespace/name" keys of the work queues, and back.
std::string object_key(const std::string& ns, const std::string& name);
std::string object_key(const Json& object);
std::pair<std::string, std::string> split_key(const std::string& key);

// `interval` spread by +-`fraction` at random, so objects created together do not all come
// back in the same instant.
Duration with_jitter(Duration interval, double fraction);

}  // namespace sluice::controller
