#pragma once

// A type-erased, move-only `void()` callable: the unit of work the pools queue.
//
// Written by hand because std::function requires a copyable target (a task owning a
// promise, a gate holder or a unique_ptr is move-only) and std::move_only_function is C++23.

#include <memory>
#include <type_traits>
#include <utility>

namespace sluice::runtime {

class Task {
 public:
  Task() noexcept = default;

  // Wraps any callable invocable as `f()`; its result, if any, is discarded.
  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, Task>>>
  explicit Task(F&& f) : impl_(std::make_unique<Model<std::decay_t<F>>>(std::forward<F>(f))) {}

  Task(Task&&) noexcept = default;
  Task& operator=(Task&&) noexcept = default;
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() = default;

  // Runs the callable. Precondition: `*this` holds one (calling an empty Task is a bug).
  void operator()() { impl_->call(); }

  explicit operator bool() const noexcept { return impl_ != nullptr; }

 private:
  struct Concept {
    virtual ~Concept() = default;
    virtual void call() = 0;
  };
  template <class F>
  struct Model final : Concept {
    explicit Model(F&& f) : fn(std::move(f)) {}
    explicit Model(const F& f) : fn(f) {}
    void call() override { fn(); }
    F fn;
  };

  std::unique_ptr<Concept> impl_;
};

}  // namespace sluice::runtime
