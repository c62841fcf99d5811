// Transport failures of kube::Client against loopback sockets that misbehave on purpose.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <utility>

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/error.h"
#include "kube/client.h"
#include "kube/watch.h"

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
  int fd() const { return fd_; }
  int port() const { return port_; }

 private:
  int fd_;
  int port_ = 0;
};

ErrorCode code_of_get(const std::string& server, std::chrono::seconds timeout) {
  ClusterConfig config;
  config.server = server;
  ClientOptions options;
  options.timeout = timeout;
  options.retry.max_attempts = 1;  // retries have their own tests (client_retry_test.cpp)
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

// Reads from `fd` until the end of an HTTP request head (or the peer stops sending).
void read_request_head(int fd) {
  char buffer[4096];
  std::string head;
  while (head.find("\r\n\r\n") == std::string::npos) {
    const auto n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return;
    head.append(buffer, static_cast<std::size_t>(n));
  }
}

// Sends all of `data`, adding each byte sent to `sent`; false when the peer went away.
bool send_fully(int fd, const std::string& data, std::atomic<std::size_t>& sent) {
  std::size_t at = 0;
  while (at < data.size()) {
    const auto n = ::send(fd, data.data() + at, data.size() - at, MSG_NOSIGNAL);
    if (n <= 0) return false;
    at += static_cast<std::size_t>(n);
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

// Serves one plain-HTTP connection at a time: reads the request head, answers 200 with a JSON
// string body of `body_bytes` bytes, sent in 16 KiB pieces, chunked or with its Content-Length.
class BigAnswerServer {
 public:
  enum class Framing { kChunked, kContentLength };
  explicit BigAnswerServer(std::size_t body_bytes, Framing framing = Framing::kChunked)
      : body_bytes_(body_bytes), framing_(framing) {
    thread_ = std::thread([this] { serve(); });
  }
  ~BigAnswerServer() { finish(); }
  BigAnswerServer(const BigAnswerServer&) = delete;
  BigAnswerServer& operator=(const BigAnswerServer&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(listener_.port()); }
  std::size_t bytes_sent() const { return sent_.load(); }
  // Once the connection has ended (the body sent or the client gone): what was sent in all.
  std::size_t bytes_sent_in_all() {
    finish();
    return sent_.load();
  }

 private:
  void serve() {
    const int fd = ::accept(listener_.fd(), nullptr, nullptr);
    if (fd < 0) return;
    read_request_head(fd);
    auto send_all = [&](const std::string& data) { return send_fully(fd, data, sent_); };
    const bool chunked = framing_ == Framing::kChunked;
    bool ok = send_all("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" +
                       (chunked ? std::string("Transfer-Encoding: chunked")
                                : "Content-Length: " + std::to_string(body_bytes_ + 2)) +
                       "\r\n\r\n");
    const auto piece = [chunked](const std::string& data) {
      if (!chunked) return data;
      char size[32];
      std::snprintf(size, sizeof size, "%zx\r\n", data.size());
      return std::string(size) + data + "\r\n";
    };
    ok = ok && send_all(piece("\""));
    constexpr std::size_t kPiece = std::size_t{16} * 1024;
    for (std::size_t done = 0; ok && done < body_bytes_; done += kPiece) {
      ok = send_all(piece(std::string(std::min(kPiece, body_bytes_ - done), 'x')));
    }
    if (ok) send_all(piece("\"") + (chunked ? "0\r\n\r\n" : ""));
    ::close(fd);
  }

  void finish() {
    if (!thread_.joinable()) return;
    ::shutdown(listener_.fd(), SHUT_RDWR);
    thread_.join();
  }

  SilentListener listener_;
  std::size_t body_bytes_;
  Framing framing_;
  std::atomic<std::size_t> sent_{0};
  std::thread thread_;
};

Client plain_client(const std::string& url, std::size_t max_bytes) {
  ClusterConfig config;
  config.server = url;
  ClientOptions options;
  options.timeout = std::chrono::seconds(20);
  options.max_response_bytes = max_bytes;
  return Client(config, options);
}

TEST(ClientTransportTest, ChunkedBodyUnderTheLimitArrivesWhole) {
  BigAnswerServer server(std::size_t{200} * 1024);
  const Response response =
      plain_client(server.url(), std::size_t{1024} * 1024).request("GET", "/x");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body.size(), 200U * 1024 + 2);
  EXPECT_EQ(response.body.front(), '"');
  EXPECT_EQ(response.body.back(), '"');
}

TEST(ClientTransportTest, ChunkedBodyOverTheLimitIsRefusedEarly) {
  constexpr std::size_t kHuge = std::size_t{256} * 1024 * 1024;
  BigAnswerServer server(kHuge);
  try {
    plain_client(server.url(), std::size_t{1024} * 1024).request("GET", "/x");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kResourceExhausted) << e.message();
  }
  // The transfer was cut off, not read to its end and then refused.
  EXPECT_LT(server.bytes_sent(), kHuge / 2);
}

// Refused from the header alone, and cut off there: cpprestsdk would otherwise go on receiving
// the announced body into memory after the caller had given up on it.
TEST(ClientTransportTest, DeclaredLengthOverTheLimitIsRefusedAndCutOff) {
  constexpr std::size_t kHuge = std::size_t{256} * 1024 * 1024;
  BigAnswerServer server(kHuge, BigAnswerServer::Framing::kContentLength);
  try {
    plain_client(server.url(), std::size_t{1024} * 1024).request("GET", "/x");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kResourceExhausted) << e.message();
    EXPECT_NE(e.message().find("over the limit"), std::string::npos) << e.message();
  }
  EXPECT_LT(server.bytes_sent_in_all(), kHuge / 2);
}

// Serves one plain-HTTP connection: reads the request head and answers 200 with `body`.
class FixedAnswerServer {
 public:
  explicit FixedAnswerServer(std::string body) : body_(std::move(body)) {
    thread_ = std::thread([this] { serve(); });
  }
  ~FixedAnswerServer() {
    ::shutdown(listener_.fd(), SHUT_RDWR);
    thread_.join();
  }
  FixedAnswerServer(const FixedAnswerServer&) = delete;
  FixedAnswerServer& operator=(const FixedAnswerServer&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(listener_.port()); }

 private:
  void serve() {
    const int fd = ::accept(listener_.fd(), nullptr, nullptr);
    if (fd < 0) return;
    read_request_head(fd);
    const std::string answer =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        "Connection: close\r\nContent-Length: " +
        std::to_string(body_.size()) + "\r\n\r\n" + body_;
    std::atomic<std::size_t> sent{0};
    send_fully(fd, answer, sent);
    ::close(fd);
  }

  SilentListener listener_;
  std::string body_;
  std::thread thread_;
};

// A ConfigMap whose data nests `levels` deep in all (the object itself is one level).
std::string nested_object(std::size_t levels) {
  return R"({"kind":"ConfigMap","data":)" + std::string(levels - 1, '[') +
         std::string(levels - 1, ']') + "}";
}

// Objects come from whoever may write them; one nested thousands of levels deep must be refused
// before nlohmann's recursive parts (dump, copies) run on a fiber's stack, as watch events are.
TEST(ClientTransportTest, AnswersNestedTooDeeplyAreRefused) {
  {
    FixedAnswerServer server(nested_object(kMaxResponseDepth));
    const Json object =
        plain_client(server.url(), std::size_t{1024} * 1024).get(configmaps(), "default", "deep");
    EXPECT_EQ(object["kind"], "ConfigMap");
  }
  FixedAnswerServer server(nested_object(100'000));
  try {
    plain_client(server.url(), std::size_t{1024} * 1024).get(configmaps(), "default", "deep");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kResourceExhausted) << e.message();
  }
}

}  // namespace
}  // namespace sluice::kube
