// Webhook signatures and tokens per provider, event parsing, ref matching and receiver paths.
#include "server/webhook.h"

#include <string>

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/hmac.h"
#include "core/sha256.h"
#include "test_helpers.h"

namespace sluice::server {
namespace {

using sluice::testing::error_of;

constexpr std::string_view kSecret = "It's a Secret to Everybody";
const std::string kPush = R"({"ref":"refs/heads/main","after":"abc","commits":[{"id":"abc"}]})";

HttpRequest request(HeaderList headers, std::string body = kPush) {
  HttpRequest out;
  out.method = "POST";
  out.path = "/hook/x";
  out.target = out.path;
  out.headers = std::move(headers);
  out.body = std::move(body);
  return out;
}

std::string signature(std::string_view body, std::string_view secret = kSecret) {
  return to_hex(hmac_sha256(secret, body));
}

HttpRequest github(const std::string& event, const std::string& body = kPush) {
  return request({{"X-GitHub-Event", event}, {"X-Hub-Signature-256", "sha256=" + signature(body)}},
                 body);
}

ErrorCode refused(WebhookProvider provider, const HttpRequest& request) {
  return error_of([&] { verify_webhook(provider, request, kSecret); }).code();
}

TEST(Webhook, GitHubSignatures) {
  // GitHub's documented example: secret "It's a Secret to Everybody", body "Hello, World!".
  const auto example = request({{"X-Hub-Signature-256",
                                 "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b"
                                 "043e17"}},
                               "Hello, World!");
  EXPECT_NO_THROW(verify_webhook(WebhookProvider::kGitHub, example, kSecret));
  EXPECT_NO_THROW(verify_webhook(WebhookProvider::kGitHub, github("push"), kSecret));

  const auto upper = request({{"X-Hub-Signature-256",
                               "sha256=757107EA0EB2509FC211221CCE984B8A37"
                               "570B6D7586C22C46F4379C8B043E17"}},
                             "Hello, World!");
  EXPECT_NO_THROW(verify_webhook(WebhookProvider::kGitHub, upper, kSecret));

  const auto with = [](std::string value, std::string body = kPush) {
    return request({{"X-GitHub-Event", "push"}, {"X-Hub-Signature-256", std::move(value)}},
                   std::move(body));
  };
  const std::string good = signature(kPush);
  // Forged: another secret, another body, one digit changed at either end.
  EXPECT_EQ(refused(WebhookProvider::kGitHub, with("sha256=" + signature(kPush, "guess"))),
            ErrorCode::kUnauthenticated);
  EXPECT_EQ(refused(WebhookProvider::kGitHub, with("sha256=" + good, kPush + " ")),
            ErrorCode::kUnauthenticated);
  for (const std::size_t at : {std::size_t{0}, good.size() - 1}) {
    std::string changed = good;
    changed[at] = changed[at] == '0' ? '1' : '0';
    EXPECT_EQ(refused(WebhookProvider::kGitHub, with("sha256=" + changed)),
              ErrorCode::kUnauthenticated);
  }
  // Malformed: wrong length, not hex, another algorithm's prefix, missing.
  EXPECT_EQ(refused(WebhookProvider::kGitHub, with("sha256=" + good.substr(2))),
            ErrorCode::kUnauthenticated);
  EXPECT_EQ(refused(WebhookProvider::kGitHub, with("sha256=" + good + "00")),
            ErrorCode::kUnauthenticated);
  EXPECT_EQ(refused(WebhookProvider::kGitHub, with("sha256=" + good.substr(1) + "g")),
            ErrorCode::kUnauthenticated);
  EXPECT_EQ(refused(WebhookProvider::kGitHub, with("sha1=" + good)), ErrorCode::kUnauthenticated);
  EXPECT_EQ(refused(WebhookProvider::kGitHub, with(good)), ErrorCode::kUnauthenticated);
  EXPECT_EQ(refused(WebhookProvider::kGitHub, with("")), ErrorCode::kUnauthenticated);
  EXPECT_EQ(refused(WebhookProvider::kGitHub, request({{"X-GitHub-Event", "push"}})),
            ErrorCode::kUnauthenticated);
  // Sent twice: joined into one value, which no longer parses.
  EXPECT_EQ(refused(WebhookProvider::kGitHub, request({{"X-Hub-Signature-256", "sha256=" + good},
                                                       {"X-Hub-Signature-256", "sha256=" + good}})),
            ErrorCode::kUnauthenticated);
}

TEST(Webhook, RefusalsNameTheProblemButNotTheSecret) {
  const Error error = error_of([&] {
    verify_webhook(WebhookProvider::kGitLab, request({{"X-Gitlab-Token", "guess"}}), kSecret);
  });
  EXPECT_EQ(error.message(), "webhook refused: X-Gitlab-Token does not match");
  const Error hmac = error_of([&] {
    verify_webhook(WebhookProvider::kGitHub, request({{"X-Hub-Signature-256", "sha256=00"}}),
                   kSecret);
  });
  EXPECT_EQ(hmac.message(), "webhook refused: X-Hub-Signature-256 is not 64 hex digits");
}

TEST(Webhook, GitLabTokens) {
  EXPECT_NO_THROW(verify_webhook(WebhookProvider::kGitLab,
                                 request({{"X-Gitlab-Token", std::string(kSecret)}}), kSecret));
  for (const std::string& wrong :
       {std::string("It's a Secret to Everybodz"), std::string(kSecret) + "!", std::string(""),
        std::string(kSecret).substr(1), sha256_hex(kSecret)}) {
    EXPECT_EQ(refused(WebhookProvider::kGitLab, request({{"X-Gitlab-Token", wrong}})),
              ErrorCode::kUnauthenticated)
        << wrong;
  }
  EXPECT_EQ(refused(WebhookProvider::kGitLab, request({})), ErrorCode::kUnauthenticated);
}

TEST(Webhook, GiteaAndForgejoSignatures) {
  const std::string good = signature(kPush);
  EXPECT_NO_THROW(
      verify_webhook(WebhookProvider::kGitea, request({{"X-Gitea-Signature", good}}), kSecret));
  EXPECT_NO_THROW(
      verify_webhook(WebhookProvider::kGitea, request({{"X-Forgejo-Signature", good}}), kSecret));
  EXPECT_EQ(refused(WebhookProvider::kGitea, request({{"X-Gitea-Signature", "sha256=" + good}})),
            ErrorCode::kUnauthenticated);  // no prefix for Gitea
  EXPECT_EQ(
      refused(WebhookProvider::kGitea, request({{"X-Gitea-Signature", signature(kPush, "guess")}})),
      ErrorCode::kUnauthenticated);
  EXPECT_EQ(refused(WebhookProvider::kGitea, request({{"X-Gitea-Signature", good.substr(4)}})),
            ErrorCode::kUnauthenticated);
  // GitHub's header alone does not do for Gitea.
  EXPECT_EQ(refused(WebhookProvider::kGitea, request({{"X-Hub-Signature-256", "sha256=" + good}})),
            ErrorCode::kUnauthenticated);
}

TEST(Webhook, GenericSignatures) {
  const std::string good = signature(kPush);
  EXPECT_NO_THROW(verify_webhook(WebhookProvider::kGeneric,
                                 request({{"X-Signature-256", "sha256=" + good}}), kSecret));
  EXPECT_NO_THROW(verify_webhook(WebhookProvider::kGeneric,
                                 request({{"X-Signature-256", "sha256=" + signature("")}}, ""),
                                 kSecret));
  EXPECT_EQ(refused(WebhookProvider::kGeneric, request({{"X-Signature-256", good}})),
            ErrorCode::kUnauthenticated);
  EXPECT_EQ(refused(WebhookProvider::kGeneric,
                    request({{"X-Signature-256", "sha256=" + signature(kPush, "")}})),
            ErrorCode::kUnauthenticated);
  EXPECT_EQ(refused(WebhookProvider::kGeneric, request({})), ErrorCode::kUnauthenticated);
}

TEST(Webhook, ProvidersAreDetectedByTheirHeaders) {
  EXPECT_EQ(detect_webhook_provider(request({{"x-github-event", "push"}})),
            WebhookProvider::kGitHub);
  EXPECT_EQ(detect_webhook_provider(request({{"X-Gitlab-Event", "Push Hook"}})),
            WebhookProvider::kGitLab);
  // Gitea sends GitHub's headers too.
  EXPECT_EQ(
      detect_webhook_provider(request({{"X-GitHub-Event", "push"}, {"X-Gitea-Event", "push"}})),
      WebhookProvider::kGitea);
  EXPECT_EQ(detect_webhook_provider(request({{"X-Forgejo-Event", "push"}})),
            WebhookProvider::kGitea);
  EXPECT_EQ(detect_webhook_provider(request({{"X-Signature-256", "sha256=00"}})),
            WebhookProvider::kGeneric);
  EXPECT_EQ(detect_webhook_provider(request({{"Content-Type", "application/json"}})), std::nullopt);

  for (const auto provider : {WebhookProvider::kGitHub, WebhookProvider::kGitLab,
                              WebhookProvider::kGitea, WebhookProvider::kGeneric}) {
    EXPECT_EQ(webhook_provider_named(to_string(provider)), provider);
  }
  EXPECT_EQ(webhook_provider_named("GitHub"), std::nullopt);
  EXPECT_EQ(webhook_provider_named(""), std::nullopt);
}

TEST(Webhook, EventsAndTheirRefs) {
  auto event = parse_webhook_event(WebhookProvider::kGitHub, github("push"));
  EXPECT_EQ(event.kind, WebhookEvent::Kind::kPush);
  EXPECT_EQ(event.name, "push");
  EXPECT_EQ(event.ref, "refs/heads/main");

  event = parse_webhook_event(WebhookProvider::kGitHub, github("ping", R"({"zen":"x"})"));
  EXPECT_EQ(event.kind, WebhookEvent::Kind::kPing);
  event = parse_webhook_event(WebhookProvider::kGitHub, github("issues", "not even JSON"));
  EXPECT_EQ(event.kind, WebhookEvent::Kind::kOther);
  EXPECT_EQ(event.name, "issues");

  event = parse_webhook_event(WebhookProvider::kGitLab,
                              request({{"X-Gitlab-Event", "Tag Push Hook"}},
                                      R"({"object_kind":"tag_push","ref":"refs/tags/v1.0.0"})"));
  EXPECT_EQ(event.kind, WebhookEvent::Kind::kPush);
  EXPECT_EQ(event.ref, "refs/tags/v1.0.0");
  event = parse_webhook_event(WebhookProvider::kGitLab,
                              request({{"X-Gitlab-Event", "Merge Request Hook"}}));
  EXPECT_EQ(event.kind, WebhookEvent::Kind::kOther);

  event = parse_webhook_event(WebhookProvider::kGitea,
                              request({{"X-GitHub-Event", "push"}, {"X-Forgejo-Event", "push"}}));
  EXPECT_EQ(event.kind, WebhookEvent::Kind::kPush);
  EXPECT_EQ(event.ref, "refs/heads/main");

  // Generic: anything signed is a push, the ref optional.
  event = parse_webhook_event(WebhookProvider::kGeneric, request({}, ""));
  EXPECT_EQ(event.kind, WebhookEvent::Kind::kPush);
  EXPECT_EQ(event.ref, "");
  event = parse_webhook_event(WebhookProvider::kGeneric, request({}, R"({"ref":"refs/tags/v2"})"));
  EXPECT_EQ(event.ref, "refs/tags/v2");
  event = parse_webhook_event(WebhookProvider::kGeneric, request({}, R"({"other":1})"));
  EXPECT_EQ(event.ref, "");
}

TEST(Webhook, OnlyTheTopLevelRefCounts) {
  const auto ref_of = [](const std::string& body) {
    return parse_webhook_event(WebhookProvider::kGitHub, github("push", body)).ref;
  };
  EXPECT_EQ(ref_of(R"({"repository":{"ref":"refs/heads/x"},"ref":"refs/heads/y"})"),
            "refs/heads/y");
  EXPECT_EQ(ref_of(R"({"ref":"refs/heads/y","head_commit":{"ref":"refs/heads/x"}})"),
            "refs/heads/y");
  EXPECT_EQ(ref_of(R"({"a":[{"ref":"x"},[1,2,{"ref":"z"}]],"ref":"refs/heads/\u0079"})"),
            "refs/heads/y");
  // Deep nesting costs no recursion.
  EXPECT_EQ(ref_of(R"({"ref":"refs/heads/main","deep":)" + std::string(10000, '[') +
                   std::string(10000, ']') + "}"),
            "refs/heads/main");
}

TEST(Webhook, MalformedPushesAreInvalidArguments) {
  const auto code = [](const std::string& body) {
    return error_of([&] { parse_webhook_event(WebhookProvider::kGitHub, github("push", body)); })
        .code();
  };
  for (const std::string& body :
       {std::string(""), std::string("{"), std::string("not json"), std::string("[]"),
        std::string(R"("refs/heads/main")"), std::string("{}"), std::string(R"({"ref":1})"),
        std::string(R"({"ref":""})"), std::string(R"({"ref":{"name":"main"}})"),
        std::string(R"({"ref":"refs/heads/main","ref":null})"),
        std::string(R"({"ref":"refs/heads/main"} trailing)"),
        std::string("{\"ref\":\"refs/heads/\xff\"}")}) {
    EXPECT_EQ(code(body), ErrorCode::kInvalidArgument) << body;
  }
  EXPECT_EQ(error_of([] {
              parse_webhook_event(WebhookProvider::kGeneric, request({}, "not json"));
            }).code(),
            ErrorCode::kInvalidArgument);
}

TEST(Webhook, GitHubFormEncodedPayloads) {
  auto form =
      request({{"X-GitHub-Event", "push"}, {"Content-Type", "application/x-www-form-urlencoded"}},
              "payload=%7B%22ref%22%3A%22refs%2Fheads%2Fmain%22%7D");
  EXPECT_EQ(parse_webhook_event(WebhookProvider::kGitHub, form).ref, "refs/heads/main");
  form.body = "other=1";
  EXPECT_EQ(error_of([&] { parse_webhook_event(WebhookProvider::kGitHub, form); }).code(),
            ErrorCode::kInvalidArgument);
}

TEST(Webhook, PushesMatchWhatTheSourceFollows) {
  EXPECT_TRUE(webhook_push_matches("refs/heads/main", "main", false));
  EXPECT_FALSE(webhook_push_matches("refs/heads/dev", "main", false));
  EXPECT_FALSE(webhook_push_matches("refs/heads/main2", "main", false));
  EXPECT_FALSE(webhook_push_matches("refs/heads/feature/main", "main", false));
  EXPECT_FALSE(webhook_push_matches("refs/tags/main", "main", false));
  EXPECT_FALSE(webhook_push_matches("main", "main", false));
  EXPECT_TRUE(webhook_push_matches("refs/heads/feature/x", "feature/x", false));
  EXPECT_TRUE(webhook_push_matches("refs/tags/v1.2.0", "", true));
  EXPECT_FALSE(webhook_push_matches("refs/heads/main", "", true));
  EXPECT_FALSE(webhook_push_matches("refs/heads/main", "", false));  // pinned to a commit
  EXPECT_FALSE(webhook_push_matches("refs/tags/v1", "", false));
  // A generic push without a ref.
  EXPECT_TRUE(webhook_push_matches("", "main", false));
  EXPECT_TRUE(webhook_push_matches("", "", true));
  EXPECT_FALSE(webhook_push_matches("", "", false));
}

TEST(Webhook, PathsAreKeyedHmacs) {
  const std::string path = webhook_path("shop/platform", "token");
  EXPECT_EQ(path, "/hook/" + to_hex(hmac_sha256("token", "sluice.dev/webhook/shop/platform")));
  EXPECT_EQ(path.size(), 6U + 64U);
  EXPECT_EQ(webhook_path("shop/platform", "token"), path);  // stable
  EXPECT_NE(webhook_path("shop/platform", "token2"), path);
  EXPECT_NE(webhook_path("shop/platform2", "token"), path);
  EXPECT_NE(webhook_path("shop2/platform", "token"), path);
}

}  // namespace
}  // namespace sluice::server
