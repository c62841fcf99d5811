#include "server/status_page_view.h"

#include <string>

#include <gtest/gtest.h>

#include "core/error.h"

namespace sluice::server {
namespace {

StatusEvent event(const std::string& reason, const std::string& note = "") {
  StatusEvent out;
  out.reason = reason;
  out.note = note;
  return out;
}

Json condition(const std::string& type, const std::string& status, const std::string& time,
               const std::string& message = "") {
  return Json{{"type", type},
              {"status", status},
              {"reason", type + "Reason"},
              {"message", message},
              {"lastTransitionTime", time}};
}

Json application(const std::string& ns, const std::string& name) {
  return Json{{"apiVersion", "sluice.dev/v1"},
              {"kind", "Application"},
              {"metadata", {{"namespace", ns}, {"name", name}}},
              {"spec", {{"sourceRef", {{"kind", "GitSource"}, {"name", "repo"}}}, {"path", "./"}}},
              {"status",
               {{"lastAppliedRevision", "main@sha1:abc"},
                {"conditions", Json::array({condition("Healthy", "True", "2026-01-01T00:00:03Z"),
                                            condition("Custom", "True", "2026-01-01T00:00:01Z"),
                                            condition("Ready", "True", "2026-01-01T00:00:02Z"),
                                            condition("Verified", "True", "2026-01-01T00:00:00Z",
                                                      "allowed; policy p")})}}}};
}

Json git_source(const std::string& ns, const std::string& name) {
  return Json{{"metadata", {{"namespace", ns}, {"name", name}}},
              {"spec",
               {{"url", "https://git:s3cr3t-token@git.example/team/app.git"},
                {"ref", {{"branch", "main"}}},
                {"secretRef", {{"name", "git-credentials"}}},
                {"webhook", {{"secretRef", {{"name", "hook-token"}}}}}}},
              {"status",
               {{"artifact", {{"revision", "main@sha1:abc"}}},
                {"webhookPath", "/hook/0123abcd-secret-path"},
                {"verification",
                 {{"method", "ssh"}, {"signer", "alice"}, {"fingerprint", "SHA256:xyz"}}}}}};
}

TEST(StatusView, OrdersObjectsByNamespaceAndNameAndConditionsReadyFirst) {
  StatusInputs inputs;
  inputs.applications = {application("b", "x"), application("a", "z"), application("a", "y")};
  const Json view = status_view(inputs);
  ASSERT_EQ(view["applications"].size(), 3U);
  EXPECT_EQ(view["applications"][0]["key"], "a/y");
  EXPECT_EQ(view["applications"][1]["key"], "a/z");
  EXPECT_EQ(view["applications"][2]["key"], "b/x");
  const Json& conditions = view["applications"][0]["conditions"];
  ASSERT_EQ(conditions.size(), 4U);
  EXPECT_EQ(conditions[0]["type"], "Ready");
  EXPECT_EQ(conditions[1]["type"], "Verified");
  EXPECT_EQ(conditions[2]["type"], "Healthy");
  EXPECT_EQ(conditions[3]["type"], "Custom");
  EXPECT_EQ(view["summary"]["applications"], 3);
  EXPECT_EQ(view["summary"]["ready"], 3);
  EXPECT_EQ(view["summary"]["notReady"], 0);
}

TEST(StatusView, ShowsRevisionReadyLastReconcileInventoryDriftAndVerification) {
  StatusInputs inputs;
  Json app = application("team", "web");
  app["status"]["history"] = Json::array({{{"time", "2026-01-01T00:00:09Z"}}});
  app["status"]["inventory"]["entries"] = Json::array();
  for (int i = 0; i < 150; ++i) {
    app["status"]["inventory"]["entries"].push_back(
        {{"id", "team_cm" + std::to_string(i) + "__"}, {"v", "v1"}});
  }
  app["status"]["drift"] = {{"action", "Correct"},
                            {"count", 1},
                            {"time", "2026-01-01T00:00:05Z"},
                            {"objects", Json::array({"apps/v1/Deployment/team/web"})},
                            {"fields", Json::array({{{"object", "apps/v1/Deployment/team/web"},
                                                     {"paths", Json::array({"spec.replicas"})}}})}};
  inputs.applications = {app};
  inputs.sources = {git_source("team", "repo")};
  const Json view = status_view(inputs);
  const Json& web = view["applications"][0];
  EXPECT_EQ(web["revision"], "main@sha1:abc");
  EXPECT_EQ(web["ready"]["status"], "True");
  EXPECT_EQ(web["lastReconcile"], "2026-01-01T00:00:09Z");  // the history's, newer than any
  EXPECT_EQ(web["inventory"]["count"], 150);
  EXPECT_EQ(web["inventory"]["items"].size(), kMaxListed);
  EXPECT_EQ(web["inventory"]["items"][0], "team_cm0__");
  EXPECT_EQ(web["drift"]["count"], 1);
  EXPECT_EQ(web["drift"]["fields"][0]["paths"]["items"][0], "spec.replicas");
  EXPECT_EQ(web["verification"]["condition"]["status"], "True");
  EXPECT_EQ(web["verification"]["condition"]["message"], "allowed; policy p");
  EXPECT_EQ(web["verification"]["source"]["signer"], "alice");
  EXPECT_EQ(web["verification"]["source"]["fingerprint"], "SHA256:xyz");
  EXPECT_EQ(web["source"]["key"], "team/repo");
}

TEST(StatusView, AbsentStatusIsUnknownNotAnError) {
  StatusInputs inputs;
  inputs.applications = {Json{{"metadata", {{"namespace", "n"}, {"name", "new"}}}}};
  inputs.sources = {Json{{"metadata", {{"namespace", "n"}, {"name", "s"}}}}};
  inputs.policies = {Json{{"metadata", {{"name", "p"}}}, {"spec", {{"mode", "Audit"}}}}};
  const Json view = status_view(inputs);
  EXPECT_EQ(view["applications"][0]["ready"]["status"], "Unknown");
  EXPECT_EQ(view["applications"][0]["inventory"]["count"], 0);
  EXPECT_TRUE(view["applications"][0]["drift"].is_null());
  EXPECT_TRUE(view["sources"][0]["verification"].is_null());
  EXPECT_EQ(view["policies"][0]["mode"], "Audit");
  EXPECT_EQ(view["summary"]["notReady"], 1);
}

TEST(StatusView, NoSecretValuesReachTheDocument) {
  StatusInputs inputs;
  Json app = application("team", "web");
  app["spec"]["postBuild"] = {
      {"substitute", {{"DB_PASSWORD", "hunter2-value"}}},
      {"substituteFrom", Json::array({{{"kind", "Secret"}, {"name", "vars-secret"}}})}};
  app["status"]["data"] = {{"password", "c2VjcmV0LWJ5dGVz"}};  // whatever lands in status
  inputs.applications = {app};
  inputs.sources = {git_source("team", "repo")};
  inputs.events = {event("Applied", "applied 3 objects")};
  const std::string text = status_json(status_view(inputs));
  for (const char* secret : {"s3cr3t-token", "git:", "hunter2-value", "c2VjcmV0LWJ5dGVz",
                             "0123abcd-secret-path", "hook-token"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in " << text;
  }
  // References by name are shown: they say where the credentials come from, not what they are.
  const Json view = Json::parse(text);
  EXPECT_EQ(view["sources"][0]["secretRef"], "git-credentials");
  EXPECT_EQ(view["sources"][0]["url"], "https://git.example/team/app.git");
}

TEST(StatusView, RedactsUserinfoFromUrls) {
  EXPECT_EQ(redact_url("https://u:p@host:8443/a/b.git?x=1"), "https://host:8443/a/b.git?x=1");
  EXPECT_EQ(redact_url("https://host/a@b.git"), "https://host/a@b.git");
  EXPECT_EQ(redact_url("ssh://git@host/repo.git"), "ssh://host/repo.git");
  EXPECT_EQ(redact_url("git@github.com:org/repo.git"), "github.com:org/repo.git");
  EXPECT_EQ(redact_url("https://a:b@c@host"), "https://host");
  EXPECT_EQ(redact_url("/local/path"), "/local/path");
}

TEST(StatusView, TextIsEscapedCutAndNeverThrowsOnBadUtf8) {
  StatusInputs inputs;
  Json app = application("ns", "<script>alert(1)</script>");
  app["status"]["conditions"][2]["message"] = std::string(5000, 'm') + "\xff\xfe & <b>";
  inputs.applications = {app};
  std::string text;
  ASSERT_NO_THROW(text = status_json(status_view(inputs)));
  EXPECT_EQ(text.find('<'), std::string::npos);
  EXPECT_EQ(text.find('>'), std::string::npos);
  EXPECT_EQ(text.find('&'), std::string::npos);
  EXPECT_NE(text.find("\\u003cscript\\u003e"), std::string::npos);
  const Json view = Json::parse(text);  // still valid JSON, the same data
  EXPECT_EQ(view["applications"][0]["name"], "<script>alert(1)</script>");
  EXPECT_LE(view["applications"][0]["ready"]["message"].get<std::string>().size(), kMaxText + 3);
}

TEST(StatusView, CutTextKeepsUtf8SequencesWhole) {
  EXPECT_EQ(cut_text("short", 10), "short");
  EXPECT_EQ(cut_text("abcdef", 3), "abc\u2026");
  // "é" is two bytes: a cut after its first byte backs off before it.
  EXPECT_EQ(cut_text("ab\xc3\xa9xyz", 3), "ab\u2026");
  EXPECT_EQ(cut_text("ab\xc3\xa9xyz", 4), "ab\xc3\xa9\u2026");
}

TEST(StatusView, CapsTheNumberOfObjects) {
  StatusInputs inputs;
  for (std::size_t i = 0; i < kMaxObjects + 5; ++i) {
    inputs.applications.push_back(application("ns", "app" + std::to_string(1000 + i)));
  }
  const Json view = status_view(inputs);
  EXPECT_EQ(view["applications"].size(), kMaxObjects);
  EXPECT_TRUE(view["truncated"].get<bool>());
  EXPECT_EQ(view["summary"]["applications"], kMaxObjects + 5);
}

TEST(RecentEvents, KeepsTheNewestUpToItsCapacity) {
  RecentEvents events(3);
  for (int i = 0; i < 5; ++i) events.add(event("R" + std::to_string(i)));
  const auto newest = events.newest_first(10);
  ASSERT_EQ(newest.size(), 3U);
  EXPECT_EQ(newest[0].reason, "R4");
  EXPECT_EQ(newest[2].reason, "R2");
  EXPECT_EQ(events.newest_first(1).size(), 1U);
  events.add(event("Long", std::string(10000, 'n')));
  EXPECT_LE(events.newest_first(1)[0].note.size(), kMaxText + 3);
}

TEST(ServerSentEvents, FramesEveryLineOfDataAndEndsWithABlankLine) {
  EXPECT_EQ(sse_event("status", "{}", 7), "id: 7\nevent: status\ndata: {}\n\n");
  EXPECT_EQ(sse_event("m", "a\nb\r\nc\rd", 1),
            "id: 1\nevent: m\ndata: a\ndata: b\ndata: c\ndata: d\n\n");
  EXPECT_EQ(sse_event("m", "", 2), "id: 2\nevent: m\ndata: \n\n");
  EXPECT_EQ(sse_event("m", "end\n", 3), "id: 3\nevent: m\ndata: end\ndata: \n\n");
  EXPECT_THROW(sse_event("bad\nname", "x", 1), Error);
  EXPECT_EQ(sse_comment("keep-alive"), ": keep-alive\n\n");
  EXPECT_EQ(sse_comment("a\nb"), ": a b\n\n");
}

}  // namespace
}  // namespace sluice::server
