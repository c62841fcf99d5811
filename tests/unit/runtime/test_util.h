#pragma once

// Helpers shared by the runtime tests.

#include <chrono>
#include <functional>
#include <thread>

namespace sluice::runtime::testing {

// Polls `condition` from a plain thread until it holds or `limit` passes; returns whether it
// held. The limit is a hang guard for a loaded machine, never a performance assertion.
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace sluice::runtime::testing
