#include "kube/events.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "core/error.h"
#include "kube/leader_election.h"  // micro_time
#include "runtime/fiber_pool.h"

namespace sluice::kube {
namespace {

constexpr std::size_t kMaxNoteBytes = 1024;  // the API's limit for note
constexpr std::size_t kMaxReasonBytes = 128;
constexpr std::size_t kMaxNamePrefix = 200;  // leaves room for ".<16 hex>" within 253

// Cuts `text` to at most `limit` bytes without splitting a UTF-8 sequence.
std::string truncate_utf8(const std::string& text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0U) == 0x80U) --end;
  return text.substr(0, end);
}

// A DNS-subdomain-safe prefix for the Event's name from the regarding object's name.
std::string name_prefix(const std::string& name) {
  std::string prefix = name.substr(0, kMaxNamePrefix);
  for (char& c : prefix) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!ok) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : '-';
  }
  while (!prefix.empty() && (prefix.back() == '-' || prefix.back() == '.')) prefix.pop_back();
  return prefix.empty() ? "event" : prefix;
}

void check_word(const std::string& value, const char* what) {
  if (value.empty() || value.size() > kMaxReasonBytes) {
    throw invalid_argument(std::string("event ") + what + " must have 1 to 128 bytes, got \"" +
                           value.substr(0, 40) + "\"");
  }
}

const char* type_name(EventType type) {
  return type == EventType::kWarning ? "Warning" : "Normal";
}

}  // namespace

Resource events() {
  return {.group = "events.k8s.io", .version = "v1", .resource = "events"};
}

ObjectReference ObjectReference::to(const Json& object) {
  ObjectReference ref;
  ref.api_version = object.value("apiVersion", std::string());
  ref.kind = object.value("kind", std::string());
  if (const auto metadata = object.find("metadata");
      metadata != object.end() && metadata->is_object()) {
    ref.ns = metadata->value("namespace", std::string());
    ref.name = metadata->value("name", std::string());
    ref.uid = metadata->value("uid", std::string());
  }
  return ref;
}

// --- EventDeduplicator ---

EventDeduplicator::EventDeduplicator(EventLimits limits) : limits_(limits) {
  limits_.max_tracked = std::max<std::size_t>(limits_.max_tracked, 1);
}

EventDeduplicator::Decision EventDeduplicator::decision(Action action, const Series& series) {
  return {.action = action,
          .key = series.key,
          .ns = series.ns,
          .name = series.name,
          .count = series.count,
          .last_observed = series.last_observed};
}

bool EventDeduplicator::take_token(const std::string& object_key, runtime::Clock::TimePoint now) {
  const double burst = std::max(limits_.object_burst, 1);
  auto found = bucket_index_.find(object_key);
  if (found == bucket_index_.end()) {
    buckets_.push_front({.object_key = object_key, .tokens = burst, .last = now});
    bucket_index_[object_key] = buckets_.begin();
    if (buckets_.size() > limits_.max_tracked) {
      bucket_index_.erase(buckets_.back().object_key);
      buckets_.pop_back();
    }
  } else {
    buckets_.splice(buckets_.begin(), buckets_, found->second);
    Bucket& bucket = buckets_.front();
    const double refill = static_cast<double>(limits_.object_refill.count());
    const double elapsed = std::chrono::duration<double, std::milli>(now - bucket.last).count();
    bucket.tokens = refill > 0 ? std::min(burst, bucket.tokens + elapsed / refill) : burst;
    bucket.last = now;
  }
  Bucket& bucket = buckets_.front();
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

EventDeduplicator::Decision EventDeduplicator::observe(
    const std::string& key, const std::string& object_key, runtime::Clock::TimePoint now,
    const std::string& wall_now, const std::string& ns, const std::string& new_name) {
  if (auto found = series_index_.find(key); found != series_index_.end()) {
    Series& series = *found->second;
    if (now - series.last_seen <= limits_.series_window) {
      series_.splice(series_.begin(), series_, found->second);
      ++series.count;
      series.last_seen = now;
      series.last_observed = wall_now;
      // The second occurrence turns the Event into a series at once (as client-go); later
      // ones are written at most once per interval.
      if (series.count == 2 || now - series.last_write >= limits_.series_update_interval) {
        series.written_count = series.count;
        series.last_write = now;
        return decision(Action::kUpdateSeries, series);
      }
      return decision(Action::kCounted, series);
    }
    series_.erase(found->second);  // the series ended: a new Event object follows
    series_index_.erase(found);
  }
  if (!take_token(object_key, now)) {
    Decision dropped;
    dropped.action = Action::kDropped;
    return dropped;
  }
  series_.push_front({.key = key,
                      .ns = ns,
                      .name = new_name,
                      .count = 1,
                      .written_count = 1,
                      .last_seen = now,
                      .last_write = now,
                      .last_observed = wall_now});
  series_index_[key] = series_.begin();
  if (series_.size() > limits_.max_tracked) {
    series_index_.erase(series_.back().key);
    series_.pop_back();
  }
  return decision(Action::kCreate, series_.front());
}

std::vector<EventDeduplicator::Decision> EventDeduplicator::due_updates(
    runtime::Clock::TimePoint now, bool all) {
  std::vector<Decision> due;
  for (Series& series : series_) {
    if (series.count <= series.written_count) continue;
    if (!all && now - series.last_write < limits_.series_update_interval) continue;
    series.written_count = series.count;
    series.last_write = now;
    due.push_back(decision(Action::kUpdateSeries, series));
  }
  return due;
}

void EventDeduplicator::forget(const std::string& key) {
  if (auto found = series_index_.find(key); found != series_index_.end()) {
    series_.erase(found->second);
    series_index_.erase(found);
  }
}

// --- EventRecorder ---

EventRecorder::EventRecorder(Client client, EventRecorderOptions options)
    : client_(std::move(client)),
      options_(std::move(options)),
      dedup_(options_.limits),
      queue_(options_.queue_capacity) {
  if (options_.reporting_instance.empty()) {
    throw invalid_argument("an event recorder needs a reporting instance (e.g. the pod name)");
  }
  check_word(options_.reporting_controller, "reporting controller");
  if (!options_.clock) options_.clock = runtime::SystemClock::instance();
  if (!options_.wall_clock) options_.wall_clock = [] { return std::chrono::system_clock::now(); };
}

EventRecorder::~EventRecorder() {
  stop();
}

std::string EventRecorder::wall_now() const {
  return micro_time(options_.wall_clock());
}

void EventRecorder::start(runtime::FiberPool& pool) {
  {
    std::lock_guard lock(mu_);
    if (started_ || stopped_) throw Error(ErrorCode::kFailedPrecondition, "recorder started");
    started_ = true;
  }
  pool.spawn([this, holder = writer_gate_.enter()] { writer(); });
  pool.spawn([this, holder = ticker_gate_.enter()] { ticker(); });
}

void EventRecorder::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
  }
  stopping_.request_abort("event recorder stopping");
  ticker_gate_.close();
  queue_.close();
  writer_gate_.close();  // the writer drains the queue and writes the last series counts
}

EventRecorderStats EventRecorder::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void EventRecorder::record(const Event& event) {
  check_word(event.reason, "reason");
  check_word(event.action, "action");
  const ObjectReference& ref = event.regarding;
  if (ref.kind.empty() || ref.name.empty()) {
    throw invalid_argument("an event needs the kind and name of the object it is about");
  }
  const std::string note = truncate_utf8(event.note, kMaxNoteBytes);
  const char sep = '\x1f';
  const std::string object_key =
      ref.api_version + sep + ref.kind + sep + ref.ns + sep + ref.name + sep + ref.uid;
  const std::string key = options_.reporting_controller + sep + object_key + sep +
                          type_name(event.type) + sep + event.reason + sep + event.action + sep +
                          note;
  const auto wall = options_.wall_clock();
  if (options_.on_record) options_.on_record(event, wall);
  const std::string wall_text = micro_time(wall);
  const std::string ns = ref.ns.empty() ? "default" : ref.ns;

  Write write;
  {
    std::lock_guard lock(mu_);
    ++stats_.recorded;
    // client-go names Events <object>.<unix nanos in hex>; kept unique here.
    const auto nanos = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(wall.time_since_epoch()).count());
    last_stamp_ = std::max(nanos, last_stamp_ + 1);
    char stamp[24];
    std::snprintf(stamp, sizeof stamp, "%llx", static_cast<unsigned long long>(last_stamp_));
    write.decision = dedup_.observe(key, object_key, options_.clock->now(), wall_text, ns,
                                    name_prefix(ref.name) + "." + stamp);
    if (write.decision.action == EventDeduplicator::Action::kDropped) ++stats_.rate_limited;
  }
  if (write.decision.action != EventDeduplicator::Action::kCreate &&
      write.decision.action != EventDeduplicator::Action::kUpdateSeries) {
    return;
  }
  if (write.decision.action == EventDeduplicator::Action::kCreate) {
    Json regarding = {{"apiVersion", ref.api_version}, {"kind", ref.kind}, {"name", ref.name}};
    if (!ref.ns.empty()) regarding["namespace"] = ref.ns;
    if (!ref.uid.empty()) regarding["uid"] = ref.uid;
    write.object = Json{{"apiVersion", "events.k8s.io/v1"},
                        {"kind", "Event"},
                        {"metadata", {{"name", write.decision.name}, {"namespace", ns}}},
                        {"eventTime", wall_text},
                        {"reportingController", options_.reporting_controller},
                        {"reportingInstance", options_.reporting_instance},
                        {"action", event.action},
                        {"reason", event.reason},
                        {"type", type_name(event.type)},
                        {"note", note},
                        {"regarding", regarding}};
  }
  enqueue(std::move(write));
}

void EventRecorder::enqueue(Write write) {
  if (queue_.try_send(std::move(write)) != runtime::ChannelStatus::kSuccess) {
    std::lock_guard lock(mu_);
    ++stats_.queue_full;  // full, or closed by stop(): dropping beats blocking the caller
  }
}

void EventRecorder::writer() {
  while (auto write = queue_.receive()) perform(*write);
  std::vector<EventDeduplicator::Decision> last;
  {
    std::lock_guard lock(mu_);
    last = dedup_.due_updates(options_.clock->now(), /*all=*/true);
  }
  for (auto& decision : last) perform({.decision = std::move(decision), .object = {}});
}

void EventRecorder::ticker() {
  const auto period = options_.limits.series_update_interval;
  for (;;) {
    try {
      runtime::sleep_for(period, stopping_, *options_.clock);
    } catch (const Error&) {
      return;
    }
    std::vector<EventDeduplicator::Decision> due;
    {
      std::lock_guard lock(mu_);
      due = dedup_.due_updates(options_.clock->now());
    }
    for (auto& decision : due) enqueue({.decision = std::move(decision), .object = {}});
  }
}

void EventRecorder::perform(const Write& write) {
  const auto& decision = write.decision;
  bool ok = false;
  try {
    if (write.object) {
      client_.create(events(), decision.ns, *write.object);
    } else {
      const Json patch = {
          {"series", {{"count", decision.count}, {"lastObservedTime", decision.last_observed}}}};
      client_.merge_patch(events(), decision.ns, decision.name, patch);
    }
    ok = true;
  } catch (const Error&) {  // counted below; an event is never worth failing the caller
  }
  std::lock_guard lock(mu_);
  if (ok) {
    ++(write.object ? stats_.creates : stats_.series_updates);
    return;
  }
  ++stats_.write_failures;
  dedup_.forget(decision.key);  // the next occurrence starts afresh
}

}  // namespace sluice::kube
