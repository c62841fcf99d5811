#pragma once

// Leader election on a coordination.k8s.io/v1 Lease, with client-go's leaderelection semantics.
//
// The Lease spec is the election record: holderIdentity, leaseDurationSeconds, acquireTime,
// renewTime, leaseTransitions. A candidate takes the lease when it does not exist, has no
// holder, or has not changed for the holder's leaseDurationSeconds. "Not changed for" is
// measured on the candidate's own monotonic clock from the moment it first saw the current
// record (client-go's observedTime): the timestamps in the record come from the holder's
// wall clock and are never compared with ours, so clock skew between replicas does not
// matter, only that their clocks run at about the same rate.
//
// Every write goes over the resourceVersion last read or written (Client::replace), so of two
// candidates racing for an expired lease exactly one wins; the other gets kConflict.
//
// The leader renews every retry period. When no renewal has succeeded for renewDeadline
// (counted from the start of the last successful attempt), it gives up: the AbortSource handed
// to on_started_leading fires at that moment from a clock timer, even while a renewal request
// is still hanging, and on_stopped_leading runs once the renew loop has returned. Because
// lease_duration > renew_deadline, the old leader has stopped before any other candidate can
// consider the lease expired (the others start counting only when they see the last renewal).
// On shutdown (`stop` fires) the leader aborts its work, waits for it to return (a Gate), and
// then, with release_on_cancel, releases the lease: holderIdentity "" and
// leaseDurationSeconds 1, so the next candidate takes over on its next try instead of waiting
// for the lease to expire (client-go's ReleaseOnCancel). It tries the same after losing
// leadership; that write is refused (kConflict) if anyone else wrote the lease meanwhile.
//
// Lifetimes: `stop` must fire before the FiberPool shuts down (run() and the leader's work are
// fibers of it), and on_started_leading must return once its AbortSource fires.
//
// LeaseObserver is the decision logic without I/O (unit-tested on a ManualClock), LeaseStore
// the I/O (ClientLeaseStore against the API; tests can fake it), LeaderElector the loop.

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/object.h"
#include "kube/client.h"
#include "runtime/abort_source.h"
#include "runtime/backoff.h"
#include "runtime/clock.h"

namespace sluice::runtime {
class FiberPool;
}

namespace sluice::kube {

// coordination.k8s.io/v1 leases.
Resource leases();

// A Lease spec as the election reads and writes it.
struct LeaseRecord {
  std::string holder_identity;  // "" when released
  int lease_duration_seconds = 0;
  std::string acquire_time;  // MicroTime text, e.g. "2026-01-02T15:04:05.000000Z"; informational
  std::string renew_time;
  int lease_transitions = 0;

  bool operator==(const LeaseRecord&) const = default;
};

// The record in a Lease object's spec (missing fields read as empty/0).
LeaseRecord lease_record_from(const Json& lease);
// Writes `record` into `lease["spec"]`, leaving other spec fields as they are.
void write_lease_record(Json& lease, const LeaseRecord& record);
// metav1.MicroTime text of a wall-clock time.
std::string micro_time(std::chrono::system_clock::time_point time);

// The I/O of an election: one Lease.
class LeaseStore {
 public:
  virtual ~LeaseStore() = default;
  // The current record, or nullopt when the lease does not exist.
  virtual std::optional<LeaseRecord> get() = 0;
  // Creates the lease; kAlreadyExists when someone was faster.
  virtual void create(const LeaseRecord& record) = 0;
  // Replaces the record over the version last read or written; kConflict if it changed since.
  virtual void update(const LeaseRecord& record) = 0;
};

// A LeaseStore on the API server. The client's timeout bounds every call: keep it below the
// elector's renew_deadline, and turn the client's own retries off (retry.max_attempts = 1; the
// elector retries every retry period), so that a hanging or retried request cannot delay
// on_stopped_leading much. The abort of the leader's work is on time regardless.
class ClientLeaseStore final : public LeaseStore {
 public:
  ClientLeaseStore(Client client, std::string ns, std::string name);

  std::optional<LeaseRecord> get() override;
  void create(const LeaseRecord& record) override;
  void update(const LeaseRecord& record) override;

 private:
  Client client_;
  std::string ns_;
  std::string name_;
  std::optional<Json> last_;  // the Lease as last read or written, with its resourceVersion
};

// client-go's tryAcquireOrRenew decision, without I/O. Not thread-safe (one elector loop owns
// it).
class LeaseObserver {
 public:
  LeaseObserver(std::string identity, std::chrono::seconds lease_duration);

  enum class Action {
    kCreate,  // no lease yet: create it with `record`
    kUpdate,  // acquire or renew: replace the lease with `record`
    kWait,    // another candidate holds a valid lease
  };
  struct Plan {
    Action action = Action::kWait;
    LeaseRecord record;
  };

  // What to do about the lease as just read (nullopt: it does not exist) at monotonic time
  // `now`; `wall_now` is the MicroTime to write. Notes the record as observed at `now` when it
  // differs from the one observed before.
  Plan plan(const std::optional<LeaseRecord>& current, runtime::Clock::TimePoint now,
            const std::string& wall_now);

  // The leader's optimistic renewal, written without reading first; nullopt unless this
  // candidate leads and its lease is still valid.
  std::optional<LeaseRecord> fast_renewal(runtime::Clock::TimePoint now,
                                          const std::string& wall_now) const;

  // The record that hands the lease over at once: no holder, one second.
  LeaseRecord release_record(const std::string& wall_now) const;

  // Notes `record` as observed at `now` (after writing it, or on seeing it change).
  void observe(const LeaseRecord& record, runtime::Clock::TimePoint now);

  bool is_leader() const { return observed_.holder_identity == identity_; }
  // Whether the observed record's duration has not passed since it was observed.
  bool lease_valid(runtime::Clock::TimePoint now) const;
  const LeaseRecord& observed() const { return observed_; }

 private:
  std::string identity_;
  int lease_duration_seconds_;
  LeaseRecord observed_;
  runtime::Clock::TimePoint observed_time_{};
};

struct LeaderElectionConfig {
  std::string identity;  // unique per candidate, e.g. the pod name
  std::chrono::milliseconds lease_duration = std::chrono::seconds(15);  // whole seconds
  std::chrono::milliseconds renew_deadline = std::chrono::seconds(10);
  std::chrono::milliseconds retry_period = std::chrono::seconds(2);
  bool release_on_cancel = true;

  runtime::ClockPtr clock = runtime::SystemClock::instance();
  // Only for the timestamps written into the record.
  std::function<std::chrono::system_clock::time_point()> wall_clock;
  runtime::RandomSource random;  // jitter of acquire retries; empty: the default source

  // Runs in its own fiber on the pool once leadership is acquired. It must return soon after
  // `leading` aborts (leadership lost, or shutdown); run() waits for it.
  std::function<void(runtime::AbortSource& leading)> on_started_leading;
  // Runs on run()'s fiber after leading ends (only if this candidate led).
  std::function<void()> on_stopped_leading;
  // Runs on run()'s fiber when the observed holder changes ("" when released).
  std::function<void(const std::string& holder)> on_new_leader;
};

// client-go's rule for the three durations: lease_duration > renew_deadline >
// 1.2 * retry_period > 0, lease_duration at least one second. Throws Error(kInvalidArgument)
// naming the one that breaks it. LeaderElector checks it; a command line can check it first.
void validate_lease_timing(std::chrono::milliseconds lease_duration,
                           std::chrono::milliseconds renew_deadline,
                           std::chrono::milliseconds retry_period);

class LeaderElector {
 public:
  // Validates the identity and the durations (validate_lease_timing).
  LeaderElector(std::shared_ptr<LeaseStore> store, LeaderElectionConfig config);

  // Campaigns on the calling fiber until this candidate leads (or `stop` fires), then runs
  // on_started_leading in a fiber of `pool` and renews until `stop` fires or renewal fails.
  // Returns after the leader's work has returned and, on shutdown, the lease is released.
  // Returns true if it led. Failed attempts are retried, never thrown.
  bool run(runtime::FiberPool& pool, runtime::AbortSource& stop);

  // Thread-safe views of the last observation.
  bool is_leader() const;
  std::string holder() const;

  // Attempts made so far (acquire and renew, fast path included); for tests and metrics.
  int attempts() const;

 private:
  // One client-go tryAcquireOrRenew: true if this candidate holds the lease afterwards.
  bool try_acquire_or_renew();
  bool acquire(runtime::AbortSource& stop);
  // Renews until `leading` aborts; `leading` is also aborted by the watchdog.
  void renew(const std::shared_ptr<runtime::AbortSource>& leading);
  void release();
  std::string wall_now() const;
  void note_holder();

  std::shared_ptr<LeaseStore> store_;
  LeaderElectionConfig config_;
  LeaseObserver observer_;
  runtime::RandomSource random_;
  std::string reported_holder_;
  mutable std::mutex mu_;  // guards the copies below; never held across a wait
  bool leading_now_ = false;
  std::string holder_now_;
  int attempts_ = 0;
};

}  // namespace sluice::kube
