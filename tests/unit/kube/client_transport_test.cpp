// Transport failures of kube::Client against loopback sockets that misbehave on purpose.
#include <chrono>

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/error.h"
#include "kube/client.h"

namespace sluice::kube {
namespace {

// A listening TCP socket on 127.0.0.1 that never accepts: connections complete (the kernel's
// backlog) but no byte is ever answered.
class SilentListener {
 public:
  SilentListener() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_EQ(::listen(fd_, 16), 0);
    socklen_t length = sizeof address;
    EXPECT_EQ(::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length), 0);
    port_ = ntohs(address.sin_port);
  }
  ~SilentListener() { close(); }
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;

  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_;
  int port_ = 0;
};

ErrorCode code_of_get(const std::string& server, std::chrono::seconds timeout) {
  ClusterConfig config;
  config.server = server;
  ClientOptions options;
  options.timeout = timeout;
  try {
    Client(config, options).get(namespaces(), "", "default");
  } catch (const Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "no error";
  return ErrorCode::kInternal;
}

TEST(ClientTransportTest, ConnectionRefusedIsUnavailable) {
  SilentListener listener;
  const std::string url = listener.url();
  listener.close();  // nothing listens on the port any more
  EXPECT_EQ(code_of_get(url, std::chrono::seconds(5)), ErrorCode::kUnavailable);
}

TEST(ClientTransportTest, SilentServerTimesOut) {
  SilentListener listener;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(code_of_get(listener.url(), std::chrono::seconds(1)), ErrorCode::kDeadlineExceeded);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

}  // namespace
}  // namespace sluice::kube
