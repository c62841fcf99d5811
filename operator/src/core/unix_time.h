#pragma once

// Unix seconds: the unit certificates, transparency logs and signatures give times in.

#include <chrono>
#include <cstdint>

namespace sluice {

inline std::int64_t unix_seconds_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace sluice
