#include "api/application.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace sluice::api {
namespace {

Object application(Json spec) {
  return Object(Json{{"apiVersion", "sluice.dev/v1alpha1"},
                     {"kind", "Application"},
                     {"metadata", {{"name", "shop"}, {"namespace", "shop"}}},
                     {"spec", std::move(spec)}});
}

std::string refusal(Json spec) {
  try {
    parse_application_spec(application(std::move(spec)));
  } catch (const Error& e) {
    return e.message();
  }
  return "accepted";
}

TEST(Application, ReadsEveryField) {
  const ApplicationSpec spec = parse_application_spec(application({
      {"sourceRef", {{"kind", "GitSource"}, {"name", "platform"}, {"namespace", "infra"}}},
      {"path", "./apps/shop/overlays/prod"},
      {"interval", "5m"},
      {"retryInterval", "30s"},
      {"timeout", "2m"},
      {"prune", true},
      {"wait", true},
      {"force", true},
      {"suspend", false},
      {"targetNamespace", "shop"},
      {"serviceAccountName", "deployer"},
      {"dependsOn", {{{"name", "infra"}}, {{"name", "crds"}, {"namespace", "platform"}}}},
      {"drift", "Report"},
      {"postBuild",
       {{"substitute", {{"CLUSTER", "prod"}}},
        {"substituteFrom", {{{"kind", "ConfigMap"}, {"name", "vars"}, {"optional", true}}}}}},
  }));
  EXPECT_EQ(spec.source_ref.name, "platform");
  EXPECT_EQ(spec.source_ref.namespace_, "infra");
  EXPECT_EQ(spec.path, "./apps/shop/overlays/prod");
  EXPECT_EQ(spec.effective_retry_interval(), std::chrono::seconds(30));
  EXPECT_EQ(spec.effective_timeout(), std::chrono::minutes(2));
  EXPECT_TRUE(spec.prune && spec.wait && spec.force && !spec.suspend);
  EXPECT_EQ(spec.target_namespace, "shop");
  EXPECT_EQ(spec.service_account_name, "deployer");
  ASSERT_EQ(spec.depends_on.size(), 2U);
  EXPECT_EQ(spec.depends_on[1].namespace_, "platform");
  EXPECT_EQ(spec.drift, DriftMode::kReport);
  EXPECT_EQ(spec.substitute.at("CLUSTER"), "prod");
  ASSERT_EQ(spec.substitute_from.size(), 1U);
  EXPECT_TRUE(spec.substitute_from[0].optional);
}

TEST(Application, DefaultsFollowFlux) {
  const ApplicationSpec spec =
      parse_application_spec(application({{"sourceRef", {{"name", "platform"}}}}));
  EXPECT_EQ(spec.source_ref.kind, "GitSource");
  EXPECT_EQ(spec.path, "./");
  EXPECT_EQ(spec.interval, std::chrono::minutes(5));
  EXPECT_EQ(spec.effective_retry_interval(), std::chrono::minutes(5));
  EXPECT_EQ(spec.effective_timeout(), std::chrono::minutes(5));
  EXPECT_FALSE(spec.prune);
  EXPECT_EQ(spec.drift, DriftMode::kCorrect);
}

TEST(Application, RefusesWhatTheCrdRefuses) {
  EXPECT_EQ(refusal(Json::object()), "spec.sourceRef: required");
  EXPECT_EQ(refusal({{"sourceRef", {{"kind", "Bucket"}, {"name", "x"}}}}),
            "spec.sourceRef.kind: \"Bucket\" is not one of \"GitSource\"");
  EXPECT_EQ(refusal({{"sourceRef", {{"name", "x"}}}, {"drift", "Ignore"}}),
            "spec.drift: \"Ignore\" is not one of \"Correct\", \"Report\"");
  EXPECT_EQ(refusal({{"sourceRef", {{"name", "x"}}}, {"targetNamespace", "a.b"}}),
            "spec.targetNamespace: \"a.b\" does not match ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
  EXPECT_EQ(refusal({{"sourceRef", {{"name", "x"}}}, {"dependsOn", {{{"namespace", "x"}}}}}),
            "spec.dependsOn[0].name: required");
  EXPECT_EQ(refusal({{"sourceRef", {{"name", "x"}}},
                     {"postBuild", {{"substituteFrom", {{{"kind", "Pod"}, {"name", "x"}}}}}}}),
            "spec.postBuild.substituteFrom[0].kind: \"Pod\" is not one of \"ConfigMap\", "
            "\"Secret\"");
  EXPECT_EQ(refusal({{"sourceRef", {{"name", "x"}}}, {"timeout", "0s"}}),
            "spec.timeout: must be longer than 0s");
}

}  // namespace
}  // namespace sluice::api
