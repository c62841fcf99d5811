// The webhook receiver: lookup by path, authentication, what a push triggers, rate limits,
// registry updates, and the answers of a real server (404, 405, 413) in front of it.
#include "server/webhook_receiver.h"

#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/hmac.h"
#include "core/sha256.h"
#include "http_test_client.h"

namespace sluice::server {
namespace {

constexpr std::string_view kToken = "s3cret-token";

std::string push_body(const std::string& ref) {
  return R"({"ref":")" + ref + R"(","after":"0123"})";
}

HttpRequest github(const std::string& path, const std::string& event, const std::string& body,
                   std::string_view secret = kToken) {
  HttpRequest request;
  request.method = "POST";
  request.path = path;
  request.target = path;
  request.body = body;
  request.headers = {{"X-GitHub-Event", event},
                     {"X-Hub-Signature-256", "sha256=" + to_hex(hmac_sha256(secret, body))}};
  return request;
}

class WebhookReceiverTest : public ::testing::Test {
 protected:
  WebhookReceiverTest() : receiver_(WebhookReceiver::Options{}, registry_, on_push()) {}

  WebhookReceiver::OnPush on_push() {
    return [this](const std::string& key) {
      std::lock_guard lock(mu_);
      pushed_.push_back(key);
    };
  }

  std::vector<std::string> pushed() {
    std::lock_guard lock(mu_);
    return pushed_;
  }

  // Registers "shop/platform" following branch main; returns its path.
  std::string add_branch_source(std::optional<WebhookProvider> provider = std::nullopt) {
    return receiver_.set({"shop/platform", std::string(kToken), provider, "main", false});
  }

  int status_of(const HttpRequest& request) {
    HttpResponse response;
    receiver_.serve(request, response);
    return response.status;
  }

  double counted(const std::string& result) {
    return registry_
        .counter("sluice_webhook_requests_total",
                 "Webhook requests answered by the receiver, by result.", {"result"})
        .labels({result})
        .value();
  }

  Registry registry_;
  std::mutex mu_;
  std::vector<std::string> pushed_;
  WebhookReceiver receiver_;
};

TEST_F(WebhookReceiverTest, AGenuinePushOfTheBranchTriggersAFetch) {
  const std::string path = add_branch_source();
  EXPECT_EQ(path, webhook_path("shop/platform", kToken));
  HttpResponse response;
  receiver_.serve(github(path, "push", push_body("refs/heads/main")), response);
  EXPECT_EQ(response.status, 202);
  EXPECT_EQ(response.body, "accepted: fetching\n");
  EXPECT_EQ(pushed(), std::vector<std::string>{"shop/platform"});
  EXPECT_EQ(counted("accepted"), 1);
}

TEST_F(WebhookReceiverTest, ForgedMissingAndWrongProviderAre401) {
  const std::string path = add_branch_source();
  const std::string body = push_body("refs/heads/main");
  EXPECT_EQ(status_of(github(path, "push", body, "guess")), 401);
  auto unsigned_request = github(path, "push", body);
  unsigned_request.headers.pop_back();
  EXPECT_EQ(status_of(unsigned_request), 401);
  auto no_provider = github(path, "push", body);
  no_provider.headers.erase(no_provider.headers.begin());  // the signature alone says nothing
  EXPECT_EQ(status_of(no_provider), 401);
  // A signature of another body.
  auto swapped = github(path, "push", body);
  swapped.body = push_body("refs/heads/other");
  EXPECT_EQ(status_of(swapped), 401);
  EXPECT_TRUE(pushed().empty());
  EXPECT_EQ(counted("unauthorized"), 4);

  // With spec.webhook.type set, another provider's headers do not count.
  const std::string fixed = add_branch_source(WebhookProvider::kGitLab);
  EXPECT_EQ(status_of(github(fixed, "push", body)), 401);
  HttpRequest gitlab = github(fixed, "push", body);
  gitlab.headers = {{"X-Gitlab-Event", "Push Hook"}, {"X-Gitlab-Token", std::string(kToken)}};
  EXPECT_EQ(status_of(gitlab), 202);
}

TEST_F(WebhookReceiverTest, WhatIsNotAFollowedPushIsAnsweredWithoutAFetch) {
  const std::string path = add_branch_source();
  HttpResponse response;
  receiver_.serve(github(path, "ping", R"({"zen":"Keep it logically awesome."})"), response);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "pong\n");
  EXPECT_EQ(status_of(github(path, "push", push_body("refs/heads/dev"))), 200);
  EXPECT_EQ(status_of(github(path, "push", push_body("refs/tags/v1.0.0"))), 200);
  EXPECT_EQ(status_of(github(path, "issues", "{}")), 200);
  EXPECT_TRUE(pushed().empty());
  EXPECT_EQ(counted("ignored"), 4);

  // Malformed bodies are 400, only once the signature is right.
  EXPECT_EQ(status_of(github(path, "push", "{not json")), 400);
  EXPECT_EQ(status_of(github(path, "push", R"({"after":"0123"})")), 400);
  EXPECT_EQ(status_of(github(path, "push", "{not json", "guess")), 401);
  EXPECT_EQ(counted("bad_request"), 2);
  EXPECT_TRUE(pushed().empty());
}

TEST_F(WebhookReceiverTest, TagAndCommitSources) {
  const std::string tags = receiver_.set({"shop/tags", std::string(kToken), {}, "", true});
  EXPECT_EQ(status_of(github(tags, "push", push_body("refs/tags/v2.0.0"))), 202);
  EXPECT_EQ(status_of(github(tags, "push", push_body("refs/heads/main"))), 200);
  const std::string pinned = receiver_.set({"shop/pinned", std::string(kToken), {}, "", false});
  EXPECT_EQ(status_of(github(pinned, "push", push_body("refs/heads/main"))), 200);
  EXPECT_EQ(status_of(github(pinned, "push", push_body("refs/tags/v2.0.0"))), 200);
  EXPECT_EQ(pushed(), std::vector<std::string>{"shop/tags"});
}

TEST_F(WebhookReceiverTest, UnknownRemovedAndRotatedPathsAre404) {
  EXPECT_EQ(status_of(github("/hook/0000", "push", push_body("refs/heads/main"))), 404);
  const std::string path = add_branch_source();
  EXPECT_EQ(receiver_.size(), 1U);
  const std::string rotated =
      receiver_.set({"shop/platform", "new-token", std::nullopt, "main", false});
  EXPECT_NE(rotated, path);
  EXPECT_EQ(receiver_.size(), 1U);
  EXPECT_EQ(status_of(github(path, "push", push_body("refs/heads/main"))), 404);
  EXPECT_EQ(status_of(github(rotated, "push", push_body("refs/heads/main"), "new-token")), 202);
  receiver_.remove("shop/platform");
  receiver_.remove("shop/unknown");
  EXPECT_EQ(receiver_.size(), 0U);
  EXPECT_EQ(status_of(github(rotated, "push", push_body("refs/heads/main"), "new-token")), 404);
  EXPECT_EQ(counted("not_found"), 3);
}

TEST(WebhookReceiver, RateLimitsEachPathAndUnknownPathsApart) {
  Registry registry;
  WebhookReceiver::Options options;
  options.path_qps = 0.001;  // no refill within the test
  options.path_burst = 2;
  options.unknown_path_qps = 0.001;
  options.unknown_path_burst = 3;
  int pushes = 0;
  WebhookReceiver receiver(options, registry, [&](const std::string&) { ++pushes; });
  const std::string a = receiver.set({"ns/a", std::string(kToken), {}, "main", false});
  const std::string b = receiver.set({"ns/b", std::string(kToken), {}, "main", false});
  const auto status = [&](const std::string& path, std::string_view secret = kToken) {
    HttpResponse response;
    receiver.serve(github(path, "push", push_body("refs/heads/main"), secret), response);
    return response.status;
  };
  // Forged requests use up the path's budget too: the limits come before verification.
  EXPECT_EQ(status(a, "guess"), 401);
  EXPECT_EQ(status(a), 202);
  EXPECT_EQ(status(a), 429);
  // Made-up paths share a budget of their own...
  for (int i = 0; i < 3; ++i) EXPECT_EQ(status("/hook/unknown-" + std::to_string(i)), 404);
  EXPECT_EQ(status("/hook/unknown"), 429);
  // ...so neither they nor path a's flood take anything from path b.
  EXPECT_EQ(status(b), 202);
  EXPECT_EQ(status(b), 202);
  EXPECT_EQ(status(b), 429);
  EXPECT_EQ(pushes, 3);
  EXPECT_NE(registry.expose().find("sluice_webhook_requests_total{result=\"rate_limited\"} 3\n"),
            std::string::npos)
      << registry.expose();
  EXPECT_NE(registry.expose().find("sluice_webhook_requests_total{result=\"not_found\"} 3\n"),
            std::string::npos)
      << registry.expose();
}

TEST_F(WebhookReceiverTest, ARealServerRefusesOversizedBodiesAndOtherMethods) {
  HttpServer::Options options;
  options.max_body_bytes = 4096;
  HttpServer server(options);
  receiver_.mount(server);
  server.start();
  const std::string path = add_branch_source();
  const auto post = [&](const std::string& target, const std::string& body,
                        const std::string& secret) {
    return testing::round_trip(
        server.port(), "POST " + target +
                           " HTTP/1.1\r\nHost: t\r\nConnection: close\r\nX-GitHub-Event: push\r\n"
                           "X-Hub-Signature-256: sha256=" +
                           to_hex(hmac_sha256(secret, body)) + "\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n" + body);
  };
  const std::string body = push_body("refs/heads/main");
  EXPECT_EQ(post(path, body, std::string(kToken)).status, 202);
  EXPECT_EQ(post(path, body, "guess").status, 401);
  EXPECT_EQ(post("/hook/" + std::string(64, '0'), body, std::string(kToken)).status, 404);
  EXPECT_EQ(post("/metrics", body, std::string(kToken)).status, 404);
  const std::string big = R"({"ref":"refs/heads/main","pad":")" + std::string(5000, 'x') + "\"}";
  EXPECT_EQ(post(path, big, std::string(kToken)).status, 413);
  EXPECT_EQ(testing::get(server.port(), path).status, 405);
  EXPECT_EQ(pushed(), std::vector<std::string>{"shop/platform"});
  server.stop();
}

}  // namespace
}  // namespace sluice::server
