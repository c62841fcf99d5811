#pragma once

// A gate, Seastar style: work that must finish before shutdown enters the gate and holds it
// while running; shutdown close()s the gate, which refuses new entries and then waits until every
// holder has left. This is how in-flight reconciles drain instead of being cut off.

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>

#include <boost/fiber/condition_variable.hpp>
#include <boost/fiber/mutex.hpp>

namespace sluice::runtime {

class Gate {
 public:
  // Proof of being inside the gate; leaves it on destruction or release(). Move-only, so it can
  // travel into the fiber or task doing the work.
  class Holder {
   public:
    Holder() noexcept = default;
    Holder(Holder&& other) noexcept;
    Holder& operator=(Holder&& other) noexcept;
    Holder(const Holder&) = delete;
    Holder& operator=(const Holder&) = delete;
    ~Holder() { release(); }

    // Leaves the gate now (idempotent).
    void release() noexcept;
    explicit operator bool() const noexcept { return gate_ != nullptr; }

   private:
    friend class Gate;
    explicit Holder(Gate* gate) noexcept : gate_(gate) {}
    Gate* gate_ = nullptr;
  };

  Gate() = default;
  // Holders point at the gate: not copyable or movable, and it must outlive every holder.
  Gate(const Gate&) = delete;
  Gate& operator=(const Gate&) = delete;
  ~Gate() = default;

  // Enters the gate. Throws Error(kCancelled, "gate is closed") once close() has begun.
  [[nodiscard]] Holder enter();

  // Like enter(), but returns nullopt instead of throwing when closed.
  [[nodiscard]] std::optional<Holder> try_enter();

  // Refuses new entries, then suspends the calling fiber (or blocks the calling thread) until
  // every holder has left. Safe to call from several fibers and threads at once and more than
  // once: every caller returns once the gate is empty. Calling it while holding the gate
  // deadlocks, like joining yourself.
  void close();

  bool is_closed() const noexcept { return closed_.load(std::memory_order_acquire); }

  // Throws Error(kCancelled) if the gate is closed: long work inside the gate polls this to stop
  // early on shutdown.
  void check() const;

  // Holders currently inside.
  std::size_t count() const;

 private:
  void leave() noexcept;

  // Fiber primitives so that close() suspends only the calling fiber; they work from plain
  // threads as well.
  mutable boost::fibers::mutex mu_;
  boost::fibers::condition_variable drained_;
  std::size_t count_ = 0;
  std::atomic<bool> closed_{false};
};

using GatePtr = std::shared_ptr<Gate>;

}  // namespace sluice::runtime
