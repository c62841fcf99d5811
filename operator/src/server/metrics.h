#pragma once

// A small Prometheus client: counters, gauges and histograms, each a Family of series told
// apart by label values, kept in a Registry that renders them in the text exposition format
// 0.0.4 for /metrics (see health.h, mount_metrics).
//
// Written here because Debian 12 packages no C++ Prometheus client (neither prometheus-cpp nor
// any other), and what the operator needs is small: three metric types, labels, one text format.
//
// Thread safety: every member may be called from any thread or fiber at once. Updating a series
// is lock-free (atomics); labels() and remove() take their family's std::mutex for one map
// operation; registering and expose() take short std::mutex sections. No lock is ever held
// while a gauge function runs, nor across anything that can suspend a fiber.
//
// Naming follows Prometheus' conventions, and promtool's lint agrees with what is accepted:
// counters must be named `*_total`; a family's name and label names are checked when it is
// registered, label values when a series is made. Mistakes are Error(kInvalidArgument).

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace sluice::server {

// Only goes up (and back to 0 when the process restarts): requests served, reconciles done.
class Counter {
 public:
  Counter() = default;
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;
  ~Counter() = default;

  // Adds `v`. Throws Error(kInvalidArgument) when `v` is negative or NaN: a counter that went
  // down would read as a restart to rate().
  void inc(double v = 1);
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Goes up and down: queue depth, objects in the inventory, time of the last success.
class Gauge {
 public:
  Gauge() = default;
  Gauge(const Gauge&) = delete;
  Gauge& operator=(const Gauge&) = delete;
  ~Gauge() = default;

  void set(double v) noexcept { value_.store(v, std::memory_order_relaxed); }
  void inc(double v = 1) noexcept { value_.fetch_add(v, std::memory_order_relaxed); }
  void dec(double v = 1) noexcept { value_.fetch_sub(v, std::memory_order_relaxed); }
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Counts observations (durations, sizes) into buckets with fixed upper bounds.
class Histogram {
 public:
  // `bounds`: finite, strictly increasing upper bounds, shared by the series of a family
  // (Registry::histogram checks them); +Inf is implicit.
  explicit Histogram(std::shared_ptr<const std::vector<double>> bounds);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;
  ~Histogram() = default;

  // Counts `v` in the first bucket whose bound is >= v (Prometheus' `le`), or in +Inf only. NaN
  // goes to +Inf and makes the sum NaN, as in the Go client.
  void observe(double v) noexcept;

  struct Snapshot {
    // Per bound, then +Inf: observations <= that bound (cumulative, as exposed).
    std::vector<std::uint64_t> cumulative;
    double sum = 0;
    std::uint64_t count = 0;  // == cumulative.back()
  };
  // The count is the sum of the buckets read, so count and +Inf always agree; the sum may miss
  // an observation that is being added at the same moment.
  Snapshot snapshot() const;
  const std::vector<double>& bounds() const noexcept { return *bounds_; }

 private:
  std::shared_ptr<const std::vector<double>> bounds_;
  // bounds_->size() + 1 non-cumulative counts; the last is for values above every bound.
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;
  std::atomic<double> sum_{0};
};

namespace detail {

// What the Registry holds of each family, whatever its type.
class FamilyBase {
 public:
  FamilyBase(std::string name, std::string help, std::string type,
             std::vector<std::string> label_names);
  FamilyBase(const FamilyBase&) = delete;
  FamilyBase& operator=(const FamilyBase&) = delete;
  virtual ~FamilyBase() = default;

  // Appends HELP and TYPE lines and every series, in label value order.
  virtual void expose(std::string& out) const = 0;

  const std::string& name() const noexcept { return name_; }
  const std::string& help() const noexcept { return help_; }
  const std::string& type() const noexcept { return type_; }  // "counter", "gauge", ...
  const std::vector<std::string>& label_names() const noexcept { return label_names_; }

 protected:
  void append_header(std::string& out) const;

 private:
  std::string name_;
  std::string help_;
  std::string type_;
  std::vector<std::string> label_names_;
};

}  // namespace detail

// The series of one metric, one per distinct list of label values.
template <class Metric>
class Family final : public detail::FamilyBase {
 public:
  // The series for `values` (in label_names() order), made on first use. The reference stays
  // valid until remove() of the same values, so hot paths look a series up once and keep it.
  // Throws Error(kInvalidArgument) for a wrong number of values or a value not in UTF-8. A
  // family without labels has its one series from the start (`labels({})`), exposed as 0.
  Metric& labels(const std::vector<std::string>& values);

  // Drops the series for `values`, e.g. when its Application is deleted, so it stops being
  // exposed (no-op when absent). References to it dangle from here on: remove a series only
  // when whoever looked it up is done with it. Throws like labels() for a wrong value count.
  void remove(const std::vector<std::string>& values);

  // Series currently held.
  std::size_t size() const;

  void expose(std::string& out) const override;

  // Made by Registry only; public so that std::make_unique can reach it.
  Family(std::string name, std::string help, std::vector<std::string> label_names,
         std::shared_ptr<const std::vector<double>> bounds);

 private:
  friend class Registry;
  void check_arity(const std::vector<std::string>& values) const;

  // Histograms' bucket bounds (null for the other types).
  std::shared_ptr<const std::vector<double>> bounds_;
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<Metric>> series_;
};

extern template class Family<Counter>;
extern template class Family<Gauge>;
extern template class Family<Histogram>;

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;
  ~Registry() = default;

  // Each registers a family, or returns the one already registered under `name` when its type,
  // help, label names (and buckets) are the same; anything else under that name is
  // Error(kAlreadyExists), as is a family whose series would share a sample name with another's
  // (gauge `x_count` and histogram `x`). Invalid names are Error(kInvalidArgument); a counter's
  // name must end in `_total`. Families live as long as the registry.
  Family<Counter>& counter(std::string name, std::string help,
                           std::vector<std::string> label_names = {});
  Family<Gauge>& gauge(std::string name, std::string help,
                       std::vector<std::string> label_names = {});
  // `buckets`: finite, strictly increasing upper bounds (a trailing +Inf is dropped, +Inf is
  // always added), e.g. exponential_buckets(0.01, 2, 12). The label name `le` is reserved.
  Family<Histogram>& histogram(std::string name, std::string help,
                               std::vector<std::string> label_names, std::vector<double> buckets);

  // A gauge without labels whose value is `read()` at each scrape (e.g. work-queue depth).
  // `read` runs on the scraping thread with no lock held; it must be quick, must not throw (a
  // throw fails the whole expose()) and must stay callable as long as the registry lives:
  // capture shared ownership (a WorkQueuePtr), not a plain pointer. A second registration
  // under the same name is Error(kAlreadyExists).
  void gauge_function(std::string name, std::string help, std::function<double()> read);

  // Every family in name order in the text exposition format 0.0.4: `# HELP` (when the help is
  // not empty) and `# TYPE` lines, then the series in label value order; histograms as
  // cumulative `_bucket{le="..."}` lines ending with `le="+Inf"`, then `_sum` and `_count`.
  std::string expose() const;

 private:
  template <class Metric>
  Family<Metric>& add(std::string name, std::string help, std::string type,
                      std::vector<std::string> label_names,
                      std::shared_ptr<const std::vector<double>> bounds);
  void add_locked(std::unique_ptr<detail::FamilyBase> family,
                  const std::vector<std::string>& sample_names);

  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<detail::FamilyBase>> families_;
  // Every sample name a family writes (`x_bucket`, `x_sum`, ...) -> that family's name.
  std::map<std::string, std::string> sample_names_;
};

using RegistryPtr = std::shared_ptr<Registry>;

// `count` bounds: start, start*factor, start*factor^2, ... Throws Error(kInvalidArgument) unless
// start > 0, factor > 1 and count >= 1 (as the Go client's ExponentialBuckets).
std::vector<double> exponential_buckets(double start, double factor, std::size_t count);

}  // namespace sluice::server
