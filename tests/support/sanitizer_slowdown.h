#pragma once

// How many times slower the sanitizer builds (the asan and tsan presets) run the same code.
// Time bounds that prove behaviour (no exponential blow-up, no tight loop) are multiplied by it:
// ASan took 26 s on a busy machine for what the normal build does in 2
// (ValueMatcherTest.NoCatastrophicBacktrackingOrDeepRecursion).

namespace sluice::testing {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr int kSanitizerSlowdown = 10;
#else
inline constexpr int kSanitizerSlowdown = 1;
#endif

}  // namespace sluice::testing
