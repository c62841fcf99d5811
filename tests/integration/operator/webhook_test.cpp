// The webhook receiver end to end: a GitSource polling once an hour fetches a new commit as
// soon as a signed GitHub push arrives, and forged, oversized and misdirected requests are
// refused without a fetch.
#include <chrono>
#include <iostream>
#include <thread>

#include <gtest/gtest.h>

#include "core/hmac.h"
#include "core/sha256.h"
#include "operator_fixture.h"

namespace sluice::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kToken = "webhook-test-token";

class WebhookTest : public OperatorTest {
 protected:
  // A Secret with the token (first: the source reads it once per interval) and a GitSource on
  // this test's repository with spec.webhook.
  std::string source_yaml(const std::string& interval, bool with_secret = true) const {
    std::string yaml;
    if (with_secret) {
      yaml = "apiVersion: v1\nkind: Secret\nmetadata: {name: hook, namespace: " + ns() +
             "}\nstringData:\n  token: " + kToken + "\n---\n";
    }
    return yaml + git_source_yaml("repo", interval) +
           "  webhook:\n    secretRef: {name: hook}\n    type: github\n";
  }

  // POSTs `body` to the receiver with GitHub's headers, signed under `secret` unless it is
  // empty; returns the HTTP status (0 when curl failed).
  int post(const std::string& path, const std::string& event, const std::string& body,
           const std::string& secret = kToken, std::uint16_t port = 0) {
    std::vector<std::string> argv{"curl",       "-s",
                                  "-o",         "/dev/null",
                                  "-w",         "%{http_code}",
                                  "--max-time", "10",
                                  "-X",         "POST",
                                  "-H",         "Content-Type: application/json",
                                  "-H",         "X-GitHub-Event: " + event};
    if (!secret.empty()) {
      argv.insert(argv.end(),
                  {"-H", "X-Hub-Signature-256: sha256=" + to_hex(hmac_sha256(secret, body))});
    }
    argv.insert(
        argv.end(),
        {"--data-binary", "@-",
         "http://127.0.0.1:" + std::to_string(port != 0 ? port : op().webhook_port()) + path});
    const ProcessResult result = run_process(argv, ProcessOptions{}.set_input(body));
    return std::atoi(result.out.c_str());
  }

  std::string revision() const {
    return string_member(get("gitsources.sluice.dev", "repo"), {"status", "artifact", "revision"});
  }
};

std::string push(const std::string& ref) {
  return R"({"ref":")" + ref + R"(","before":"0000","after":"1111","commits":[]})";
}

TEST_F(WebhookTest, ASignedPushFetchesAtOnceAndForgeriesAreRefused) {
  ASSERT_NE(op().webhook_port(), 0);
  const std::string first = repo().commit({{"README.md", "one\n"}}, "first");
  apply(source_yaml("1h"));
  const Json source = wait_source_ready("repo");
  ASSERT_EQ(source["status"]["artifact"]["revision"], "main@sha1:" + first);
  const std::string path = string_member(source, {"status", "webhookPath"});
  // Stable and unguessable: the HMAC of the source's name under the token.
  EXPECT_EQ(path, "/hook/" + to_hex(hmac_sha256(kToken, "sluice.dev/webhook/" + ns() + "/repo")));

  const std::string second = repo().commit({{"README.md", "two\n"}}, "second");
  EXPECT_EQ(post(path, "push", push("refs/heads/main"), "a-guess"), 401);
  EXPECT_EQ(post(path, "push", push("refs/heads/main"), ""), 401);
  EXPECT_EQ(post("/hook/" + std::string(64, '0'), "push", push("refs/heads/main")), 404);
  EXPECT_EQ(post(path, "push",
                 R"({"ref":"refs/heads/main","pad":")" +
                     std::string(std::size_t{2} * 1024 * 1024, 'x') + "\"}"),
            413);
  EXPECT_EQ(post(path, "push", "{not json"), 400);
  EXPECT_EQ(post(path, "ping", R"({"zen":"hi"})"), 200);
  EXPECT_EQ(post(path, "push", push("refs/heads/other")), 200);
  // None of them fetched (the interval is an hour).
  std::this_thread::sleep_for(seconds(2));
  EXPECT_EQ(revision(), "main@sha1:" + first);

  const auto sent = std::chrono::steady_clock::now();
  ASSERT_EQ(post(path, "push", push("refs/heads/main")), 202);
  std::string seen;
  const auto deadline = sent + seconds(5);
  while ((seen = revision()) != "main@sha1:" + second &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  const auto latency =
      std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - sent);
  ASSERT_EQ(seen, "main@sha1:" + second) << op().log();
  std::cout << "webhook push to status.artifact: " << latency.count() << " ms\n";
  RecordProperty("push_to_fetch_ms", static_cast<int>(latency.count()));

  const auto [status, metrics] = op().get(op().metrics_port(), "/metrics");
  ASSERT_EQ(status, 200);
  for (const std::string_view series : {"sluice_webhook_requests_total{result=\"accepted\"} 1",
                                        "sluice_webhook_requests_total{result=\"unauthorized\"} 2",
                                        "sluice_webhook_requests_total{result=\"not_found\"} 1",
                                        "sluice_webhook_requests_total{result=\"bad_request\"} 1",
                                        "sluice_webhook_requests_total{result=\"ignored\"} 2"}) {
    EXPECT_NE(metrics.find(std::string(series) + "\n"), std::string::npos) << series << "\n"
                                                                           << metrics;
  }
  EXPECT_EQ(op().log(400).find(kToken), std::string::npos) << "the token reached the log";
}

TEST_F(WebhookTest, AMissingSecretIsReportedAndTheArtifactStillFetched) {
  const std::string first = repo().commit({{"README.md", "one\n"}}, "first");
  apply(source_yaml("2s", false));
  Json source;
  ASSERT_TRUE(eventually([&] {
    source = get("gitsources.sluice.dev", "repo");
    return string_member(condition(source, "Ready"), {"reason"}) == "WebhookSecretNotFound";
  })) << source.dump(2)
      << op().log();
  EXPECT_EQ(source["status"]["artifact"]["revision"], "main@sha1:" + first);
  EXPECT_EQ(find_member(source, {"status", "webhookPath"}), nullptr);
  EXPECT_NE(string_member(condition(source, "Ready"), {"message"}).find("hook"), std::string::npos)
      << source.dump(2);

  apply(source_yaml("2s"));
  source = wait_source_ready("repo");
  const std::string path = string_member(source, {"status", "webhookPath"});
  ASSERT_FALSE(path.empty()) << source.dump(2);
  EXPECT_EQ(post(path, "push", push("refs/heads/main")), 202);

  // Without spec.webhook the path is forgotten.
  ASSERT_EQ(env()
                .kubectl({"-n", ns(), "patch", "gitsources.sluice.dev", "repo", "--type=json", "-p",
                          R"([{"op":"remove","path":"/spec/webhook"}])"})
                .exit_code,
            0);
  ASSERT_TRUE(eventually([&] {
    return find_member(get("gitsources.sluice.dev", "repo"), {"status", "webhookPath"}) == nullptr;
  })) << op().log();
  EXPECT_EQ(post(path, "push", push("refs/heads/main")), 404);
}

// With --leader-elect a Service hands a push to any replica; one that reaches the standby is
// passed on to the leader (the reconcile-requested-at annotation) and fetched at once.
class WebhookStandbyTest : public WebhookTest {
 protected:
  bool start_operator() const override { return false; }

  std::unique_ptr<OperatorProcess> replica(const std::string& name) {
    return std::make_unique<OperatorProcess>(
        env(), operator_kubeconfig(), ns(), storage_dir().string() + "-" + name,
        std::vector<std::string>{"--leader-elect", "--leader-election-namespace", ns(),
                                 "--leader-election-lease-duration", "4s",
                                 "--leader-election-renew-deadline", "3s",
                                 "--leader-election-retry-period", "500ms"},
        name);
  }
};

TEST_F(WebhookStandbyTest, APushToTheStandbyIsFetchedByTheLeader) {
  const std::string first = repo().commit({{"README.md", "one\n"}}, "first");
  apply(source_yaml("1h"));
  auto leader = replica("leader");
  ASSERT_NO_THROW(leader->start());
  ASSERT_TRUE(eventually([&] { return leader->working(); }, seconds(15))) << leader->log();
  auto standby = replica("standby");
  ASSERT_NO_THROW(standby->start());
  const Json source = wait_source_ready("repo");
  ASSERT_EQ(source["status"]["artifact"]["revision"], "main@sha1:" + first);
  const std::string path = string_member(source, {"status", "webhookPath"});
  ASSERT_FALSE(path.empty());
  ASSERT_FALSE(standby->working());

  const std::string second = repo().commit({{"README.md", "two\n"}}, "second");
  // The standby registers the source when its informer reports it (then reads the Secret).
  int status = 0;
  ASSERT_TRUE(eventually(
      [&] {
        status = post(path, "push", push("refs/heads/main"), kToken, standby->webhook_port());
        return status != 404;
      },
      seconds(10)))
      << standby->log();
  EXPECT_EQ(status, 202) << standby->log();
  EXPECT_EQ(post(path, "push", push("refs/heads/main"), "a-guess", standby->webhook_port()), 401);
  const auto posted = std::chrono::steady_clock::now();
  ASSERT_TRUE(eventually([&] { return revision() == "main@sha1:" + second; }, seconds(10)))
      << leader->log() << standby->log();
  std::cout
      << "push to the standby -> fetched by the leader: "
      << std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - posted).count()
      << " ms\n";
  EXPECT_FALSE(standby->working());
  EXPECT_EQ(standby->stop(), 0) << standby->log();
  EXPECT_EQ(leader->stop(), 0) << leader->log();
}

}  // namespace
}  // namespace sluice::testing
