#include "runtime/fiber_switch_hooks.h"

// Interposes Boost.Context's three fcontext functions (see the header). The executable defines
// them, so the dynamic linker binds libboost_fiber's calls here too; each hook moves the
// exception state, tells a sanitizer about the switch, and calls the next definition,
// libboost_context's. Boost 1.74's fiber_fcontext.hpp is the contract relied on: a fiber starts
// in the entry function given to make_fcontext (called with the record pointer as data, right
// after make_fcontext on the same thread), and ends with ontop_fcontext(next, that record,
// fiber_exit), which frees its stack on the next fiber and never returns.

#include <atomic>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include <boost/context/detail/fcontext.hpp>
#include <cxxabi.h>
#include <dlfcn.h>
#include <pthread.h>

#if defined(__SANITIZE_ADDRESS__)
#include <map>
#include <mutex>

#include <sanitizer/common_interface_defs.h>
#endif
#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#endif

// The hooks run uninstrumented by TSan: they change TSan's current fiber themselves, and a
// function entry recorded on one fiber with its exit on another would unbalance both fibers'
// shadow stacks. noinline keeps their thread-local accesses inside them (below).
#define SLUICE_FIBER_HOOK __attribute__((no_sanitize("thread"), noinline))

namespace {

using boost::context::detail::fcontext_t;
using boost::context::detail::transfer_t;
using EntryFunction = void (*)(transfer_t);
using OntopFunction = transfer_t (*)(transfer_t);

template <class Function>
Function next_definition(const char* name) {
  void* symbol = dlsym(RTLD_NEXT, name);
  if (symbol == nullptr) {
    std::fprintf(stderr, "sluice: fiber switch hooks: %s not found after the hook\n", name);
    std::abort();
  }
  return reinterpret_cast<Function>(symbol);
}

struct NextDefinitions {
  using Jump = transfer_t (*)(fcontext_t, void*);
  using Ontop = transfer_t (*)(fcontext_t, void*, OntopFunction);
  using Make = fcontext_t (*)(void*, std::size_t, EntryFunction);
  Jump jump = next_definition<Jump>("jump_fcontext");
  Ontop ontop = next_definition<Ontop>("ontop_fcontext");
  Make make = next_definition<Make>("make_fcontext");
};

const NextDefinitions& next() {
  static const NextDefinitions definitions;
  return definitions;
}

std::atomic<std::uint64_t> switch_count{0};

// What the hooks know of a fiber made by make_fcontext. It lives in fiber_entry_hook's frame on
// the fiber's own stack, which never returns; a thread's own stack has none (nullptr).
struct FiberIdentity {
  // The record Boost.Context passed with the first switch into the fiber; the fiber's last
  // switch passes it again.
  const void* record;
};

// Thread-local state. A fiber may resume on another thread than the one it left (work
// stealing), and the compiler may keep a thread-local address across a call, so after a switch
// these are only read and written through the noinline functions below.
thread_local FiberIdentity* current_fiber = nullptr;
// make_fcontext's real entry function, for fiber_entry_hook: the first switch into the new
// context follows make_fcontext on the same thread.
thread_local EntryFunction pending_entry = nullptr;

SLUICE_FIBER_HOOK FiberIdentity* current_identity() {
  return current_fiber;
}
SLUICE_FIBER_HOOK void set_current_identity(FiberIdentity* identity) {
  current_fiber = identity;
}

#if defined(__SANITIZE_ADDRESS__)

struct StackBounds {
  const void* bottom = nullptr;
  std::size_t size = 0;
};

// Fiber stacks by their top address (what make_fcontext received). A freed stack stays until
// its memory is reused by a new one; only live stacks are ever switched to.
std::mutex stacks_mutex;
std::map<std::uintptr_t, StackBounds>& stacks_by_top() {
  static auto* stacks = new std::map<std::uintptr_t, StackBounds>();  // never destroyed
  return *stacks;
}

std::uintptr_t address_of(const void* pointer) {
  return reinterpret_cast<std::uintptr_t>(pointer);
}

void remember_stack(void* top, std::size_t size) {
  const StackBounds bounds{static_cast<const char*>(top) - size, size};
  std::lock_guard lock(stacks_mutex);
  auto& stacks = stacks_by_top();
  // Drop the freed stacks the new one overlaps.
  auto it = stacks.upper_bound(address_of(bounds.bottom));
  while (it != stacks.end() && address_of(it->second.bottom) < address_of(top)) {
    it = stacks.erase(it);
  }
  stacks.emplace(address_of(top), bounds);
}

SLUICE_FIBER_HOOK StackBounds thread_stack() {
  thread_local StackBounds bounds;
  if (bounds.bottom == nullptr) {
    pthread_attr_t attributes;
    if (pthread_getattr_np(pthread_self(), &attributes) == 0) {
      void* bottom = nullptr;
      std::size_t size = 0;
      if (pthread_attr_getstack(&attributes, &bottom, &size) == 0) bounds = {bottom, size};
      pthread_attr_destroy(&attributes);
    }
  }
  return bounds;
}

// The stack `to` (a suspended context's stack pointer) lies on: a fiber stack, or else this
// thread's own (only the thread that left its own stack ever resumes it).
StackBounds stack_of(fcontext_t to) {
  const std::uintptr_t address = address_of(to);
  {
    std::lock_guard lock(stacks_mutex);
    const auto& stacks = stacks_by_top();
    const auto it = stacks.upper_bound(address);
    if (it != stacks.end() && address_of(it->second.bottom) <= address) return it->second;
  }
  return thread_stack();
}

#endif  // __SANITIZE_ADDRESS__

#if defined(__SANITIZE_THREAD__)
// A finished fiber's TSan fiber, destroyed by whichever fiber it switched to last (same thread).
thread_local void* tsan_fiber_to_destroy = nullptr;

SLUICE_FIBER_HOOK void set_tsan_fiber_to_destroy(void* fiber) {
  tsan_fiber_to_destroy = fiber;
}
SLUICE_FIBER_HOOK void destroy_finished_tsan_fiber() {
  if (tsan_fiber_to_destroy == nullptr) return;
  __tsan_destroy_fiber(tsan_fiber_to_destroy);
  tsan_fiber_to_destroy = nullptr;
}
#endif

// The Itanium C++ ABI's per-thread exception state (__cxa_eh_globals; libstdc++'s unwind-cxx.h
// has the same two members on x86-64): the stack of exceptions being handled, innermost first,
// and the count of exceptions thrown but not yet caught.
struct ExceptionState {
  void* caught_exceptions = nullptr;
  unsigned int uncaught_exceptions = 0;
};

// __cxa_get_globals is declared `const`: called only here, in functions that are never inlined
// into a caller that switches between two calls, so it is never reused across threads.
SLUICE_FIBER_HOOK ExceptionState* thread_exception_state() {
  return reinterpret_cast<ExceptionState*>(abi::__cxa_get_globals());
}

// The suspending fiber's state, leaving the thread's empty for the fiber that runs next (a new
// fiber starts with none).
SLUICE_FIBER_HOOK ExceptionState take_exception_state() {
  ExceptionState* state = thread_exception_state();
  return std::exchange(*state, ExceptionState{});
}

SLUICE_FIBER_HOOK void restore_exception_state(const ExceptionState& saved) {
  *thread_exception_state() = saved;
}

// What a switching fiber keeps in its frame until it runs again.
struct SuspendedFiber {
  ExceptionState exceptions;
  FiberIdentity* identity = nullptr;
  void* asan_fake_stack = nullptr;
  void* tsan_fiber = nullptr;
};

// Called just before switching to `to`; `finished` when the calling fiber never runs again.
SLUICE_FIBER_HOOK SuspendedFiber before_switch([[maybe_unused]] fcontext_t to,
                                               FiberIdentity* identity,
                                               [[maybe_unused]] bool finished) {
  switch_count.fetch_add(1, std::memory_order_relaxed);
  SuspendedFiber suspended;
  suspended.exceptions = take_exception_state();
  suspended.identity = identity;
#if defined(__SANITIZE_ADDRESS__)
  const StackBounds target = stack_of(to);
  __sanitizer_start_switch_fiber(finished ? nullptr : &suspended.asan_fake_stack, target.bottom,
                                 target.size);
#endif
#if defined(__SANITIZE_THREAD__)
  suspended.tsan_fiber = __tsan_get_current_fiber();
  if (finished) set_tsan_fiber_to_destroy(suspended.tsan_fiber);
#endif
  return suspended;
}

// Called when the fiber that saved `suspended` runs again, on whatever thread.
SLUICE_FIBER_HOOK void after_switch(const SuspendedFiber& suspended) {
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_finish_switch_fiber(suspended.asan_fake_stack, nullptr, nullptr);
#endif
#if defined(__SANITIZE_THREAD__)
  // Happens-after whatever the fiber that switched here did before the switch.
  __tsan_switch_to_fiber(suspended.tsan_fiber, 0);
  destroy_finished_tsan_fiber();
#endif
  set_current_identity(suspended.identity);
  restore_exception_state(suspended.exceptions);
}

SLUICE_FIBER_HOOK EntryFunction take_pending_entry() {
  return std::exchange(pending_entry, nullptr);
}

// Every make_fcontext context starts here instead of in its own entry function.
[[noreturn]] SLUICE_FIBER_HOOK void fiber_entry_hook(transfer_t transfer) {
  const EntryFunction entry = take_pending_entry();
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_finish_switch_fiber(nullptr, nullptr, nullptr);
#endif
#if defined(__SANITIZE_THREAD__)
  void* fiber = __tsan_create_fiber(0);
  __tsan_switch_to_fiber(fiber, 0);
  destroy_finished_tsan_fiber();
#endif
  FiberIdentity identity{transfer.data};
  set_current_identity(&identity);
  entry(transfer);
  std::fprintf(stderr, "sluice: fiber switch hooks: a fiber's entry function returned\n");
  std::abort();
}

}  // namespace

namespace boost::context::detail {

extern "C" SLUICE_FIBER_HOOK transfer_t jump_fcontext(fcontext_t to, void* vp) {
  const auto jump = next().jump;
  const SuspendedFiber suspended = before_switch(to, current_identity(), false);
  const transfer_t transfer = jump(to, vp);
  after_switch(suspended);
  return transfer;
}

extern "C" SLUICE_FIBER_HOOK transfer_t ontop_fcontext(fcontext_t to, void* vp,
                                                       transfer_t (*fn)(transfer_t)) {
  const auto ontop = next().ontop;
  FiberIdentity* identity = current_identity();
  const bool finished = identity != nullptr && vp == identity->record;
  const SuspendedFiber suspended = before_switch(to, identity, finished);
  const transfer_t transfer = ontop(to, vp, fn);
  after_switch(suspended);
  return transfer;
}

extern "C" SLUICE_FIBER_HOOK fcontext_t make_fcontext(void* sp, std::size_t size,
                                                      void (*fn)(transfer_t)) {
  const auto make = next().make;
#if defined(__SANITIZE_ADDRESS__)
  remember_stack(sp, size);
#endif
  pending_entry = fn;
  return make(sp, size, &fiber_entry_hook);
}

}  // namespace boost::context::detail

namespace sluice::runtime {

bool fiber_switch_hooks_installed() noexcept {
  return dlsym(RTLD_DEFAULT, "jump_fcontext") ==
         reinterpret_cast<void*>(&boost::context::detail::jump_fcontext);
}

std::uint64_t fiber_switch_count() noexcept {
  return switch_count.load(std::memory_order_relaxed);
}

}  // namespace sluice::runtime
