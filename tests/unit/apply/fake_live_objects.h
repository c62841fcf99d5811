#pragma once
// An in-memory LiveObjects for the apply engine's unit tests.

#include <map>
#include <mutex>
#include <set>
#include <tuple>

#include "apply/live_objects.h"

namespace sluice::apply::testing {

class FakeLiveObjects final : public LiveObjects {
 public:
  void watch(const GroupVersionKind& gvk, runtime::AbortSource&) override { watched.insert(gvk); }

  std::optional<Json> get(const GroupVersionKind& gvk, const std::string& ns,
                          const std::string& name) const override {
    std::lock_guard lock(mu_);
    const auto it = objects_.find({gvk, ns, name});
    if (it == objects_.end()) return std::nullopt;
    return it->second;
  }

  std::uint64_t changes() const override {
    std::lock_guard lock(mu_);
    return changes_;
  }

  // Returns at once: tests change objects between checks through `on_wait`.
  void wait_for_change(std::uint64_t, runtime::Clock::TimePoint deadline,
                       runtime::AbortSource&) override {
    ++waits;
    if (on_wait) on_wait(deadline);
  }

  void put(const Json& object) {
    const Object o(object);
    std::lock_guard lock(mu_);
    objects_[{o.gvk(), o.namespace_name(), o.name()}] = object;
    ++changes_;
  }
  // As a list response (a relist) has it: stored without apiVersion and kind.
  void put_listed(const Json& object) {
    const Object o(object);
    Json stored = object;
    stored.erase("apiVersion");
    stored.erase("kind");
    std::lock_guard lock(mu_);
    objects_[{o.gvk(), o.namespace_name(), o.name()}] = std::move(stored);
    ++changes_;
  }
  void erase(const Json& object) {
    const Object o(object);
    std::lock_guard lock(mu_);
    objects_.erase({o.gvk(), o.namespace_name(), o.name()});
    ++changes_;
  }

  std::set<GroupVersionKind> watched;
  int waits = 0;
  std::function<void(runtime::Clock::TimePoint)> on_wait;

 private:
  mutable std::mutex mu_;
  std::map<std::tuple<GroupVersionKind, std::string, std::string>, Json> objects_;
  std::uint64_t changes_ = 0;
};

}  // namespace sluice::apply::testing
