#pragma once

// A work queue of object keys ("namespace/name") with its metrics: how many keys wait
// (sluice_workqueue_depth) and how long each waited before a worker took it
// (sluice_workqueue_latency_seconds). The queue semantics are runtime::WorkQueue's: one key
// processed at a time, re-adds during processing queued once more afterwards.

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "controller/metrics.h"
#include "runtime/work_queue.h"

namespace sluice::controller {

class KeyQueue {
 public:
  KeyQueue(std::string name, Metrics& metrics, runtime::WorkQueue<std::string>::Options options);

  void add(const std::string& key);
  void add_after(const std::string& key, runtime::Clock::Duration delay);
  std::optional<std::string> get();
  void done(const std::string& key);
  void shut_down() { queue_.shut_down(); }
  std::size_t depth() const { return queue_.len(); }

 private:
  void update_depth();

  std::string name_;
  Metrics& metrics_;
  runtime::WorkQueue<std::string> queue_;
  std::mutex mu_;
  // When each key became ready (for added keys: when added; delayed ones: when due, which the
  // queue does not say, so their wait counts from the add_after call plus the delay).
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> ready_since_;
};

}  // namespace sluice::controller
