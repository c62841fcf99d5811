#pragma once
// What every fuzz target may see: sluice::Error (the input was refused, with a reason) is the
// expected outcome for junk; any other exception escapes and counts as a finding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/error.h"

namespace sluice::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

template <typename Body>
void refusals_allowed(Body body) {
  try {
    body();
  } catch (const Error&) {  // refused with a reason: fine
  }
}

}  // namespace sluice::fuzz
