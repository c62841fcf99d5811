// A webhook flood (label `fault`): several keep-alive connections POST to the operator's
// webhook receiver as fast as it answers (signed pushes, forged signatures and unknown paths),
// while another Application follows commits by polling. The receiver's token buckets
// (server/webhook_receiver.h) refuse the excess with 429 before any signature is computed,
// /healthz keeps answering, and the other Application applies each commit on time.
#include <atomic>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/hmac.h"
#include "core/sha256.h"
#include "manifests.h"
#include "operator_fixture.h"
#include "test_helpers.h"

namespace sluice::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Steady = std::chrono::steady_clock;

constexpr const char* kToken = "webhook-flood-test-token";
constexpr int kConnections = 8;
// The receiver's defaults (WebhookReceiver::Options): what the flood must be held to.
constexpr double kUnknownPathQps = 20;
constexpr double kUnknownPathBurst = 100;
constexpr double kPathQps = 1;
constexpr double kPathBurst = 10;

// One keep-alive HTTP/1.1 connection to 127.0.0.1:port that POSTs and reads the status.
class Connection {
 public:
  explicit Connection(std::uint16_t port) : port_(port) {}
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() { close_socket(); }

  // The answer's status, or 0 when the connection failed (it is reopened on the next call).
  int post(const std::string& path, const std::string& headers, const std::string& body) {
    if (fd_ < 0 && !open_socket()) return 0;
    const std::string request =
        "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
        headers + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    if (!send_all(request)) return fail();
    // Head, then the body by its Content-Length.
    std::size_t head_end;
    while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!receive()) return fail();
    }
    const std::string head = buffer_.substr(0, head_end);
    const int status = head.size() > 12 ? std::atoi(head.c_str() + 9) : 0;
    std::size_t length = 0;
    for (const char* name : {"Content-Length: ", "content-length: "}) {
      if (const auto at = head.find(name); at != std::string::npos)
        length = std::stoul(head.substr(at + std::strlen(name)));
    }
    while (buffer_.size() < head_end + 4 + length) {
      if (!receive()) return fail();
    }
    buffer_.erase(0, head_end + 4 + length);
    if (head.find("Connection: close") != std::string::npos ||
        head.find("connection: close") != std::string::npos)
      close_socket();
    return status;
  }

 private:
  bool open_socket() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return false;
    timeval timeout{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port_);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
      close_socket();
      return false;
    }
    return true;
  }
  void close_socket() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    buffer_.clear();
  }
  int fail() {
    close_socket();
    return 0;
  }
  bool send_all(const std::string& data) {
    for (std::size_t sent = 0; sent < data.size();) {
      const ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }
  bool receive() {
    char chunk[4096];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  std::uint16_t port_;
  int fd_ = -1;
  std::string buffer_;
};

// kConnections threads POSTing until stop(): one in three a signed push of main, one a push
// under a wrong signature, one to a path nobody registered. Counts the answers by status.
class Flood {
 public:
  Flood(std::uint16_t port, const std::string& path) {
    const std::string body = R"({"ref":"refs/heads/main","before":"0","after":"1","commits":[]})";
    const std::string signed_headers =
        "X-GitHub-Event: push\r\nX-Hub-Signature-256: sha256=" + to_hex(hmac_sha256(kToken, body)) +
        "\r\n";
    const std::string forged_headers = "X-GitHub-Event: push\r\nX-Hub-Signature-256: sha256=" +
                                       to_hex(hmac_sha256("a guess", body)) + "\r\n";
    const std::string unknown = "/hook/" + std::string(64, '0');
    started_ = Steady::now();
    for (int i = 0; i < kConnections; ++i) {
      threads_.emplace_back([=, this] {
        Connection connection(port);
        std::map<int, std::uint64_t> counts;
        for (std::uint64_t n = static_cast<std::uint64_t>(i); !stop_; ++n) {
          const int status = n % 3 == 0   ? connection.post(path, signed_headers, body)
                             : n % 3 == 1 ? connection.post(path, forged_headers, body)
                                          : connection.post(unknown, signed_headers, body);
          ++counts[status];
        }
        std::lock_guard lock(mu_);
        for (const auto& [status, count] : counts) counts_[status] += count;
      });
    }
  }
  ~Flood() { stop(); }

  // Stops and joins; returns the answers by status (0: the connection failed).
  std::map<int, std::uint64_t> stop() {
    stop_ = true;
    for (std::thread& thread : threads_) thread.join();
    threads_.clear();
    if (seconds_ == 0) seconds_ = seconds_since(started_);
    std::lock_guard lock(mu_);
    return counts_;
  }
  double seconds() const { return seconds_; }

 private:
  Steady::time_point started_;
  double seconds_ = 0;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::map<int, std::uint64_t> counts_;
};

class WebhookFloodTest : public OperatorTest {
 protected:
  // Commits a new value of configmap a and returns the seconds until the operator applied it.
  double commit_and_time(int value) {
    repo().commit({{"app/a.yaml", config_map_yaml("a", std::to_string(value))}},
                  "value " + std::to_string(value));
    const auto committed = Steady::now();
    const bool applied = eventually(
        [&] {
          return string_member(get("configmap", "a"), {"data", "value"}) == std::to_string(value);
        },
        seconds(60));
    EXPECT_TRUE(applied) << "value " << value << " was not applied:\n" << op().log();
    return seconds_since(committed);
  }

  // The counter sluice_webhook_requests_total{result=`result`} from /metrics (-1: absent).
  long long webhook_requests(const std::string& result) {
    const auto [status, text] = op().get(op().metrics_port(), "/metrics");
    const std::string series = "sluice_webhook_requests_total{result=\"" + result + "\"} ";
    const auto at = text.find(series);
    return status == 200 && at != std::string::npos ? std::atoll(text.c_str() + at + series.size())
                                                    : -1;
  }
};

TEST_F(WebhookFloodTest, AFloodIsRateLimitedAndOtherWorkGoesOnInTime) {
  ASSERT_NE(op().webhook_port(), 0);
  repo().commit({{"app/a.yaml", config_map_yaml("a", "0")}}, "value 0");
  // "hooked" takes pushes (and polls hourly); "repo" polls every 2 s for the Application.
  apply("apiVersion: v1\nkind: Secret\nmetadata: {name: hook, namespace: " + ns() +
        "}\nstringData:\n  token: " + kToken + "\n---\n" + git_source_yaml("hooked", "1h") +
        "  webhook:\n    secretRef: {name: hook}\n    type: github\n---\n" +
        git_source_yaml("quiet", "1h") +
        "  webhook:\n    secretRef: {name: hook}\n    type: github\n---\n" +
        git_source_yaml("repo", "2s") + "---\n" + application_yaml("shop", "./app"));
  wait_ready("shop");
  const std::string path = string_member(wait_source_ready("hooked"), {"status", "webhookPath"});
  const std::string quiet_path =
      string_member(wait_source_ready("quiet"), {"status", "webhookPath"});
  ASSERT_FALSE(path.empty());
  ASSERT_FALSE(quiet_path.empty());

  constexpr int kSamples = 3;
  std::vector<double> idle;
  for (int i = 1; i <= kSamples; ++i) idle.push_back(commit_and_time(i));

  // /healthz, polled through the flood: every answer must be a 200.
  std::atomic<bool> polling{true};
  int health_polls = 0;
  int health_failures = 0;
  double health_slowest = 0;
  std::thread health([&] {
    while (polling) {
      const auto asked = Steady::now();
      if (op().get(op().health_port(), "/healthz").first != 200) ++health_failures;
      health_slowest = std::max(health_slowest, seconds_since(asked));
      ++health_polls;
      std::this_thread::sleep_for(milliseconds(200));
    }
  });

  Flood flood(op().webhook_port(), path);
  std::this_thread::sleep_for(seconds(2));  // the flood is at full speed
  std::vector<double> flooded;
  for (int i = kSamples + 1; i <= 2 * kSamples; ++i) flooded.push_back(commit_and_time(i));
  // A genuine push for another source, mid-flood: its own budget is untouched, so it is taken
  // and the source (polling hourly) fetches the latest commit at once.
  const std::string latest =
      string_member(get("gitsources.sluice.dev", "repo"), {"status", "artifact", "revision"});
  const std::string push_body =
      R"({"ref":"refs/heads/main","before":"0","after":"1","commits":[]})";
  Connection pusher(op().webhook_port());
  const auto pushed = Steady::now();
  const int quiet_status = pusher.post(quiet_path,
                                       "X-GitHub-Event: push\r\nX-Hub-Signature-256: sha256=" +
                                           to_hex(hmac_sha256(kToken, push_body)) + "\r\n",
                                       push_body);
  const bool quiet_fetched = eventually(
      [&] {
        return string_member(get("gitsources.sluice.dev", "quiet"),
                             {"status", "artifact", "revision"}) == latest;
      },
      seconds(10));
  const double quiet_took = seconds_since(pushed);
  const std::map<int, std::uint64_t> answers = flood.stop();
  polling = false;
  health.join();

  std::uint64_t total = 0;
  for (const auto& [status, count] : answers) total += count;
  const auto count = [&](int status) {
    const auto it = answers.find(status);
    return it == answers.end() ? std::uint64_t{0} : it->second;
  };
  const double duration = flood.seconds();
  const std::uint64_t handled = total - count(429) - count(0);
  std::cout << "[fault] webhook flood: " << total << " requests in " << duration << " s ("
            << static_cast<int>(static_cast<double>(total) / duration) << "/s over " << kConnections
            << " connections):";
  for (const auto& [status, n] : answers) std::cout << " " << status << " x" << n;
  std::cout << "\n[fault] reconcile latency commit -> applied, idle:";
  for (const double s : idle) std::cout << " " << s;
  std::cout << " s; during the flood:";
  for (const double s : flooded) std::cout << " " << s;
  std::cout << " s; /healthz " << health_polls << " polls, " << health_failures
            << " failed, slowest " << health_slowest << " s; another source's push answered "
            << quiet_status << ", fetched after " << quiet_took << " s\n";

  // A flood worth the name, answered: nothing but a few connection resets.
  EXPECT_GT(static_cast<double>(total) / duration, 10 * kUnknownPathQps)
      << "too slow to be a flood";
  EXPECT_LE(count(0), static_cast<std::uint64_t>(kConnections));
  // Rate-limited: whatever was sent, what got past each bucket is its burst and rate over the
  // flood: the made-up paths' 404s, and the flooded path's pushes, signed or forged.
  EXPECT_GT(count(429), total / 2);
  EXPECT_EQ(handled, count(404) + count(202) + count(401)) << "an unexpected answer";
  EXPECT_LE(static_cast<double>(count(404)), kUnknownPathBurst + kUnknownPathQps * duration);
  EXPECT_GT(count(202), 0u) << "no genuine push got through";
  EXPECT_LE(static_cast<double>(count(202) + count(401)), kPathBurst + kPathQps * duration);
  EXPECT_EQ(webhook_requests("rate_limited"), static_cast<long long>(count(429)));
  EXPECT_EQ(webhook_requests("accepted"), static_cast<long long>(count(202)) + 1);
  EXPECT_EQ(quiet_status, 202) << "a flood on one path refused another source's push";
  EXPECT_TRUE(quiet_fetched) << "the other source did not fetch on its push";
  // Other work unaffected: /healthz answered every time, and each commit was applied within a
  // few polls of its source (the interval is 2 s; a starved operator would take far longer).
  EXPECT_EQ(health_failures, 0);
  EXPECT_GT(health_polls, 10);
  for (const double s : flooded) EXPECT_LT(s, 15.0) << "a commit applied late during the flood";
  EXPECT_TRUE(op().running());
  EXPECT_EQ(op().log(400).find(kToken), std::string::npos) << "the token reached the log";
}

}  // namespace
}  // namespace sluice::testing
