#include "loopback_servers.h"

#include <chrono>
#include <stdexcept>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace sluice::testing {
namespace {

sockaddr_in loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

bool send_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t sent = ::send(fd, data, size, MSG_NOSIGNAL);
    if (sent <= 0) return false;
    data += sent;
    size -= static_cast<std::size_t>(sent);
  }
  return true;
}

}  // namespace

LoopbackListener::LoopbackListener() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address = loopback(0);
  if (listen_fd_ < 0 ||
      ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listen_fd_, 16) != 0) {
    throw std::runtime_error("cannot listen on 127.0.0.1");
  }
  socklen_t size = sizeof address;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &size);
  port_ = ntohs(address.sin_port);
}

LoopbackListener::~LoopbackListener() {
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

bool LoopbackListener::wait_readable(int fd) const {
  pollfd entry{fd, POLLIN, 0};
  return !stopping() && ::poll(&entry, 1, 50) > 0;
}

void LoopbackListener::start() {
  acceptor_ = std::thread([this] {
    while (!stopping()) {
      if (!wait_readable(listen_fd_)) continue;
      const int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) continue;
      const std::lock_guard<std::mutex> guard(mu_);
      connections_.emplace_back([this, client] {
        serve(client);
        ::close(client);
      });
    }
  });
}

void LoopbackListener::stop() {
  stopping_ = true;
  if (acceptor_.joinable()) acceptor_.join();
  const std::lock_guard<std::mutex> guard(mu_);
  for (std::thread& connection : connections_) connection.join();
}

void SilentServer::serve(int client) {
  // Read and drop whatever the client sends; never answer.
  char buffer[4096];
  while (!stopping()) {
    if (wait_readable(client) && ::recv(client, buffer, sizeof buffer, 0) == 0) return;
  }
}

void CuttingProxy::arm(std::string marker, std::uint64_t bytes, Fault fault) {
  const std::lock_guard<std::mutex> guard(mu_);
  armed_ = true;
  marker_ = std::move(marker);
  cut_after_ = bytes;
  fault_ = fault;
}

void CuttingProxy::disarm() {
  const std::lock_guard<std::mutex> guard(mu_);
  armed_ = false;
}

void CuttingProxy::serve(int client) {
  const int upstream = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address = loopback(target_port_);
  if (upstream < 0 ||
      ::connect(upstream, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    if (upstream >= 0) ::close(upstream);
    return;
  }
  std::string tail;  // the last bytes of the response, to find a marker split across reads
  bool counting = false;
  std::uint64_t budget = 0;  // bytes still forwarded from the marker on
  Fault fault = Fault::kCut;
  char buffer[16384];
  while (!stopping()) {
    pollfd fds[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
    if (::poll(fds, 2, 50) <= 0) continue;
    if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      const ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
      if (n <= 0 || !send_all(upstream, buffer, static_cast<std::size_t>(n))) break;
    }
    if ((fds[1].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
    const ssize_t n = ::recv(upstream, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    const auto size = static_cast<std::size_t>(n);
    std::size_t counted_from = 0;  // where in this read the budget starts to apply
    if (!counting) {
      std::string marker;
      {
        const std::lock_guard<std::mutex> guard(mu_);
        if (armed_) {
          marker = marker_;
          budget = cut_after_;
          fault = fault_;
        }
      }
      if (marker.empty()) {
        if (!send_all(client, buffer, size)) break;
        continue;
      }
      const std::size_t before = tail.size();
      tail.append(buffer, size);
      const std::size_t at = tail.find(marker);
      if (at == std::string::npos) {
        tail.erase(0, tail.size() - std::min(tail.size(), marker.size()));
        if (!send_all(client, buffer, size)) break;
        continue;
      }
      counting = true;
      counted_from = at > before ? at - before : 0;
    }
    const std::size_t counted = size - counted_from;
    if (counted >= budget) {
      send_all(client, buffer, counted_from + static_cast<std::size_t>(budget));
      ++cuts_;
      while (fault == Fault::kStall && !stopping()) {  // hold the connections, say nothing
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      break;
    }
    budget -= counted;
    if (!send_all(client, buffer, size)) break;
  }
  ::shutdown(client, SHUT_RDWR);
  ::close(upstream);
}

}  // namespace sluice::testing
