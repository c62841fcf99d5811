// Rate limit and retries of kube::Client against a scripted loopback HTTP server, on a
// ManualClock so every wait is asserted exactly.
#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/error.h"
#include "kube/client.h"
#include "kube/rate_limit.h"
#include "runtime/clock.h"

namespace sluice::kube {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::string http_response(int status, const std::string& reason, const std::string& extra_headers,
                          const std::string& body) {
  return "HTTP/1.1 " + std::to_string(status) + " " + reason +
         "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n" + extra_headers + "\r\n" + body;
}

const std::string kUnavailable503 =
    http_response(503, "Service Unavailable", "",
                  R"({"kind":"Status","apiVersion":"v1","status":"Failure",)"
                  R"("reason":"ServiceUnavailable","code":503})");
const std::string kOk = http_response(
    200, "OK", "", R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}})");

// Answers one request per connection with the next scripted response (500 once the script is
// used up; an empty entry closes the connection unanswered, a connection failure), closing
// each connection, and counts the requests it read.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<std::string> script)
      : fd_(::socket(AF_INET, SOCK_STREAM, 0)), script_(std::move(script)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_EQ(::listen(fd_, 16), 0);
    socklen_t length = sizeof address;
    EXPECT_EQ(::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length), 0);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedServer() {
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
  }
  ScriptedServer(const ScriptedServer&) = delete;
  ScriptedServer& operator=(const ScriptedServer&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int requests() const { return requests_.load(); }
  std::vector<std::string> methods() const {
    std::lock_guard lock(mu_);
    return methods_;
  }

 private:
  void serve() {
    for (std::size_t next = 0;; ++next) {
      const int conn = ::accept(fd_, nullptr, nullptr);
      if (conn < 0) return;
      std::string data;
      char buffer[4096];
      std::size_t head_end = std::string::npos;
      std::size_t wanted = 0;
      for (;;) {
        if (head_end == std::string::npos &&
            (head_end = data.find("\r\n\r\n")) != std::string::npos) {
          head_end += 4;
          const auto at = data.find("Content-Length: ");
          if (at != std::string::npos && at < head_end) wanted = std::stoul(data.substr(at + 16));
        }
        if (head_end != std::string::npos && data.size() >= head_end + wanted) break;
        const auto n = ::recv(conn, buffer, sizeof buffer, 0);
        if (n <= 0) break;
        data.append(buffer, static_cast<std::size_t>(n));
      }
      {
        std::lock_guard lock(mu_);
        methods_.push_back(data.substr(0, data.find(' ')));
      }
      ++requests_;
      const std::string answer = next < script_.size()
                                     ? script_[next]
                                     : http_response(500, "Internal Server Error", "", "{}");
      std::size_t sent = 0;
      while (sent < answer.size()) {
        const auto n = ::send(conn, answer.data() + sent, answer.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<std::size_t>(n);
      }
      ::close(conn);
    }
  }

  int fd_;
  int port_ = 0;
  std::vector<std::string> script_;
  std::atomic<int> requests_{0};
  mutable std::mutex mu_;
  std::vector<std::string> methods_;
  std::thread thread_;
};

struct Fixture {
  std::shared_ptr<runtime::ManualClock> clock = std::make_shared<runtime::ManualClock>();

  Client client(const ScriptedServer& server, RetryPolicy retry = {}) const {
    ClusterConfig config;
    config.server = server.url();
    ClientOptions options;
    options.timeout = seconds(10);
    options.clock = clock;
    options.random = [] { return 0.5; };  // jitter factor exactly 1
    retry.backoff.jitter = 0.2;
    options.retry = retry;
    return Client(config, options);
  }
};

RetryPolicy fast_backoff() {
  RetryPolicy retry;
  retry.backoff.base = milliseconds(100);
  retry.backoff.factor = 2.0;
  return retry;
}

TEST(ClientRetryTest, TooManyRequestsWaitsRetryAfterThenSucceeds) {
  ScriptedServer server(
      {http_response(429, "Too Many Requests", "Retry-After: 3\r\n",
                     R"({"kind":"Status","reason":"TooManyRequests","code":429})"),
       kOk});
  Fixture f;
  const Client client = f.client(server);
  auto result =
      std::async(std::launch::async, [&] { return client.get(configmaps(), "default", "x"); });
  f.clock->wait_for_timers(1);
  EXPECT_EQ(server.requests(), 1);
  f.clock->advance(milliseconds(2999));
  EXPECT_EQ(f.clock->pending_timers(), 1U) << "retried before Retry-After";
  EXPECT_EQ(server.requests(), 1);
  f.clock->advance(milliseconds(1));
  EXPECT_EQ(result.get()["metadata"]["name"], "x");
  EXPECT_EQ(server.requests(), 2);
}

TEST(ClientRetryTest, ServiceUnavailableTwiceBacksOffExponentially) {
  ScriptedServer server({kUnavailable503, kUnavailable503, kOk});
  Fixture f;
  const Client client = f.client(server, fast_backoff());
  auto result =
      std::async(std::launch::async, [&] { return client.get(configmaps(), "default", "x"); });
  f.clock->wait_for_timers(1);
  f.clock->advance(milliseconds(99));
  EXPECT_EQ(server.requests(), 1);
  f.clock->advance(milliseconds(1));  // first backoff: 100 ms
  f.clock->wait_for_timers(1);
  EXPECT_EQ(server.requests(), 2);
  f.clock->advance(milliseconds(199));
  EXPECT_EQ(f.clock->pending_timers(), 1U);
  f.clock->advance(milliseconds(1));  // second: 200 ms
  EXPECT_EQ(result.get()["metadata"]["name"], "x");
  EXPECT_EQ(server.requests(), 3);
}

TEST(ClientRetryTest, ConnectionFailureIsRetriedForReadsOnly) {
  ScriptedServer server({"", kOk, "", kOk});
  Fixture f;
  const Client client = f.client(server, fast_backoff());
  auto result =
      std::async(std::launch::async, [&] { return client.get(configmaps(), "default", "x"); });
  f.clock->wait_for_timers(1);
  EXPECT_EQ(server.requests(), 1);
  f.clock->advance(milliseconds(100));
  EXPECT_EQ(result.get()["metadata"]["name"], "x");
  try {
    client.create(configmaps(), "default", Json{{"kind", "ConfigMap"}});
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable) << e.message();
  }
  EXPECT_EQ(server.requests(), 3);
}

TEST(ClientRetryTest, ServerSideApplyIsRetried) {
  ScriptedServer server({kUnavailable503, kOk});
  Fixture f;
  const Client client = f.client(server, fast_backoff());
  auto result = std::async(std::launch::async, [&] {
    return client.apply(configmaps(), "default", "x", Json{{"kind", "ConfigMap"}});
  });
  f.clock->wait_for_timers(1);
  f.clock->advance(milliseconds(100));
  EXPECT_EQ(result.get()["metadata"]["name"], "x");
  EXPECT_EQ(server.methods(), (std::vector<std::string>{"PATCH", "PATCH"}));
}

TEST(ClientRetryTest, NonIdempotentRequestsAreNotRetried) {
  ScriptedServer server({kUnavailable503, kOk, kUnavailable503, kOk, kUnavailable503, kOk});
  Fixture f;
  const Client client = f.client(server, fast_backoff());
  const std::vector<std::function<void()>> calls = {
      [&] {
        client.create(configmaps(), "default", Json{{"kind", "ConfigMap"}});
      },
      [&] { client.merge_patch(configmaps(), "default", "x", Json::object()); },
      [&] { client.remove(configmaps(), "default", "x"); },
  };
  int expected_requests = 0;
  for (const auto& call : calls) {
    try {
      call();
      ADD_FAILURE() << "no error";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kUnavailable) << e.message();
      EXPECT_NE(e.message().find("503"), std::string::npos) << e.message();
    }
    expected_requests += 1;
    EXPECT_EQ(server.requests(), expected_requests);
    // Skip the 200 the script holds for a retry that must not come.
    client.request("GET", "/skip");
    expected_requests += 1;
  }
  EXPECT_EQ(server.methods(),
            (std::vector<std::string>{"POST", "GET", "PATCH", "GET", "DELETE", "GET"}));
  EXPECT_EQ(f.clock->pending_timers(), 0U);
}

// A 429 (or 5xx) *with* Retry-After says the server did not act on the request: every verb
// waits as told and is sent again, as in client-go.
TEST(ClientRetryTest, NonIdempotentRequestsAreRetriedWhenTheServerSaysRetryAfter) {
  const std::string throttled =
      http_response(429, "Too Many Requests", "Retry-After: 2\r\n",
                    R"({"kind":"Status","reason":"TooManyRequests","code":429})");
  ScriptedServer server({throttled, kOk, throttled, kOk});
  Fixture f;
  const Client client = f.client(server);
  auto patched = std::async(std::launch::async, [&] {
    return client.merge_patch(configmaps(), "default", "x", Json::object());
  });
  f.clock->wait_for_timers(1);
  f.clock->advance(milliseconds(1999));
  EXPECT_EQ(f.clock->pending_timers(), 1U) << "retried before Retry-After";
  EXPECT_EQ(server.requests(), 1);
  f.clock->advance(milliseconds(1));
  EXPECT_EQ(patched.get()["metadata"]["name"], "x");
  auto created = std::async(std::launch::async, [&] {
    return client.create(configmaps(), "default", Json{{"kind", "ConfigMap"}});
  });
  f.clock->wait_for_timers(1);
  f.clock->advance(seconds(2));
  EXPECT_EQ(created.get()["metadata"]["name"], "x");
  EXPECT_EQ(server.methods(), (std::vector<std::string>{"PATCH", "PATCH", "POST", "POST"}));
}

TEST(ClientRetryTest, GivesUpWhenTheNextWaitWouldPassTheDeadline) {
  ScriptedServer server({});  // 500 forever
  Fixture f;
  RetryPolicy retry = fast_backoff();
  retry.backoff.factor = 1.0;  // 100 ms each time
  retry.deadline = milliseconds(250);
  const Client client = f.client(server, retry);
  auto result =
      std::async(std::launch::async, [&] { return client.get(configmaps(), "default", "x"); });
  f.clock->wait_for_timers(1);
  f.clock->advance(milliseconds(100));
  f.clock->wait_for_timers(1);
  f.clock->advance(milliseconds(100));
  try {
    result.get();
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable) << e.message();
  }
  EXPECT_EQ(server.requests(), 3);  // at 0, 100 and 200 ms; 300 ms is past the deadline
}

TEST(ClientRetryTest, RetryAfterPastTheDeadlineFailsAtOnce) {
  ScriptedServer server({http_response(429, "Too Many Requests", "Retry-After: 120\r\n", "{}")});
  Fixture f;
  const Client client = f.client(server);
  try {
    client.get(configmaps(), "default", "x");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable) << e.message();
    EXPECT_NE(e.message().find("429"), std::string::npos) << e.message();
  }
  EXPECT_EQ(server.requests(), 1);
}

TEST(ClientRetryTest, MaxAttemptsBoundsRetries) {
  ScriptedServer server({});
  Fixture f;
  RetryPolicy retry = fast_backoff();
  retry.max_attempts = 2;
  const Client client = f.client(server, retry);
  auto result =
      std::async(std::launch::async, [&] { return client.get(configmaps(), "default", "x"); });
  f.clock->wait_for_timers(1);
  f.clock->advance(milliseconds(100));
  EXPECT_THROW(result.get(), Error);
  EXPECT_EQ(server.requests(), 2);
}

TEST(TokenBucketTest, BurstThenQps) {
  auto clock = std::make_shared<runtime::ManualClock>();
  TokenBucket bucket(10, 2, clock);
  const auto start = clock->now();
  EXPECT_EQ(bucket.reserve(), start);
  EXPECT_EQ(bucket.reserve(), start);
  EXPECT_EQ(bucket.reserve(), start + milliseconds(100));
  EXPECT_EQ(bucket.reserve(), start + milliseconds(200));  // waiters queue up
  clock->advance(seconds(1));                              // refills to the burst, not beyond
  EXPECT_EQ(bucket.reserve(), clock->now());
  EXPECT_EQ(bucket.reserve(), clock->now());
  EXPECT_GT(bucket.reserve(), clock->now());
}

TEST(TokenBucketTest, ClientRequestsWaitForTokens) {
  ScriptedServer server({kOk, kOk});
  auto clock = std::make_shared<runtime::ManualClock>();
  ClusterConfig config;
  config.server = server.url();
  ClientOptions options;
  options.clock = clock;
  options.qps = 2;
  options.burst = 1;
  const Client client(config, options);
  client.get(configmaps(), "default", "x");  // the burst token
  auto second =
      std::async(std::launch::async, [&] { return client.get(configmaps(), "default", "x"); });
  clock->wait_for_timers(1);
  EXPECT_EQ(server.requests(), 1);
  clock->advance(milliseconds(500));
  EXPECT_EQ(second.get()["metadata"]["name"], "x");
  EXPECT_EQ(server.requests(), 2);
}

TEST(TokenBucketTest, NonPositiveQpsIsUnlimited) {
  auto clock = std::make_shared<runtime::ManualClock>();
  TokenBucket bucket(0, 1, clock);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(bucket.reserve(), clock->now());
}

}  // namespace
}  // namespace sluice::kube
