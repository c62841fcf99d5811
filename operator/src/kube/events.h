#pragma once

// Kubernetes Events (events.k8s.io/v1) with de-duplication, so a failing loop cannot flood the
// API. Semantics follow client-go's tools/events broadcaster, made stricter on write rate:
//
//  * The first occurrence of an event creates an Event object (reportingController "sluice",
//    reportingInstance e.g. the pod name, regarding = the object it is about).
//  * An identical event (same regarding object, type, reason, action and note, from the same
//    controller) seen again while its series is alive does not create another object: it
//    becomes `series` {count, lastObservedTime} of the existing one. The second occurrence is
//    written at once (series.count 2, as client-go does); later ones only bump the count in
//    memory, written at most once per key per `series_update_interval` (client-go writes them
//    only every 30 minutes) and once more when the recorder stops.
//  * A series ends after `series_window` without an occurrence (client-go's 6-minute
//    finishTime); the next occurrence then starts a new Event object.
//  * New Event objects are rate-limited per regarding object by a token bucket (client-go's
//    spam filter: burst 25, one more every 5 minutes); what it refuses is dropped and counted.
//  * Memory is bounded: at most `max_tracked` series and as many per-object buckets are kept,
//    least recently used dropped first (an evicted series restarts as a new Event).
//
// Recording never blocks the caller on the API: record() decides under a mutex and queues the
// write for a writer fiber (run()); a full queue drops the write and counts it.
//
// Notes are caller text and end up readable by anyone who may list Events in the namespace:
// never put secret values (tokens, passwords, Secret data, credentials in URLs) into a note.
// record() truncates notes to the API's 1 KiB limit.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/object.h"
#include "kube/client.h"
#include "runtime/abort_source.h"
#include "runtime/channel.h"
#include "runtime/clock.h"
#include "runtime/gate.h"

namespace sluice::runtime {
class FiberPool;
}

namespace sluice::kube {

// events.k8s.io/v1 events.
Resource events();

// The object an event is about (an ObjectReference).
struct ObjectReference {
  std::string api_version;
  std::string kind;
  std::string ns;  // "" for cluster-scoped objects
  std::string name;
  std::string uid;

  // From an object as the API returns it (apiVersion, kind, metadata).
  static ObjectReference to(const Json& object);
};

enum class EventType { kNormal, kWarning };

struct Event {
  ObjectReference regarding;
  EventType type = EventType::kNormal;
  std::string reason;  // UpperCamelCase, at most 128 bytes, e.g. "SyncFailed"
  std::string action;  // what was done or failed, at most 128 bytes, e.g. "Apply"
  std::string note;    // human-readable, truncated to 1 KiB; NEVER secret values
};

struct EventLimits {
  std::chrono::milliseconds series_window = std::chrono::minutes(6);
  std::chrono::milliseconds series_update_interval = std::chrono::seconds(30);
  std::size_t max_tracked = 4096;
  // Per regarding object: new Event objects allowed in a burst, and one more per refill.
  int object_burst = 25;
  std::chrono::milliseconds object_refill = std::chrono::minutes(5);
};

// The de-duplication and rate-limit decisions, without I/O. Thread-compatible (the recorder
// locks around it).
class EventDeduplicator {
 public:
  explicit EventDeduplicator(EventLimits limits);
  // The indexes point into the lists: moving keeps them valid, copying would not.
  EventDeduplicator(const EventDeduplicator&) = delete;
  EventDeduplicator& operator=(const EventDeduplicator&) = delete;
  EventDeduplicator(EventDeduplicator&&) = default;
  EventDeduplicator& operator=(EventDeduplicator&&) = default;

  enum class Action {
    kCreate,        // write a new Event object named `name`
    kUpdateSeries,  // write series {count, last_observed} into the Event `name`
    kCounted,       // counted in memory; a later due_updates() writes it
    kDropped,       // refused by the per-object rate limit
  };
  struct Decision {
    Action action = Action::kDropped;
    std::string key;            // the series (as given to observe)
    std::string ns;             // the Event object's namespace
    std::string name;           // the Event object's name
    int count = 0;              // occurrences in the series so far
    std::string last_observed;  // MicroTime of the latest occurrence
  };

  // One occurrence of the event identified by `key` about `object_key`, at monotonic `now`;
  // `wall_now` is its MicroTime, and `ns`/`new_name` say where a new Event object would go.
  Decision observe(const std::string& key, const std::string& object_key,
                   runtime::Clock::TimePoint now, const std::string& wall_now,
                   const std::string& ns, const std::string& new_name);

  // The series writes that are due at `now` (counted occurrences whose key has not been
  // written for series_update_interval), marked as written. `all`: every unwritten count,
  // regardless of the interval (on shutdown).
  std::vector<Decision> due_updates(runtime::Clock::TimePoint now, bool all = false);

  // Forgets the series of `key` (its Event could not be written: the next occurrence creates
  // a new one).
  void forget(const std::string& key);

  std::size_t tracked() const { return series_.size(); }

 private:
  struct Series {
    std::string key;
    std::string ns;
    std::string name;
    int count = 0;
    int written_count = 0;
    runtime::Clock::TimePoint last_seen{};
    runtime::Clock::TimePoint last_write{};
    std::string last_observed;
  };
  struct Bucket {
    std::string object_key;
    double tokens = 0;
    runtime::Clock::TimePoint last{};
  };
  bool take_token(const std::string& object_key, runtime::Clock::TimePoint now);
  static Decision decision(Action action, const Series& series);

  EventLimits limits_;
  // Most recently used first; the maps point into the lists.
  std::list<Series> series_;
  std::unordered_map<std::string, std::list<Series>::iterator> series_index_;
  std::list<Bucket> buckets_;
  std::unordered_map<std::string, std::list<Bucket>::iterator> bucket_index_;
};

struct EventRecorderOptions {
  std::string reporting_controller = "sluice";
  std::string reporting_instance;  // required, e.g. the pod name
  EventLimits limits;
  std::size_t queue_capacity = 1000;  // writes waiting for the writer fiber
  runtime::ClockPtr clock = runtime::SystemClock::instance();
  std::function<std::chrono::system_clock::time_point()> wall_clock;  // for eventTime etc.
  // Called by record() with every valid event and its time, rate-limited or not, before it is
  // queued (e.g. the status page's ring of recent events). On the caller's thread or fiber:
  // must be quick and must not throw.
  std::function<void(const Event&, std::chrono::system_clock::time_point)> on_record;
};

struct EventRecorderStats {
  std::uint64_t recorded = 0;        // record() calls
  std::uint64_t creates = 0;         // Event objects written
  std::uint64_t series_updates = 0;  // series PATCHes written
  std::uint64_t rate_limited = 0;    // dropped by the per-object limit
  std::uint64_t queue_full = 0;      // dropped because the writer fell behind
  std::uint64_t write_failures = 0;  // writes the API refused or that failed
};

class EventRecorder {
 public:
  EventRecorder(Client client, EventRecorderOptions options);
  EventRecorder(const EventRecorder&) = delete;
  EventRecorder& operator=(const EventRecorder&) = delete;
  ~EventRecorder();

  // Starts the writer and the series-update ticker as fibers of `pool`. They run until stop(),
  // which must come before the pool shuts down (its shutdown waits for them).
  void start(runtime::FiberPool& pool);

  // Records one occurrence; never waits for the API. Throws kInvalidArgument for an empty or
  // over-long reason or action, or a regarding object without kind or name.
  void record(const Event& event);

  // Writes what is queued and every pending series count, then stops the fibers. Idempotent.
  void stop();

  EventRecorderStats stats() const;

 private:
  struct Write {
    EventDeduplicator::Decision decision;
    std::optional<Json> object;  // the Event to create (kCreate only)
  };
  void writer();
  void ticker();
  void perform(const Write& write);
  void enqueue(Write write);
  std::string wall_now() const;

  Client client_;
  EventRecorderOptions options_;
  mutable std::mutex mu_;  // never held across I/O or a wait
  EventDeduplicator dedup_;
  std::uint64_t last_stamp_ = 0;
  EventRecorderStats stats_;
  runtime::Channel<Write> queue_;
  runtime::AbortSource stopping_;
  runtime::Gate ticker_gate_;  // closed before the queue, so no tick is lost
  runtime::Gate writer_gate_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace sluice::kube
