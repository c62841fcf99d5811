#include "git/deadline.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <ctime>
#include <thread>

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

namespace sluice::git {
namespace {

using Clock = DeadlineScope::Clock;
using std::chrono::milliseconds;

// A pipe nobody writes to: read() on it blocks until a signal interrupts it.
class Pipe {
 public:
  Pipe() { EXPECT_EQ(::pipe(fds_), 0); }
  ~Pipe() {
    ::close(fds_[0]);
    ::close(fds_[1]);
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  int reader() const { return fds_[0]; }
  int writer() const { return fds_[1]; }

 private:
  int fds_[2] = {-1, -1};
};

bool signal_blocked() {
  sigset_t mask;
  pthread_sigmask(SIG_BLOCK, nullptr, &mask);
  return sigismember(&mask, deadline_signal()) == 1;
}

bool signal_pending() {
  sigset_t pending;
  sigpending(&pending);
  return sigismember(&pending, deadline_signal()) == 1;
}

TEST(DeadlineScope, InterruptsABlockedSystemCallAtTheDeadline) {
  const Pipe pipe;
  const auto start = Clock::now();
  ssize_t result = 0;
  int error = 0;
  bool interrupted = false;
  {
    const DeadlineScope scope(start + milliseconds(300));
    char byte = 0;
    result = ::read(pipe.reader(), &byte, 1);
    error = errno;
    interrupted = scope.interrupted();
  }
  const auto elapsed = Clock::now() - start;
  EXPECT_EQ(result, -1);
  EXPECT_EQ(error, EINTR);
  EXPECT_TRUE(interrupted);
  EXPECT_GE(elapsed, milliseconds(290));
  EXPECT_LT(elapsed, milliseconds(2000));
  EXPECT_TRUE(signal_blocked());
  EXPECT_FALSE(signal_pending());
}

TEST(DeadlineScope, KeepsInterruptingUntilTheScopeEnds) {
  // A call that retries on EINTR (as some code in a library would) is interrupted again and
  // again, so the code around it can notice the deadline.
  const Pipe pipe;
  int interruptions = 0;
  {
    const DeadlineScope scope(Clock::now());
    char byte = 0;
    while (interruptions < 3 && ::read(pipe.reader(), &byte, 1) == -1 && errno == EINTR) {
      ++interruptions;
    }
  }
  EXPECT_EQ(interruptions, 3);
  EXPECT_FALSE(signal_pending());
}

TEST(DeadlineScope, NoSignalAfterTheScopeEnded) {
  const Pipe pipe;
  {
    const DeadlineScope scope(Clock::now() + milliseconds(100));
    EXPECT_FALSE(scope.interrupted());
    EXPECT_FALSE(signal_blocked());
  }
  EXPECT_TRUE(signal_blocked());
  std::this_thread::sleep_for(milliseconds(300));  // past the deadline
  EXPECT_FALSE(signal_pending());
  // A blocking call after the scope is not interrupted: it returns when data comes.
  std::thread writer([&pipe] {
    std::this_thread::sleep_for(milliseconds(200));
    EXPECT_EQ(::write(pipe.writer(), "x", 1), 1);
  });
  char byte = 0;
  EXPECT_EQ(::read(pipe.reader(), &byte, 1), 1);
  writer.join();
}

TEST(DeadlineScope, ThreadsHaveTheirOwnDeadlines) {
  const Pipe early;
  const Pipe late;
  Clock::duration early_elapsed{};
  Clock::duration late_elapsed{};
  const auto start = Clock::now();
  const auto wait = [start](const Pipe& pipe, milliseconds after, Clock::duration& elapsed) {
    const DeadlineScope scope(start + after);
    char byte = 0;
    EXPECT_EQ(::read(pipe.reader(), &byte, 1), -1);
    elapsed = Clock::now() - start;
  };
  std::thread first([&] { wait(early, milliseconds(200), early_elapsed); });
  std::thread second([&] { wait(late, milliseconds(700), late_elapsed); });
  first.join();
  second.join();
  EXPECT_GE(early_elapsed, milliseconds(190));
  EXPECT_LT(early_elapsed, milliseconds(650));
  EXPECT_GE(late_elapsed, milliseconds(690));
  EXPECT_LT(late_elapsed, milliseconds(3000));
}

TEST(DeadlineScope, WatchedSocketsAreShutDownForCallsThatRetryOnEintr) {
  // As libssh2 does: a wait that retries on EINTR ends only when the socket is shut down.
  int fds[2] = {-1, -1};
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  watch_socket(fds[0]);
  const auto start = Clock::now();
  ssize_t result = -1;
  {
    const DeadlineScope scope(start + milliseconds(200));
    char byte = 0;
    do {
      result = ::recv(fds[0], &byte, 1, 0);
    } while (result < 0 && errno == EINTR);
  }
  EXPECT_EQ(result, 0);  // end of file: shut down
  EXPECT_LT(Clock::now() - start, milliseconds(2000));
  unwatch_socket(fds[0]);
  ::close(fds[0]);
  ::close(fds[1]);

  // An unwatched socket is left alone: data sent after the deadline still arrives.
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  watch_socket(fds[0]);
  unwatch_socket(fds[0]);
  {
    const DeadlineScope scope(Clock::now());
    char byte = 0;
    EXPECT_EQ(::recv(fds[0], &byte, 1, 0), -1);  // interrupted by the signal only
  }
  EXPECT_EQ(::send(fds[1], "x", 1, 0), 1);
  char byte = 0;
  EXPECT_EQ(::recv(fds[0], &byte, 1, 0), 1);
  ::close(fds[0]);
  ::close(fds[1]);
}

}  // namespace
}  // namespace sluice::git
