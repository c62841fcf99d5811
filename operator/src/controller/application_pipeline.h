#pragma once

// Application reconciles as stages of fibers connected by bounded channels (DESIGN.md's
// runtime shape; docs/architecture.md draws it):
//
//   work queue ─▶ feeder ─▶ [render: load, render] ─▶ [verify] ─▶ [apply: apply, prune]
//                                                                        │
//            requeue ◀── [finish] ◀───────────── [health] ◀──────────────┘
//                           ▲
//                           └── any stage, for a run that failed or ended early
//
// Each stage has its own number of worker fibers, so CPU-bound rendering, registry-bound
// verification, API-bound applying and long health waits do not hold each other up, and a
// full channel holds the stage before it back. A run is one Application's reconcile; the work
// queue hands out each key once at a time and gets it back (done, requeue) from finish.
//
// Shutdown: stop() shuts the queue, the feeder closes the first channel, every stage drains
// what it holds and closes the next, and stop() returns when the finish stage has ended. Runs
// still waiting (health) are cut short through the abort source and finish without writing.

#include <cstddef>
#include <memory>

#include "controller/application_reconciler.h"
#include "controller/key_queue.h"
#include "runtime/abort_source.h"
#include "runtime/channel.h"
#include "runtime/fiber_pool.h"
#include "runtime/gate.h"

namespace sluice::controller {

struct PipelineOptions {
  std::size_t render_workers = 2;
  std::size_t verify_workers = 4;
  std::size_t apply_workers = 4;
  std::size_t health_workers = 32;  // they mostly wait
  std::size_t channel_capacity = 16;
};

class ApplicationPipeline {
 public:
  // Each run's time in each stage goes to metrics.stage_duration{stage}.
  ApplicationPipeline(ApplicationReconciler& reconciler, KeyQueue& queue, runtime::FiberPool& pool,
                      Metrics& metrics, PipelineOptions options);
  ApplicationPipeline(const ApplicationPipeline&) = delete;
  ApplicationPipeline& operator=(const ApplicationPipeline&) = delete;
  ~ApplicationPipeline();

  // Spawns the feeder and the stages on the pool.
  void start();
  // See the top of this file. Idempotent; call from outside the pool.
  void stop();

  // Runs in flight (taken from the queue, not yet finished).
  std::size_t in_flight() const;

 private:
  using RunPtr = std::unique_ptr<ApplicationRun>;
  using Phase = void (ApplicationReconciler::*)(ApplicationRun&, runtime::AbortSource&);
  void stage(const std::string& name, const runtime::ChannelPtr<RunPtr>& in,
             const runtime::ChannelPtr<RunPtr>& next, std::size_t workers,
             const std::vector<Phase>& phases);
  void finish_one(RunPtr run);

  ApplicationReconciler& reconciler_;
  KeyQueue& queue_;
  runtime::FiberPool& pool_;
  Metrics& metrics_;
  PipelineOptions options_;
  runtime::AbortSource abort_;
  runtime::Gate running_;
  runtime::ChannelPtr<RunPtr> to_render_, to_verify_, to_apply_, to_health_, to_finish_;
  std::atomic<std::size_t> in_flight_{0};
  std::atomic<bool> stopped_{false};
};

}  // namespace sluice::controller
