#pragma once

// Every fiber switch of Boost.Context - those Boost.Fiber makes inside libboost_fiber as well as
// ours - goes through jump_fcontext, ontop_fcontext and make_fcontext, which
// fiber_switch_hooks.cpp interposes in every build:
//
// - The C++ runtime's exception state travels with the fiber. libstdc++ keeps the exceptions
//   being handled (what std::current_exception() and a rethrow read, what the end of a catch
//   block pops) and std::uncaught_exceptions() per thread. A fiber that suspends inside a catch
//   block (a status write, an event, a sleep in an error path) would otherwise resume with
//   whatever the thread's other fibers caught meanwhile, or on another thread's state, and the
//   end of its catch block would release another fiber's exception: leaks, use after free.
// - Sanitizer builds (the asan and tsan presets) also tell the sanitizer about the stack switch
//   (AddressSanitizer: __sanitizer_start/finish_switch_fiber, so that an exception thrown on a
//   fiber stack unpoisons the right stack; ThreadSanitizer: one TSan fiber per Boost.Context
//   fiber, so that its shadow call stack and happens-before state follow the fiber across
//   switches and threads). (TSan also needs Boost.Fiber itself instrumented: the tsan preset
//   builds it from third_party/boost-fiber-1.74.0.)

#include <cstdint>

namespace sluice::runtime {

// Whether the process's jump_fcontext is the hook (the executable exports it, so that
// libboost_fiber's calls reach it too). True in every executable linking sluice_runtime.
bool fiber_switch_hooks_installed() noexcept;

// How many switches the hooks have seen, for tests to prove Boost.Fiber's switches reach them.
std::uint64_t fiber_switch_count() noexcept;

}  // namespace sluice::runtime
