#include "controller/metrics.h"

namespace sluice::controller {

Metrics::Metrics(server::Registry& r)
    : reconcile_duration(r.histogram("sluice_reconcile_duration_seconds",
                                     "How long one reconcile took.", {"kind", "namespace", "name"},
                                     server::exponential_buckets(0.001, 2.5, 14))),
      reconcile_total(r.counter("sluice_reconcile_total", "Reconciles by kind and result.",
                                {"kind", "result"})),
      git_fetch_duration(r.histogram("sluice_git_fetch_duration_seconds",
                                     "How long one Git fetch (ref listing included) took.",
                                     {"result"}, server::exponential_buckets(0.01, 2.5, 12))),
      objects_applied(r.counter("sluice_objects_applied_total",
                                "Objects sent to the API server, by what happened to them.",
                                {"action"})),
      policy_violations(r.counter("sluice_policy_violations_total",
                                  "Signing policy violations found, by mode and rule.",
                                  {"mode", "rule"})),
      drift(r.counter("sluice_drift_total",
                      "Objects found changed by someone else, by what sluice did.", {"action"})),
      workqueue_depth(
          r.gauge("sluice_workqueue_depth", "Keys waiting in a work queue.", {"queue"})),
      workqueue_latency(r.histogram("sluice_workqueue_latency_seconds",
                                    "How long a key waited in a work queue before a worker "
                                    "took it.",
                                    {"queue"}, server::exponential_buckets(0.001, 4, 10))),
      stage_duration(r.histogram("sluice_pipeline_stage_duration_seconds",
                                 "How long one Application run spent in a pipeline stage.",
                                 {"stage"}, server::exponential_buckets(0.0005, 3, 12))),
      leader(r.gauge("sluice_leader",
                     "1 while this replica holds the leader Lease (or runs without leader "
                     "election), else 0.",
                     {})),
      registry(r) {}

}  // namespace sluice::controller
