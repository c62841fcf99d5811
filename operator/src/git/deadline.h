#pragma once

// A deadline for a blocking call that has no timeout of its own. libgit2 1.5 has no server
// timeout option, and its callbacks do not run while it waits on a socket (connect, recv, poll
// in its own transports, mbedTLS and libssh2), so a silent server would hold a fetch forever.
//
// While a DeadlineScope is alive on a thread, a process-wide watchdog thread (started lazily,
// never stopped) interrupts that thread once the deadline passes: it sends the thread
// deadline_signal() with pthread_kill, and again every ~100 ms until the scope ends (a signal
// that lands between two system calls interrupts nothing, the next one will). The signal's
// handler does nothing and is installed without SA_RESTART, so the blocked system call fails
// with EINTR and the library reports a network error, which the caller maps to a timeout
// (interrupted() tells it why).
//
// A signal is not enough for libssh2: its blocking waits retry on EINTR (and libgit2 retries
// its handshake on libssh2's timeout). So sockets can also be watched: each time the watchdog
// signals a thread it also shuts down (shutdown(SHUT_RDWR)) the sockets that thread watches,
// which wakes any wait on them and makes every later read see end of file. git/socket_stream.h
// watches every socket libgit2 opens.
//
// The signal can only hit the code inside the scope: the constructor unblocks it in the calling
// thread, the destructor first stops the watchdog from sending more, then blocks it again and
// consumes any still pending (sigtimedwait with a zero timeout). Scopes are per thread and do
// not nest. Use one scope per library call, around nothing else: the scope's own code must
// tolerate EINTR. After its first scope a thread keeps the signal blocked (so do the processes
// it starts, which inherit the mask; nothing else uses this signal).

#include <chrono>
#include <memory>

namespace sluice::git {

namespace detail {
struct DeadlineEntry;  // the watchdog's record of one scope
}  // namespace detail

class DeadlineScope {
 public:
  using Clock = std::chrono::steady_clock;

  // A deadline already past interrupts the first blocking system call inside the scope.
  explicit DeadlineScope(Clock::time_point deadline);
  ~DeadlineScope();
  DeadlineScope(const DeadlineScope&) = delete;
  DeadlineScope& operator=(const DeadlineScope&) = delete;

  // True once the watchdog has signalled this scope's thread.
  bool interrupted() const noexcept;

 private:
  std::unique_ptr<detail::DeadlineEntry> entry_;
};

// Registers `fd`, a socket owned by the calling thread, to be shut down when a scope of this
// thread passes its deadline (now or in a later scope). Call unwatch_socket(fd) before closing
// it: then the watchdog never touches the number again, so a reused descriptor is safe.
void watch_socket(int fd);
void unwatch_socket(int fd);

// The real-time signal the watchdog sends (SIGRTMIN + 5); its handler is installed on first use.
int deadline_signal();

}  // namespace sluice::git
