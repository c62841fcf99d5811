#include "policy/images.h"

#include <gtest/gtest.h>

#include "policy_test_support.h"

namespace sluice::policy {
namespace {

using testing::object;
using testing::objects;

TEST(Images, CollectsEveryContainerImageNormalisedAndDeduplicated) {
  const std::vector<ImageUse> images = collect_images(objects(testing::testdata("workloads.yaml")));
  std::vector<std::string> references;
  for (const ImageUse& image : images) {
    ASSERT_TRUE(image.reference) << image.problem;
    references.push_back(image.reference->to_string());
  }
  EXPECT_EQ(references, (std::vector<std::string>{
                            "docker.io/library/nginx:latest",
                            "docker.io/library/busybox:1.36",
                            "ghcr.io/org/debug:1",
                            "registry.example.com/shop/web:1.0",
                            "docker.io/library/postgres:16",
                            "quay.io/org/agent:2",
                            "registry.example.com/shop/rs:1",
                            "registry.example.com/shop/rc:1",
                            "registry.example.com/shop/migrate:1",
                            "registry.example.com/shop/backup:1",
                            "registry.example.com/shop/template:1",
                        }));
  // "nginx" (Pod) and "docker.io/library/nginx:latest" (Deployment) are one image.
  EXPECT_EQ(images.front().uses, 2U);
  EXPECT_EQ(images.front().written, "nginx");
  EXPECT_EQ(images.front().object, "Pod/shop/pod");
  EXPECT_EQ(images.front().field, "spec.containers[0].image");
  EXPECT_EQ(images.front().description(), "image docker.io/library/nginx:latest");
}

TEST(Images, InvalidReferencesAreKeptWithTheirProblem) {
  const std::vector<ImageUse> images = collect_images({object(R"(
kind: Pod
metadata: {name: p}
spec:
  containers:
  - {name: a, image: "Bad/Name"}
  - {name: b, image: 42}
  - {name: c}
  - {name: d, image: null}
)")});
  ASSERT_EQ(images.size(), 2U);
  EXPECT_FALSE(images[0].reference);
  EXPECT_NE(images[0].problem.find("must be lower-case"), std::string::npos);
  EXPECT_EQ(images[0].description(), "image Bad/Name");
  EXPECT_FALSE(images[1].reference);
  EXPECT_EQ(images[1].problem, "image must be a string, not number");
  EXPECT_EQ(images[1].field, "spec.containers[1].image");
}

TEST(Images, DescribeObject) {
  EXPECT_EQ(describe_object(object("{kind: Deployment, metadata: {name: web, namespace: shop}}")),
            "Deployment/shop/web");
  EXPECT_EQ(describe_object(object("{kind: ClusterRole, metadata: {name: admin}}")),
            "ClusterRole/admin");
  EXPECT_EQ(describe_object(object("{metadata: {name: 3}}")), "<no kind>/");
}

}  // namespace
}  // namespace sluice::policy
