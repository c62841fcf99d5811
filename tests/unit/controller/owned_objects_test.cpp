#include "controller/owned_objects.h"

#include <gtest/gtest.h>

namespace sluice::controller {
namespace {

const Json kDeployment = Json::parse(R"({
  "apiVersion": "apps/v1", "kind": "Deployment",
  "metadata": {"name": "web", "namespace": "shop", "resourceVersion": "5", "generation": 1,
               "labels": {"sluice.dev/application-name": "app",
                          "sluice.dev/application-namespace": "team"}},
  "spec": {"replicas": 2},
  "status": {"readyReplicas": 1}
})");

TEST(OwnedObjects, TheOwnerComesFromTheLabels) {
  EXPECT_EQ(owner_key(kDeployment), "team/app");
  Json unlabelled = kDeployment;
  unlabelled["metadata"]["labels"].erase("sluice.dev/application-namespace");
  EXPECT_EQ(owner_key(unlabelled), "");
}

TEST(OwnedObjects, StatusAndBookkeepingAreNotDrift) {
  Json status = kDeployment;
  status["status"]["readyReplicas"] = 2;
  status["metadata"]["resourceVersion"] = "6";
  status["metadata"]["generation"] = 2;
  status["metadata"]["managedFields"] = Json::array();
  EXPECT_FALSE(changed_beyond_status(kDeployment, status));
  Json scaled = kDeployment;
  scaled["spec"]["replicas"] = 5;
  EXPECT_TRUE(changed_beyond_status(kDeployment, scaled));
  Json annotated = kDeployment;
  annotated["metadata"]["annotations"] = Json{{"a", "b"}};
  EXPECT_TRUE(changed_beyond_status(kDeployment, annotated));
}

}  // namespace
}  // namespace sluice::controller
