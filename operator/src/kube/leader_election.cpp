#include "kube/leader_election.h"

#include <utility>

#include "core/error.h"
#include "core/rfc3339.h"
#include "runtime/fiber_pool.h"
#include "runtime/gate.h"

namespace sluice::kube {

Resource leases() {
  return {.group = "coordination.k8s.io", .version = "v1", .resource = "leases"};
}

LeaseRecord lease_record_from(const Json& lease) {
  LeaseRecord record;
  const auto spec = lease.find("spec");
  if (spec == lease.end() || !spec->is_object()) return record;
  auto text = [&](const char* key) {
    const auto it = spec->find(key);
    return it != spec->end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto number = [&](const char* key) {
    const auto it = spec->find(key);
    return it != spec->end() && it->is_number_integer() ? it->get<int>() : 0;
  };
  record.holder_identity = text("holderIdentity");
  record.lease_duration_seconds = number("leaseDurationSeconds");
  record.acquire_time = text("acquireTime");
  record.renew_time = text("renewTime");
  record.lease_transitions = number("leaseTransitions");
  return record;
}

void write_lease_record(Json& lease, const LeaseRecord& record) {
  Json& spec = lease["spec"];
  spec["holderIdentity"] = record.holder_identity;
  spec["leaseDurationSeconds"] = record.lease_duration_seconds;
  spec["leaseTransitions"] = record.lease_transitions;
  // An empty MicroTime does not parse; leave such a field out.
  for (const auto& [key, value] :
       {std::pair{"acquireTime", &record.acquire_time}, {"renewTime", &record.renew_time}}) {
    if (value->empty()) {
      spec.erase(key);
    } else {
      spec[key] = *value;
    }
  }
}

std::string micro_time(std::chrono::system_clock::time_point time) {
  return format_rfc3339(time, 6);
}

// --- ClientLeaseStore ---

ClientLeaseStore::ClientLeaseStore(Client client, std::string ns, std::string name)
    : client_(std::move(client)), ns_(std::move(ns)), name_(std::move(name)) {}

std::optional<LeaseRecord> ClientLeaseStore::get() {
  try {
    last_ = client_.get(leases(), ns_, name_);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kNotFound) throw;
    last_.reset();
    return std::nullopt;
  }
  return lease_record_from(*last_);
}

void ClientLeaseStore::create(const LeaseRecord& record) {
  Json lease = {{"apiVersion", "coordination.k8s.io/v1"},
                {"kind", "Lease"},
                {"metadata", {{"name", name_}, {"namespace", ns_}}}};
  write_lease_record(lease, record);
  last_ = client_.create(leases(), ns_, lease);
}

void ClientLeaseStore::update(const LeaseRecord& record) {
  if (!last_) {
    throw Error(ErrorCode::kFailedPrecondition,
                "lease " + ns_ + "/" + name_ + " was not read before updating it");
  }
  Json lease = *last_;  // carries metadata.resourceVersion: a stale one gives kConflict
  write_lease_record(lease, record);
  last_ = client_.replace(leases(), ns_, name_, lease);
}

// --- LeaseObserver ---

LeaseObserver::LeaseObserver(std::string identity, std::chrono::seconds lease_duration)
    : identity_(std::move(identity)),
      lease_duration_seconds_(static_cast<int>(lease_duration.count())) {}

bool LeaseObserver::lease_valid(runtime::Clock::TimePoint now) const {
  return observed_time_ + std::chrono::seconds(observed_.lease_duration_seconds) > now;
}

void LeaseObserver::observe(const LeaseRecord& record, runtime::Clock::TimePoint now) {
  observed_ = record;
  observed_time_ = now;
}

LeaseObserver::Plan LeaseObserver::plan(const std::optional<LeaseRecord>& current,
                                        runtime::Clock::TimePoint now,
                                        const std::string& wall_now) {
  Plan result;
  result.record = {.holder_identity = identity_,
                   .lease_duration_seconds = lease_duration_seconds_,
                   .acquire_time = wall_now,
                   .renew_time = wall_now,
                   .lease_transitions = 0};
  if (!current) {
    result.action = Action::kCreate;
    return result;
  }
  // The expiry clock restarts only when the record changes: a holder that keeps renewing
  // keeps changing renewTime.
  if (*current != observed_) observe(*current, now);
  if (!current->holder_identity.empty() && lease_valid(now) && !is_leader()) {
    result.action = Action::kWait;
    return result;
  }
  if (is_leader()) {
    result.record.acquire_time = current->acquire_time;
    result.record.lease_transitions = current->lease_transitions;
  } else {
    result.record.lease_transitions = current->lease_transitions + 1;
  }
  result.action = Action::kUpdate;
  return result;
}

std::optional<LeaseRecord> LeaseObserver::fast_renewal(runtime::Clock::TimePoint now,
                                                       const std::string& wall_now) const {
  if (!is_leader() || !lease_valid(now)) return std::nullopt;
  LeaseRecord record = observed_;
  record.lease_duration_seconds = lease_duration_seconds_;
  record.renew_time = wall_now;
  return record;
}

LeaseRecord LeaseObserver::release_record(const std::string& wall_now) const {
  return {.holder_identity = "",
          .lease_duration_seconds = 1,
          .acquire_time = wall_now,
          .renew_time = wall_now,
          .lease_transitions = observed_.lease_transitions};
}

// --- LeaderElector ---

namespace {

constexpr double kJitterFactor = 1.2;  // client-go's JitterFactor

void validate(const LeaderElectionConfig& config) {
  if (config.identity.empty()) throw invalid_argument("leader election needs an identity");
  validate_lease_timing(config.lease_duration, config.renew_deadline, config.retry_period);
}

}  // namespace

void validate_lease_timing(std::chrono::milliseconds lease_duration,
                           std::chrono::milliseconds renew_deadline,
                           std::chrono::milliseconds retry_period) {
  if (retry_period.count() <= 0) {
    throw invalid_argument("leader election: retry_period must be positive");
  }
  if (lease_duration < std::chrono::seconds(1)) {
    throw invalid_argument("leader election: lease_duration must be at least one second");
  }
  if (lease_duration <= renew_deadline) {
    throw invalid_argument("leader election: lease_duration must be greater than renew_deadline");
  }
  if (static_cast<double>(renew_deadline.count()) <=
      kJitterFactor * static_cast<double>(retry_period.count())) {
    throw invalid_argument(
        "leader election: renew_deadline must be greater than 1.2 * retry_period");
  }
}

LeaderElector::LeaderElector(std::shared_ptr<LeaseStore> store, LeaderElectionConfig config)
    : store_(std::move(store)),
      config_((validate(config), std::move(config))),
      observer_(config_.identity,
                std::chrono::duration_cast<std::chrono::seconds>(config_.lease_duration)),
      random_(config_.random ? config_.random : runtime::default_random_source()) {
  if (!store_) throw invalid_argument("leader election needs a lease store");
  if (!config_.clock) config_.clock = runtime::SystemClock::instance();
  if (!config_.wall_clock) config_.wall_clock = [] { return std::chrono::system_clock::now(); };
}

std::string LeaderElector::wall_now() const {
  return micro_time(config_.wall_clock());
}

bool LeaderElector::is_leader() const {
  std::lock_guard lock(mu_);
  return leading_now_;
}

std::string LeaderElector::holder() const {
  std::lock_guard lock(mu_);
  return holder_now_;
}

int LeaderElector::attempts() const {
  std::lock_guard lock(mu_);
  return attempts_;
}

void LeaderElector::note_holder() {
  const std::string holder = observer_.observed().holder_identity;
  {
    std::lock_guard lock(mu_);
    leading_now_ = observer_.is_leader();
    holder_now_ = holder;
  }
  if (holder != reported_holder_) {
    reported_holder_ = holder;
    if (config_.on_new_leader) config_.on_new_leader(holder);
  }
}

bool LeaderElector::try_acquire_or_renew() {
  {
    std::lock_guard lock(mu_);
    ++attempts_;
  }
  runtime::Clock& clock = *config_.clock;
  // Fast path: the leader writes over the version it wrote last, without reading first.
  if (const auto renewal = observer_.fast_renewal(clock.now(), wall_now())) {
    try {
      store_->update(*renewal);
      observer_.observe(*renewal, clock.now());
      return true;
    } catch (const Error&) {  // someone else wrote, or the request failed: read and decide
    }
  }
  try {
    const auto current = store_->get();
    const LeaseObserver::Plan plan = observer_.plan(current, clock.now(), wall_now());
    switch (plan.action) {
      case LeaseObserver::Action::kWait:
        return false;
      case LeaseObserver::Action::kCreate:
        store_->create(plan.record);
        break;
      case LeaseObserver::Action::kUpdate:
        store_->update(plan.record);
        break;
    }
    observer_.observe(plan.record, clock.now());
    return true;
  } catch (const Error&) {
    // Lost a race (kConflict, kAlreadyExists) or the API failed: retry after the period.
    return false;
  }
}

bool LeaderElector::acquire(runtime::AbortSource& stop) {
  while (!stop.abort_requested()) {
    const bool acquired = try_acquire_or_renew();
    note_holder();
    if (acquired) return true;
    const double spread = 1.0 + kJitterFactor * random_();
    const auto wait = std::chrono::duration_cast<runtime::Clock::Duration>(
        std::chrono::duration<double, std::milli>(
            static_cast<double>(config_.retry_period.count()) * spread));
    try {
      runtime::sleep_for(wait, stop, *config_.clock);
    } catch (const Error&) {
      return false;
    }
  }
  return false;
}

void LeaderElector::renew(const std::shared_ptr<runtime::AbortSource>& leading) {
  runtime::Clock& clock = *config_.clock;
  // The watchdog: leadership ends renew_deadline after the start of the last successful
  // attempt, on time even if a request hangs. Re-armed after every success.
  auto arm = [&](runtime::Clock::TimePoint last_success) {
    return clock.call_at(last_success + config_.renew_deadline, [leading] {
      leading->request_abort("leadership lost: the lease was not renewed within renewDeadline");
    });
  };
  runtime::Timer watchdog = arm(clock.now());
  while (!leading->abort_requested()) {
    try {
      runtime::sleep_for(config_.retry_period, *leading, clock);
    } catch (const Error&) {
      break;
    }
    const auto started = clock.now();
    const bool renewed = try_acquire_or_renew();
    if (leading->abort_requested()) break;  // the deadline passed during the attempt
    if (renewed) {
      watchdog.cancel();  // first, so tests counting pending timers never see two
      watchdog = arm(started);
    } else if (!observer_.is_leader()) {
      // Someone else holds the lease now (taken by force, or after our lease expired).
      leading->request_abort("leadership lost: the lease is held by " +
                             observer_.observed().holder_identity);
    }
    note_holder();
  }
  watchdog.cancel();
}

void LeaderElector::release() {
  if (!observer_.is_leader()) return;
  const LeaseRecord record = observer_.release_record(wall_now());
  try {
    store_->update(record);
    observer_.observe(record, config_.clock->now());
  } catch (const Error&) {
    // Best effort: the lease then simply expires.
  }
}

bool LeaderElector::run(runtime::FiberPool& pool, runtime::AbortSource& stop) {
  if (!acquire(stop)) return false;

  auto leading = std::make_shared<runtime::AbortSource>();
  // Shutdown ends leadership too; the subscription only forwards the abort.
  runtime::AbortSource::Subscription forward =
      stop.subscribe([leading] { leading->request_abort("shutting down"); });
  runtime::Gate work;
  if (config_.on_started_leading) {
    try {
      pool.spawn([this, leading, holder = work.enter()]() mutable {
        config_.on_started_leading(*leading);
        holder.release();
      });
    } catch (const Error&) {  // the pool is shutting down
      leading->request_abort("shutting down");
    }
  }
  renew(leading);
  {
    std::lock_guard lock(mu_);
    leading_now_ = false;
  }
  if (config_.on_stopped_leading) config_.on_stopped_leading();
  work.close();  // the leader's work has returned: now another candidate may start
  forward.reset();
  // Also after a lost renewal, as client-go: harmless when someone else holds the lease (we
  // no longer observe ourselves as holder, or the write conflicts), and quick to hand over
  // when only our last renewals were lost.
  if (config_.release_on_cancel) release();
  note_holder();
  std::lock_guard lock(mu_);
  leading_now_ = false;  // even if the last observation still names us
  return true;
}

}  // namespace sluice::kube
