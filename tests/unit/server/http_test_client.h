#pragma once

// A raw HTTP/1.1 client over a loopback socket for the server tests: the test writes the exact
// bytes of a request (so malformed, oversized, pipelined and half-sent requests are possible)
// and reads the answer until the server closes the connection. Receives time out after 20 s, a
// hang guard only.

#include <cctype>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace sluice::server::testing {

// Polls `condition` until it holds or 20 s pass; returns whether it held (a hang guard, never a
// timing assertion).
inline bool eventually(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    if (fd_ < 0) throw std::runtime_error("socket() failed");
    timeval timeout{};
    timeout.tv_sec = 20;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  ~RawConnection() { ::close(fd_); }

  bool connected() const { return connected_; }

  // Sends every byte (false when the peer closed or reset).
  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      const auto sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (sent <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
  }

  // No more requests from this side.
  void finish_sending() { ::shutdown(fd_, SHUT_WR); }

  // Reads until the server closes the connection (or the hang guard fires).
  std::string receive_all() {
    std::string out;
    char buffer[4096];
    for (;;) {
      const auto got = ::recv(fd_, buffer, sizeof buffer, 0);
      if (got <= 0) return out;
      out.append(buffer, static_cast<std::size_t>(got));
    }
  }

  // Reads at least one byte; "" when the connection ended first.
  std::string receive_some() {
    char buffer[4096];
    const auto got = ::recv(fd_, buffer, sizeof buffer, 0);
    return got <= 0 ? std::string() : std::string(buffer, static_cast<std::size_t>(got));
  }

 private:
  int fd_;
  bool connected_ = false;
};

struct ParsedResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

// Parses one response from the front of `text` (Content-Length framing, or the rest of the text
// when there is none) and removes it from `text`. Status 0 when `text` holds no status line.
inline ParsedResponse take_response(std::string& text) {
  ParsedResponse response;
  const auto head_end = text.find("\r\n\r\n");
  if (!text.starts_with("HTTP/1.") || head_end == std::string::npos) return response;
  response.status = std::stoi(text.substr(9, 3));
  std::size_t line = text.find("\r\n") + 2;
  while (line < head_end) {
    const auto end = text.find("\r\n", line);
    const auto header = text.substr(line, end - line);
    const auto colon = header.find(':');
    std::string name = header.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto value = header.substr(colon + 1);
    while (value.starts_with(' ')) value.erase(0, 1);
    response.headers[name] = value;
    line = end + 2;
  }
  const auto body_start = head_end + 4;
  std::size_t length = text.size() - body_start;
  if (auto it = response.headers.find("content-length"); it != response.headers.end()) {
    length = std::stoul(it->second);
  }
  response.body = text.substr(body_start, length);
  text.erase(0, std::min(text.size(), body_start + length));
  return response;
}

// Reads one whole response (Content-Length framed) from a connection that stays open.
inline ParsedResponse receive_response(RawConnection& connection) {
  std::string text;
  for (;;) {
    const auto head_end = text.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      std::string copy = text;
      auto response = take_response(copy);
      const auto length = response.headers.find("content-length");
      if (length != response.headers.end() &&
          text.size() >= head_end + 4 + std::stoul(length->second)) {
        return response;
      }
    }
    const auto more = connection.receive_some();
    if (more.empty()) return take_response(text);
    text += more;
  }
}

// Sends `request` on a new connection, reads until the server closes it, parses the answer.
// The request should say `Connection: close`.
inline ParsedResponse round_trip(std::uint16_t port, const std::string& request) {
  RawConnection connection(port);
  if (!connection.connected() || !connection.send(request)) return {};
  auto text = connection.receive_all();
  return take_response(text);
}

// A GET of `target` with `Connection: close`.
inline ParsedResponse get(std::uint16_t port, const std::string& target) {
  return round_trip(port, "GET " + target + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
}

}  // namespace sluice::server::testing
