#pragma once

// Sanitizer builds only (the asan and tsan presets): every fiber switch of Boost.Context -
// those Boost.Fiber makes inside libboost_fiber as well as ours - goes through jump_fcontext,
// ontop_fcontext and make_fcontext, which sanitizer_fibers.cpp interposes to tell the sanitizer
// about the stack switch (AddressSanitizer: __sanitizer_start/finish_switch_fiber, so that an
// exception thrown on a fiber stack unpoisons the right stack; ThreadSanitizer: one TSan fiber
// per Boost.Context fiber, so that its shadow call stack and happens-before state follow the
// fiber across switches and threads). Without them, ASan reports false positives after
// exceptions on fiber stacks and TSan corrupts its shadow stacks. (TSan also needs Boost.Fiber
// itself instrumented: the tsan preset builds it from third_party/boost-fiber-1.74.0.) Nothing
// is interposed in other builds, where these functions return false and 0.

#include <cstdint>

namespace sluice::runtime {

// Whether the process's jump_fcontext is the hook (the executable exports it, so that
// libboost_fiber's calls reach it too).
bool sanitizer_fiber_hooks_installed() noexcept;

// How many switches the hooks have seen, for tests to prove Boost.Fiber's switches reach them.
std::uint64_t sanitizer_fiber_switch_count() noexcept;

}  // namespace sluice::runtime
