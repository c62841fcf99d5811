#pragma once

// Channel<T>: the bounded multi-producer multi-consumer queue the pipeline stages talk through.
// A thin wrapper over boost::fibers::buffered_channel that fixes its sharp edges for our use:
//
//  * Capacity. buffered_channel needs a power of two >= 2 and keeps one slot free, so it holds
//    capacity-1 values. Channel(n) rounds up to the next power of two above n: it holds at least
//    n values and at most 2n-1 (capacity() says exactly how many).
//  * Element type. buffered_channel default-constructs its slots and move-assigns into them, so
//    values are stored as std::optional<T>: T need not be default-constructible (a struct
//    holding an Error, say), only move-constructible and move-assignable. Move-only T is fine.
//  * Errors. Sending on a closed channel throws Error(kCancelled) rather than returning a status
//    that is easy to ignore: a closed downstream means the pipeline is shutting down.
//  * No timed variants. Boost 1.74's timed channel waits race under multi-threaded schedulers
//    (see clock.h); a stage that must give up waits on an AbortSource and closes the channel.
//
// A blocked send or receive suspends only the calling fiber; from a plain thread it blocks the
// thread. The channel must outlive every fiber using it, so share it as ChannelPtr<T>.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include <boost/fiber/buffered_channel.hpp>
#include <boost/fiber/channel_op_status.hpp>

#include "core/error.h"

namespace sluice::runtime {

enum class ChannelStatus {
  kSuccess,  // the value was sent or received
  kEmpty,    // try_receive: nothing buffered right now
  kFull,     // try_send: no room right now
  kClosed,   // closed (and, for receives, drained)
};

template <class T>
class Channel {
  static_assert(std::is_move_constructible_v<T> && std::is_move_assignable_v<T>,
                "Channel<T> moves values in and out of its buffer");

 public:
  // `capacity` values fit before send() blocks (at least; see the rounding above). 0 counts as 1.
  explicit Channel(std::size_t capacity) : slots_(buffer_slots(capacity)), channel_(slots_) {}

  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;
  // Closes; fibers still blocked on the channel at this point are a bug (it must outlive them).
  ~Channel() = default;

  // Appends `value`, suspending while the channel is full: this is the backpressure that keeps a
  // fast stage from running ahead of a slow one. Throws Error(kCancelled) if the channel is or
  // becomes closed; the value is dropped then.
  void send(T value) {
    if (channel_.push(Slot(std::move(value))) == boost::fibers::channel_op_status::closed) {
      throw Error(ErrorCode::kCancelled, "send on a closed channel");
    }
  }

  // Sends without waiting. `value` is moved from only on kSuccess; on kFull or kClosed the
  // caller still owns it (so a move-only value is never lost).
  ChannelStatus try_send(T&& value) {
    Slot slot(std::move(value));
    const auto status = channel_.try_push(std::move(slot));
    if (status == boost::fibers::channel_op_status::success) return ChannelStatus::kSuccess;
    // try_push moves from its argument only on success, so `slot` still holds the value.
    value = std::move(*slot);  // NOLINT(bugprone-use-after-move)
    return status == boost::fibers::channel_op_status::full ? ChannelStatus::kFull
                                                            : ChannelStatus::kClosed;
  }

  // Takes the oldest value, suspending while the channel is empty. Values sent before close()
  // are still delivered; returns nullopt once the channel is closed and drained.
  std::optional<T> receive() {
    Slot slot;
    if (channel_.pop(slot) != boost::fibers::channel_op_status::success) return std::nullopt;
    return slot;
  }

  // Receives without waiting; on kSuccess `out` holds the value, otherwise it is left untouched.
  // kClosed only once closed and drained.
  ChannelStatus try_receive(std::optional<T>& out) {
    Slot slot;
    switch (channel_.try_pop(slot)) {
      case boost::fibers::channel_op_status::success:
        out = std::move(slot);
        return ChannelStatus::kSuccess;
      case boost::fibers::channel_op_status::empty:
        return ChannelStatus::kEmpty;
      default:
        return ChannelStatus::kClosed;
    }
  }

  // Refuses further sends and wakes every blocked sender (they throw) and, once drained, every
  // blocked receiver (they get nullopt). Idempotent, callable from any fiber or thread.
  void close() noexcept { channel_.close(); }

  bool is_closed() const noexcept { return channel_.is_closed(); }

  // How many values fit before send() blocks.
  std::size_t capacity() const noexcept { return slots_ - 1; }

 private:
  using Slot = std::optional<T>;

  static std::size_t buffer_slots(std::size_t capacity) {
    return std::bit_ceil(std::max<std::size_t>(capacity, 1) + 1);
  }

  // Declared before channel_, whose constructor takes it.
  std::size_t slots_;
  boost::fibers::buffered_channel<Slot> channel_;
};

template <class T>
using ChannelPtr = std::shared_ptr<Channel<T>>;

template <class T>
ChannelPtr<T> make_channel(std::size_t capacity) {
  return std::make_shared<Channel<T>>(capacity);
}

}  // namespace sluice::runtime
