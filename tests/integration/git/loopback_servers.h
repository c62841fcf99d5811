#pragma once

// Misbehaving servers on 127.0.0.1 for the git poller's fault tests, each run by a thread of
// the test process:
//  * SilentServer accepts connections and never answers (a stalled server);
//  * CuttingProxy forwards to a real server and, once armed, cuts both connections after a
//    number of bytes of a response (a server killed mid-fetch), or stops forwarding there and
//    holds the connections open (a server stalled mid-fetch).

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sluice::testing {

// A listening socket on 127.0.0.1 with a kernel-chosen port and a thread serving it until the
// destructor.
class LoopbackListener {
 public:
  LoopbackListener();
  virtual ~LoopbackListener();
  LoopbackListener(const LoopbackListener&) = delete;
  LoopbackListener& operator=(const LoopbackListener&) = delete;

  int port() const noexcept { return port_; }

 protected:
  // Starts the accept loop; call at the end of the derived constructor.
  void start();
  // Stops the accept loop and the connection threads; call first in the derived destructor.
  void stop();
  // Serves one accepted connection (on its own thread); return when stopping() is true.
  virtual void serve(int client) = 0;
  bool stopping() const noexcept { return stopping_.load(); }
  // Waits up to 50 ms for `fd` to be readable; false on timeout or when stopping.
  bool wait_readable(int fd) const;

 private:
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> connections_;
};

class SilentServer : public LoopbackListener {
 public:
  SilentServer() { start(); }
  ~SilentServer() override { stop(); }

 protected:
  void serve(int client) override;
};

class CuttingProxy : public LoopbackListener {
 public:
  explicit CuttingProxy(int target_port) : target_port_(target_port) { start(); }
  ~CuttingProxy() override { stop(); }

  enum class Fault { kCut, kStall };
  // From now on, a response that carries `marker` (e.g. "PACK") is cut `bytes` bytes after it
  // (both connections closed), or with kStall, never forwards more.
  void arm(std::string marker, std::uint64_t bytes, Fault fault = Fault::kCut);
  // Forwards everything again (connections opened from now on).
  void disarm();
  int cuts() const noexcept { return cuts_.load(); }

 protected:
  void serve(int client) override;

 private:
  int target_port_;
  std::mutex mu_;
  bool armed_ = false;
  std::string marker_;
  std::uint64_t cut_after_ = 0;
  Fault fault_ = Fault::kCut;
  std::atomic<int> cuts_{0};
};

}  // namespace sluice::testing
