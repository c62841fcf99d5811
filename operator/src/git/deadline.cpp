#include "git/deadline.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <ctime>
#include <mutex>
#include <thread>
#include <vector>

#include <pthread.h>
#include <sys/socket.h>

#include "core/error.h"

namespace sluice::git {

struct detail::DeadlineEntry {
  using Clock = DeadlineScope::Clock;
  pthread_t thread = pthread_self();
  Clock::time_point deadline;
  Clock::time_point next_send;
  std::atomic<bool> fired{false};
};

namespace {

constexpr auto kResendInterval = std::chrono::milliseconds(100);

extern "C" void ignore_deadline_signal(int /*signal*/) {}

void install_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction action = {};
    action.sa_handler = ignore_deadline_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: the blocked system call must fail with EINTR
    if (sigaction(deadline_signal(), &action, nullptr) != 0) {
      throw internal_error("cannot install the git deadline signal handler");
    }
  });
}

sigset_t deadline_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, deadline_signal());
  return set;
}

// The watchdog: one thread for the process, started by the first scope.
class Watchdog {
 public:
  static Watchdog& instance() {
    // Leaked on purpose: the detached thread may outlive static destruction.
    static Watchdog* watchdog = new Watchdog();
    return *watchdog;
  }

  void add(detail::DeadlineEntry* entry) {
    const std::lock_guard<std::mutex> guard(mu_);
    if (!started_) {
      std::thread([this] { run(); }).detach();
      started_ = true;
    }
    entries_.push_back(entry);
    wake_.notify_one();
  }

  void watch(int fd) {
    const std::lock_guard<std::mutex> guard(mu_);
    sockets_.push_back({pthread_self(), fd});
  }
  void unwatch(int fd) {
    const std::lock_guard<std::mutex> guard(mu_);
    const pthread_t self = pthread_self();
    std::erase_if(sockets_, [&](const Socket& socket) {
      return socket.fd == fd && pthread_equal(socket.thread, self) != 0;
    });
  }

  // After this returns the watchdog never signals for `entry` again.
  void remove(detail::DeadlineEntry* entry) {
    const std::lock_guard<std::mutex> guard(mu_);
    entries_.erase(std::remove(entries_.begin(), entries_.end(), entry), entries_.end());
  }

 private:
  Watchdog() = default;

  [[noreturn]] void run() {
    // The watchdog itself must never be interrupted by its own signal.
    const sigset_t set = deadline_set();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      const auto now = DeadlineScope::Clock::now();
      auto next = DeadlineScope::Clock::time_point::max();
      for (detail::DeadlineEntry* entry : entries_) {
        const auto due = entry->fired.load() ? entry->next_send : entry->deadline;
        if (due <= now) {
          // Marked first: the interrupted thread may look at it as soon as the signal lands.
          entry->fired.store(true);
          for (const Socket& socket : sockets_) {
            if (pthread_equal(socket.thread, entry->thread) != 0) shutdown(socket.fd, SHUT_RDWR);
          }
          pthread_kill(entry->thread, deadline_signal());
          entry->next_send = now + kResendInterval;
          next = std::min(next, entry->next_send);
        } else {
          next = std::min(next, due);
        }
      }
      if (next == DeadlineScope::Clock::time_point::max()) {
        wake_.wait(lock);
      } else {
        wake_.wait_until(lock, next);
      }
    }
  }

  std::mutex mu_;
  std::condition_variable wake_;
  std::vector<detail::DeadlineEntry*> entries_;
  struct Socket {
    pthread_t thread;
    int fd;
  };
  std::vector<Socket> sockets_;
  bool started_ = false;
};

}  // namespace

void watch_socket(int fd) {
  Watchdog::instance().watch(fd);
}

void unwatch_socket(int fd) {
  Watchdog::instance().unwatch(fd);
}

int deadline_signal() {
  return SIGRTMIN + 5;
}

DeadlineScope::DeadlineScope(Clock::time_point deadline)
    : entry_(std::make_unique<detail::DeadlineEntry>()) {
  install_handler();
  entry_->thread = pthread_self();
  entry_->deadline = deadline;
  Watchdog::instance().add(entry_.get());
  const sigset_t set = deadline_set();
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

DeadlineScope::~DeadlineScope() {
  Watchdog::instance().remove(entry_.get());
  const sigset_t set = deadline_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // A signal sent just before remove() may still be pending: take it now, so it cannot
  // interrupt unrelated code once the mask changes again.
  const timespec zero = {};
  while (sigtimedwait(&set, nullptr, &zero) > 0) {
  }
}

bool DeadlineScope::interrupted() const noexcept {
  return entry_->fired.load();
}

}  // namespace sluice::git
