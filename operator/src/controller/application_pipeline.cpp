#include "controller/application_pipeline.h"

#include <spdlog/spdlog.h>

#include "controller/reasons.h"

namespace sluice::controller {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

ApplicationPipeline::ApplicationPipeline(ApplicationReconciler& reconciler, KeyQueue& queue,
                                         runtime::FiberPool& pool, Metrics& metrics,
                                         PipelineOptions options)
    : reconciler_(reconciler),
      queue_(queue),
      pool_(pool),
      metrics_(metrics),
      options_(options),
      to_render_(runtime::make_channel<RunPtr>(options.channel_capacity)),
      to_verify_(runtime::make_channel<RunPtr>(options.channel_capacity)),
      to_apply_(runtime::make_channel<RunPtr>(options.channel_capacity)),
      to_health_(runtime::make_channel<RunPtr>(options.channel_capacity)),
      to_finish_(runtime::make_channel<RunPtr>(options.channel_capacity)) {}

ApplicationPipeline::~ApplicationPipeline() {
  stop();
}

void ApplicationPipeline::start() {
  pool_.spawn([this, holder = running_.enter()] {
    while (std::optional<std::string> key = queue_.get()) {
      ++in_flight_;
      to_render_->send(reconciler_.start(*key));
    }
    to_render_->close();
  });
  using R = ApplicationReconciler;
  stage("render", to_render_, to_verify_, options_.render_workers, {&R::load, &R::render});
  stage("verify", to_verify_, to_apply_, options_.verify_workers, {&R::verify});
  stage("apply", to_apply_, to_health_, options_.apply_workers, {&R::apply, &R::prune});
  stage("health", to_health_, to_finish_, options_.health_workers, {&R::check_health});
  // Finish: two workers, so one slow status write does not hold every other run.
  server::Histogram& finish_time = metrics_.stage_duration.labels({"finish"});
  for (int i = 0; i < 2; ++i) {
    pool_.spawn([this, &finish_time, holder = running_.enter()] {
      while (std::optional<RunPtr> run = to_finish_->receive()) {
        const auto started = std::chrono::steady_clock::now();
        finish_one(std::move(*run));
        finish_time.observe(seconds_since(started));
      }
    });
  }
}

void ApplicationPipeline::stage(const std::string& name, const runtime::ChannelPtr<RunPtr>& in,
                                const runtime::ChannelPtr<RunPtr>& next, std::size_t workers,
                                const std::vector<Phase>& phases) {
  server::Histogram& time = metrics_.stage_duration.labels({name});
  // The last worker to leave closes the next channel, so it closes only once every run this
  // stage held has moved on.
  auto remaining = std::make_shared<std::atomic<std::size_t>>(workers);
  for (std::size_t i = 0; i < workers; ++i) {
    pool_.spawn([this, in, next, remaining, phases, &time, holder = running_.enter()] {
      while (std::optional<RunPtr> received = in->receive()) {
        RunPtr run = std::move(*received);
        const auto started = std::chrono::steady_clock::now();
        for (const Phase phase : phases) {
          if (run->done()) break;
          try {
            (reconciler_.*phase)(*run, abort_);
          } catch (...) {
            // A phase reports its failures in the run; anything thrown is unexpected but must
            // still reach finish (status on every exit).
            run->fail(reason::kReconcileError, Error::from_current_exception());
          }
        }
        time.observe(seconds_since(started));
        (run->done() ? to_finish_ : next)->send(std::move(run));
      }
      if (--*remaining == 0) next->close();
    });
  }
}

void ApplicationPipeline::finish_one(RunPtr run) {
  std::optional<Duration> again;
  try {
    again = reconciler_.finish(*run);
  } catch (...) {
    spdlog::error("Application {}: {}", run->key, Error::from_current_exception().message());
    again = std::chrono::seconds(30);
  }
  const std::string key = run->key;
  queue_.done(key);
  if (again && !abort_.abort_requested()) {
    queue_.add_after(key, std::chrono::duration_cast<runtime::Clock::Duration>(*again));
  }
  --in_flight_;
}

void ApplicationPipeline::stop() {
  if (stopped_.exchange(true)) {
    running_.close();
    return;
  }
  abort_.request_abort("operator stopping");
  queue_.shut_down();
  running_.close();
}

std::size_t ApplicationPipeline::in_flight() const {
  return in_flight_.load();
}

}  // namespace sluice::controller
