#include "server/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <utility>

#include "core/error.h"
#include "server/text_format.h"

namespace sluice::server {

void Counter::inc(double v) {
  if (!(v >= 0)) {
    throw invalid_argument("a counter can only go up, not by " + text_format::format_value(v));
  }
  value_.fetch_add(v, std::memory_order_relaxed);
}

Histogram::Histogram(std::shared_ptr<const std::vector<double>> bounds)
    : bounds_(std::move(bounds)),
      counts_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_->size() + 1)) {}

void Histogram::observe(double v) noexcept {
  std::size_t bucket = bounds_->size();
  if (!std::isnan(v)) {
    bucket = static_cast<std::size_t>(std::lower_bound(bounds_->begin(), bounds_->end(), v) -
                                      bounds_->begin());
  }
  counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot snapshot;
  snapshot.cumulative.reserve(bounds_->size() + 1);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i <= bounds_->size(); ++i) {
    total += counts_[i].load(std::memory_order_relaxed);
    snapshot.cumulative.push_back(total);
  }
  snapshot.count = total;
  snapshot.sum = sum_.load(std::memory_order_relaxed);
  return snapshot;
}

namespace {

void append_series(std::string& out, const std::string& name,
                   const std::vector<std::string>& label_names,
                   const std::vector<std::string>& values, const Counter& counter) {
  text_format::append_sample(out, name, label_names, values, {}, {}, counter.value());
}

void append_series(std::string& out, const std::string& name,
                   const std::vector<std::string>& label_names,
                   const std::vector<std::string>& values, const Gauge& gauge) {
  text_format::append_sample(out, name, label_names, values, {}, {}, gauge.value());
}

void append_series(std::string& out, const std::string& name,
                   const std::vector<std::string>& label_names,
                   const std::vector<std::string>& values, const Histogram& histogram) {
  const auto snapshot = histogram.snapshot();
  const auto& bounds = histogram.bounds();
  const std::string bucket = name + "_bucket";
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    text_format::append_sample(out, bucket, label_names, values, "le",
                               text_format::format_value(bounds[i]),
                               static_cast<double>(snapshot.cumulative[i]));
  }
  text_format::append_sample(out, bucket, label_names, values, "le", "+Inf",
                             static_cast<double>(snapshot.count));
  text_format::append_sample(out, name + "_sum", label_names, values, {}, {}, snapshot.sum);
  text_format::append_sample(out, name + "_count", label_names, values, {}, {},
                             static_cast<double>(snapshot.count));
}

// A gauge read from a function at each scrape (Registry::gauge_function).
class FunctionGauge final : public detail::FamilyBase {
 public:
  FunctionGauge(std::string name, std::string help, std::function<double()> read)
      : FamilyBase(std::move(name), std::move(help), "gauge", {}), read_(std::move(read)) {}

  void expose(std::string& out) const override {
    append_header(out);
    text_format::append_sample(out, name(), {}, {}, {}, {}, read_());
  }

 private:
  std::function<double()> read_;
};

// "metric \"x\": " for error messages.
std::string about(const std::string& name) {
  return "metric \"" + name + "\": ";
}

void check_names(const std::string& name, const std::string& help,
                 const std::vector<std::string>& label_names) {
  if (!text_format::is_valid_metric_name(name)) {
    throw invalid_argument(about(name) + "not a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)");
  }
  if (!text_format::is_valid_utf8(help)) throw invalid_argument(about(name) + "help is not UTF-8");
  std::set<std::string> seen;
  for (const auto& label : label_names) {
    if (!text_format::is_valid_label_name(label)) {
      throw invalid_argument(about(name) + "\"" + label +
                             "\" is not a valid label name ([a-zA-Z_][a-zA-Z0-9_]*, no "
                             "leading \"__\")");
    }
    if (!seen.insert(label).second) {
      throw invalid_argument(about(name) + "label \"" + label + "\" given twice");
    }
  }
}

// The names of the lines a family writes, to keep two families from writing the same one.
std::vector<std::string> sample_names_of(const std::string& name, const std::string& type) {
  if (type == "histogram") return {name + "_bucket", name + "_sum", name + "_count"};
  return {name};
}

}  // namespace

namespace detail {

FamilyBase::FamilyBase(std::string name, std::string help, std::string type,
                       std::vector<std::string> label_names)
    : name_(std::move(name)),
      help_(std::move(help)),
      type_(std::move(type)),
      label_names_(std::move(label_names)) {}

void FamilyBase::append_header(std::string& out) const {
  if (!help_.empty()) {
    out += "# HELP ";
    out += name_;
    out += ' ';
    text_format::append_help(out, help_);
    out += '\n';
  }
  out += "# TYPE ";
  out += name_;
  out += ' ';
  out += type_;
  out += '\n';
}

}  // namespace detail

template <class Metric>
Family<Metric>::Family(std::string name, std::string help, std::vector<std::string> label_names,
                       std::shared_ptr<const std::vector<double>> bounds)
    : FamilyBase(std::move(name), std::move(help),
                 std::is_same_v<Metric, Counter> ? "counter"
                 : std::is_same_v<Metric, Gauge> ? "gauge"
                                                 : "histogram",
                 std::move(label_names)),
      bounds_(std::move(bounds)) {
  // The one series of a family without labels exists from the start, so that it reads 0
  // before anything happened rather than being absent.
  if (this->label_names().empty()) labels({});
}

template <class Metric>
void Family<Metric>::check_arity(const std::vector<std::string>& values) const {
  if (values.size() != label_names().size()) {
    throw invalid_argument(about(name()) + "expected " + std::to_string(label_names().size()) +
                           " label values, got " + std::to_string(values.size()));
  }
}

template <class Metric>
Metric& Family<Metric>::labels(const std::vector<std::string>& values) {
  {
    std::lock_guard lock(mu_);
    if (auto it = series_.find(values); it != series_.end()) return *it->second;
  }
  // Checked once per new series, outside the lock; the hot path above is a map lookup.
  check_arity(values);
  for (const auto& value : values) {
    if (!text_format::is_valid_utf8(value)) {
      throw invalid_argument(about(name()) + "label value is not UTF-8");
    }
  }
  std::unique_ptr<Metric> made;
  if constexpr (std::is_same_v<Metric, Histogram>) {
    made = std::make_unique<Histogram>(bounds_);
  } else {
    made = std::make_unique<Metric>();
  }
  std::lock_guard lock(mu_);
  // Another thread may have made it meanwhile; the first one stays.
  auto [it, inserted] = series_.try_emplace(values, std::move(made));
  return *it->second;
}

template <class Metric>
void Family<Metric>::remove(const std::vector<std::string>& values) {
  check_arity(values);
  std::unique_ptr<Metric> removed;  // destroyed after the lock is released
  std::lock_guard lock(mu_);
  if (auto it = series_.find(values); it != series_.end()) {
    removed = std::move(it->second);
    series_.erase(it);
  }
}

template <class Metric>
std::size_t Family<Metric>::size() const {
  std::lock_guard lock(mu_);
  return series_.size();
}

template <class Metric>
void Family<Metric>::expose(std::string& out) const {
  append_header(out);
  // Formatting under the lock only reads atomics and appends text: short, and never suspends.
  std::lock_guard lock(mu_);
  for (const auto& [values, metric] : series_) {
    append_series(out, name(), label_names(), values, *metric);
  }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

template <class Metric>
Family<Metric>& Registry::add(std::string name, std::string help, std::string type,
                              std::vector<std::string> label_names,
                              std::shared_ptr<const std::vector<double>> bounds) {
  check_names(name, help, label_names);
  std::lock_guard lock(mu_);
  if (auto it = families_.find(name); it != families_.end()) {
    auto* existing = dynamic_cast<Family<Metric>*>(it->second.get());
    const bool same_buckets = existing != nullptr && (!bounds || *existing->bounds_ == *bounds);
    if (existing == nullptr || existing->help() != help || existing->label_names() != label_names ||
        !same_buckets) {
      throw Error(ErrorCode::kAlreadyExists, about(name) + "registered already as a " +
                                                 it->second->type() +
                                                 " with other help, labels or buckets");
    }
    return *existing;
  }
  auto family = std::make_unique<Family<Metric>>(std::move(name), std::move(help),
                                                 std::move(label_names), std::move(bounds));
  auto& result = *family;
  add_locked(std::move(family), sample_names_of(result.name(), type));
  return result;
}

void Registry::add_locked(std::unique_ptr<detail::FamilyBase> family,
                          const std::vector<std::string>& sample_names) {
  for (const auto& sample : sample_names) {
    if (auto it = sample_names_.find(sample); it != sample_names_.end()) {
      throw Error(ErrorCode::kAlreadyExists, about(family->name()) + "its samples \"" + sample +
                                                 "\" would clash with metric \"" + it->second +
                                                 "\"");
    }
  }
  for (const auto& sample : sample_names) sample_names_.emplace(sample, family->name());
  const std::string name = family->name();
  families_.emplace(name, std::move(family));
}

Family<Counter>& Registry::counter(std::string name, std::string help,
                                   std::vector<std::string> label_names) {
  if (!name.ends_with("_total")) {
    throw invalid_argument(about(name) + "a counter's name must end in \"_total\"");
  }
  return add<Counter>(std::move(name), std::move(help), "counter", std::move(label_names), {});
}

Family<Gauge>& Registry::gauge(std::string name, std::string help,
                               std::vector<std::string> label_names) {
  return add<Gauge>(std::move(name), std::move(help), "gauge", std::move(label_names), {});
}

Family<Histogram>& Registry::histogram(std::string name, std::string help,
                                       std::vector<std::string> label_names,
                                       std::vector<double> buckets) {
  if (!buckets.empty() && buckets.back() == std::numeric_limits<double>::infinity()) {
    buckets.pop_back();  // implicit anyway
  }
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    if (!std::isfinite(buckets[i]) || (i > 0 && !(buckets[i - 1] < buckets[i]))) {
      throw invalid_argument(about(name) + "buckets must be finite and strictly increasing");
    }
  }
  if (std::find(label_names.begin(), label_names.end(), "le") != label_names.end()) {
    throw invalid_argument(about(name) + "the label name \"le\" is reserved for buckets");
  }
  return add<Histogram>(std::move(name), std::move(help), "histogram", std::move(label_names),
                        std::make_shared<const std::vector<double>>(std::move(buckets)));
}

void Registry::gauge_function(std::string name, std::string help, std::function<double()> read) {
  check_names(name, help, {});
  if (!read) throw invalid_argument(about(name) + "no function to read the gauge with");
  std::lock_guard lock(mu_);
  if (families_.contains(name)) {
    throw Error(ErrorCode::kAlreadyExists, about(name) + "registered already");
  }
  auto family = std::make_unique<FunctionGauge>(std::move(name), std::move(help), std::move(read));
  auto samples = sample_names_of(family->name(), "gauge");
  add_locked(std::move(family), samples);
}

std::string Registry::expose() const {
  // Families are never removed, so the pointers outlive the lock; gauge functions then run
  // with no registry lock held.
  std::vector<const detail::FamilyBase*> families;
  {
    std::lock_guard lock(mu_);
    families.reserve(families_.size());
    for (const auto& [name, family] : families_) families.push_back(family.get());
  }
  std::string out;
  for (const auto* family : families) family->expose(out);
  return out;
}

std::vector<double> exponential_buckets(double start, double factor, std::size_t count) {
  if (!(start > 0) || !(factor > 1) || count == 0) {
    throw invalid_argument(
        "exponential buckets need start > 0, factor > 1 and at least one bucket");
  }
  std::vector<double> buckets;
  buckets.reserve(count);
  for (double bound = start; buckets.size() < count; bound *= factor) buckets.push_back(bound);
  return buckets;
}

}  // namespace sluice::server
