#pragma once

// How many times slower the sanitizer builds (the asan and tsan presets) run the same code.
// Time bounds that prove behaviour (no exponential blow-up, no tight loop) are multiplied by it:
// ASan took 26 s on a busy machine for what the normal build does in 2
// (ValueMatcherTest.NoCatastrophicBacktrackingOrDeepRecursion).

namespace sluice::testing {

// Memory bounds likewise grow by kSanitizerMemoryFactor: ASan's redzones and its 256 MiB
// quarantine of freed blocks (the operator's peak RSS for 100,000 files grew 704 MiB under ASan,
// 155 MiB or less in the normal build; Hostile/HostileRepositoryTest).

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr int kSanitizerSlowdown = 10;
inline constexpr int kSanitizerMemoryFactor = 4;
#else
inline constexpr int kSanitizerSlowdown = 1;
inline constexpr int kSanitizerMemoryFactor = 1;
#endif

}  // namespace sluice::testing
