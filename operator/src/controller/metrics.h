#pragma once

// The operator's Prometheus metrics (served on --metrics-addr /metrics):
//   sluice_reconcile_duration_seconds{kind,namespace,name}   histogram
//   sluice_reconcile_total{kind,result}                      counter (result: success, failure,
//                                                            blocked, skipped)
//   sluice_git_fetch_duration_seconds{result}                histogram
//   sluice_objects_applied_total{action}                     counter (created, configured,
//                                                            unchanged, recreated, pruned)
//   sluice_policy_violations_total{mode,rule}                counter
//   sluice_drift_total{action}                               counter (corrected, reported)
//   sluice_workqueue_depth{queue}, sluice_workqueue_latency_seconds{queue}
//   sluice_owned_objects, sluice_owned_kinds                 gauges (the watch cache)
//   sluice_pipeline_stage_duration_seconds{stage}            histogram (render, verify, apply,
//                                                            health, finish)
//   sluice_leader                                            gauge (1 while doing the work)
//   sluice_webhook_requests_total{result}                    counter, registered by the webhook
//                                                            receiver (server/webhook_receiver.h)

#include <string>

#include "server/metrics.h"

namespace sluice::controller {

struct Metrics {
  explicit Metrics(server::Registry& registry);

  server::Family<server::Histogram>& reconcile_duration;
  server::Family<server::Counter>& reconcile_total;
  server::Family<server::Histogram>& git_fetch_duration;
  server::Family<server::Counter>& objects_applied;
  server::Family<server::Counter>& policy_violations;
  server::Family<server::Counter>& drift;
  server::Family<server::Gauge>& workqueue_depth;
  server::Family<server::Histogram>& workqueue_latency;
  server::Family<server::Histogram>& stage_duration;
  server::Family<server::Gauge>& leader;
  server::Registry& registry;
};

}  // namespace sluice::controller
