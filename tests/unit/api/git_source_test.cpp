#include "api/git_source.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace sluice::api {
namespace {

Object git_source(Json spec) {
  return Object(Json{{"apiVersion", "sluice.dev/v1alpha1"},
                     {"kind", "GitSource"},
                     {"metadata", {{"name", "platform"}, {"namespace", "shop"}}},
                     {"spec", std::move(spec)}});
}

std::string refusal(Json spec) {
  try {
    parse_git_source_spec(git_source(std::move(spec)));
  } catch (const Error& e) {
    return e.message();
  }
  return "accepted";
}

TEST(GitSource, ReadsEveryFieldAndDefaults) {
  const GitSourceSpec spec = parse_git_source_spec(
      git_source({{"url", "ssh://git@git.example.com/org/platform.git"},
                  {"ref", {{"tag", "v1.2.0"}}},
                  {"interval", "2m"},
                  {"secretRef", {{"name", "platform-git"}}},
                  {"ignore", "*.md\n"},
                  {"suspend", true},
                  {"webhook", {{"secretRef", {{"name", "platform-hook"}}}, {"type", "gitlab"}}}}));
  EXPECT_EQ(spec.url, "ssh://git@git.example.com/org/platform.git");
  EXPECT_EQ(spec.ref.tag, "v1.2.0");
  EXPECT_TRUE(spec.ref.branch.empty());
  EXPECT_EQ(spec.interval, std::chrono::minutes(2));
  EXPECT_EQ(spec.timeout, std::chrono::seconds(60));
  EXPECT_EQ(spec.secret_name, "platform-git");
  EXPECT_EQ(spec.ignore, "*.md\n");
  EXPECT_TRUE(spec.suspend);
  ASSERT_TRUE(spec.webhook);
  EXPECT_EQ(spec.webhook->secret_name, "platform-hook");
  EXPECT_EQ(spec.webhook->type, "gitlab");

  const GitSourceSpec minimal = parse_git_source_spec(
      git_source({{"url", "https://git.example.com/x.git"}, {"ref", {{"branch", "main"}}}}));
  EXPECT_EQ(minimal.interval, std::chrono::minutes(1));
  EXPECT_FALSE(minimal.secret_name);
  EXPECT_FALSE(minimal.suspend);
  EXPECT_FALSE(minimal.webhook);

  const GitSourceSpec detected =
      parse_git_source_spec(git_source({{"url", "https://git.example.com/x.git"},
                                        {"ref", {{"branch", "main"}}},
                                        {"webhook", {{"secretRef", {{"name", "hook"}}}}}}));
  ASSERT_TRUE(detected.webhook);
  EXPECT_EQ(detected.webhook->type, "");
}

TEST(GitSource, RefusesWhatTheCrdRefuses) {
  const Json ref{{"branch", "main"}};
  EXPECT_EQ(refusal({{"ref", ref}}), "spec.url: required");
  EXPECT_EQ(refusal({{"url", "ftp://x/y"}, {"ref", ref}}),
            "spec.url: \"ftp://x/y\" does not match ^(https?|ssh|git|file)://.+$");
  EXPECT_EQ(refusal({{"url", "https://x/y"}, {"ref", {{"branch", "main"}, {"tag", "v1"}}}}),
            "spec.ref: exactly one of branch, tag, semver, commit must be set");
  EXPECT_EQ(refusal({{"url", "https://x/y"}, {"ref", Json::object()}}),
            "spec.ref: exactly one of branch, tag, semver, commit must be set");
  EXPECT_EQ(refusal({{"url", "https://x/y"}, {"ref", {{"commit", "abc"}}}}),
            "spec.ref.commit: \"abc\" does not match ^[0-9a-fA-F]{40}$");
  EXPECT_EQ(refusal({{"url", "https://x/y"}, {"ref", ref}, {"interval", "soon"}}),
            "spec.interval: \"soon\" does not match ^([0-9]+(\\.[0-9]+)?(ns|us|ms|s|m|h))+$");
  EXPECT_EQ(refusal({{"url", "https://x/y"}, {"ref", ref}, {"branch", "main"}}),
            "spec: unknown field \"branch\"");
  EXPECT_EQ(refusal({{"url", "https://x/y"}, {"ref", ref}, {"secretRef", {{"name", "Bad_Name"}}}}),
            "spec.secretRef.name: \"Bad_Name\" does not match ^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$");
  EXPECT_EQ(refusal({{"url", "https://x/y"}, {"ref", ref}, {"webhook", Json::object()}}),
            "spec.webhook.secretRef: required");
  EXPECT_EQ(refusal({{"url", "https://x/y"},
                     {"ref", ref},
                     {"webhook", {{"secretRef", {{"name", "hook"}}}, {"type", "bitbucket"}}}}),
            "spec.webhook.type: \"bitbucket\" is not one of \"github\", \"gitlab\", \"gitea\", "
            "\"generic\"");
  EXPECT_EQ(refusal(Json()), "spec: required");
}

TEST(GitSource, StatusSchemaDeclaresWhatTheControllerWrites) {
  EXPECT_NE(git_source_status_schema().property("artifact"), nullptr);
  EXPECT_NE(git_source_status_schema().property("verification"), nullptr);
  EXPECT_NE(git_source_status_schema().property("conditions"), nullptr);
  EXPECT_NE(git_source_status_schema().property("webhookPath"), nullptr);
}

}  // namespace
}  // namespace sluice::api
