#pragma once

// The reflector: list, then watch from the list's resourceVersion, forever, like client-go's.
//
//  * A watch the server ends (its timeoutSeconds) is resumed from the last resourceVersion seen,
//    bookmarks included, with no wait and no relist.
//  * A dropped connection, a refused or failed watch start, a malformed or oversized event: wait
//    (exponential backoff with jitter, ReflectorOptions::backoff) and watch again from the last
//    resourceVersion; if none is known yet, list again.
//  * 410 Gone (the resourceVersion is older than the server's history, e.g. after etcd
//    compaction or an apiserver restart with a fresh watch cache): relist. The first 410 after
//    a success relists at once, repeated ones back off.
//  * A watch that ends within a second without delivering anything counts as a failure (as
//    client-go's "very short watch"), so a server closing watches at once cannot spin us.
//  * The backoff resets after a success: a completed list, or a watch that delivered an event.
//  * Abort stops it promptly: waits for events, backoff sleeps and event delivery are all
//    cancelled; a list request in flight finishes first (bounded by ClientOptions::timeout).
//
// ReflectorState holds the decisions without I/O so unit tests drive them directly; Reflector
// does the requests and hands what it got to a ReflectorSink (the informer's store).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/object.h"
#include "kube/client.h"
#include "kube/watch.h"
#include "runtime/abort_source.h"
#include "runtime/backoff.h"
#include "runtime/clock.h"

namespace sluice::kube {

class ReflectorState {
 public:
  enum class Action { kList, kWatch };

  explicit ReflectorState(runtime::BackoffPolicy backoff,
                          runtime::RandomSource random = runtime::default_random_source());

  // List when nothing is known or after a 410; otherwise watch from resource_version().
  Action next_action() const noexcept;
  const std::string& resource_version() const noexcept { return resource_version_; }

  // Start by watching from `resource_version` (a version persisted earlier) instead of listing.
  void resume_from(std::string resource_version);
  // A complete list at `resource_version`.
  void listed(std::string resource_version);
  // An event or bookmark of a running watch carrying `resource_version`.
  void observed(const std::string& resource_version);
  // The server ended a watch cleanly: watch again from resource_version(), no wait.
  void watch_ended() noexcept {}
  // A failed list or watch: how long to wait before next_action().
  std::chrono::nanoseconds failed(const Error& error);

  std::uint32_t consecutive_failures() const noexcept { return backoff_.failures(); }

 private:
  runtime::Backoff backoff_;
  std::string resource_version_;
  bool must_list_ = true;
};

// Where a reflector puts what it learns.
class ReflectorSink {
 public:
  virtual ~ReflectorSink() = default;
  // A (re)list, page by page so that no more than one page of parsed objects is alive at a
  // time: begin_replace(), add_page() per page, end_replace() once every page is in. A list
  // that fails midway is abandoned without end_replace(); the next begin_replace() starts over.
  virtual void begin_replace() = 0;
  virtual void add_page(std::vector<Json> items) = 0;
  virtual void end_replace(const std::string& resource_version) = 0;
  // ADDED, MODIFIED or DELETED (bookmarks and errors never reach the sink).
  virtual void apply(WatchEvent event) = 0;
};

struct ReflectorOptions {
  std::string label_selector;
  std::string field_selector;
  long long page_size = 500;
  std::optional<std::chrono::seconds> watch_timeout;  // empty: random 5-10 minutes
  // client-go's reflector backoff: 800 ms doubling to 30 s; jitter spreads reconnects of many
  // informers after an apiserver restart.
  runtime::BackoffPolicy backoff{.base = std::chrono::milliseconds(800),
                                 .factor = 2.0,
                                 .max = std::chrono::seconds(30),
                                 .jitter = 0.5};
  runtime::ClockPtr clock;       // empty: SystemClock
  runtime::RandomSource random;  // empty: default_random_source()
  std::string resume_from;       // watch from here first instead of listing
  // Called with every failure before the backoff wait (logging; tests).
  std::function<void(const Error&)> on_error;
};

class Reflector {
 public:
  Reflector(Client client, Resource resource, std::string ns, ReflectorSink& sink,
            ReflectorOptions options = {});

  // Lists and watches until `abort` is requested, then returns. Failures (a sink's sluice::Error
  // included) are retried after the backoff, never thrown; see on_error.
  void run(runtime::AbortSource& abort);

  // Counters for tests and metrics.
  std::uint64_t lists() const noexcept { return lists_.load(); }
  std::uint64_t watches() const noexcept { return watches_.load(); }

 private:
  void list_once(runtime::AbortSource& abort);
  void watch_once(runtime::AbortSource& abort);

  Client client_;
  Resource resource_;
  std::string ns_;
  ReflectorSink& sink_;
  ReflectorOptions options_;
  ReflectorState state_;
  std::atomic<std::uint64_t> lists_{0};
  std::atomic<std::uint64_t> watches_{0};
};

}  // namespace sluice::kube
