#include "policy/pod_specs.h"

#include <gtest/gtest.h>

#include "policy_test_support.h"

namespace sluice::policy {
namespace {

using testing::object;
using testing::objects;

std::vector<std::string> container_paths(const Object& workload) {
  std::vector<std::string> paths;
  for (const PodSpec& pod : pod_specs(workload)) {
    for (const Container& container : containers(pod)) {
      paths.push_back(container.path + "=" + container.name);
    }
  }
  return paths;
}

TEST(PodSpecs, EveryWorkloadKind) {
  const std::vector<Object> manifests = objects(testing::testdata("workloads.yaml"));
  std::map<std::string, std::string> paths;
  for (const Object& manifest : manifests) {
    for (const PodSpec& pod : pod_specs(manifest)) paths[manifest.kind()] = pod.path;
  }
  const std::map<std::string, std::string> expected{
      {"Pod", "spec"},
      {"Deployment", "spec.template.spec"},
      {"StatefulSet", "spec.template.spec"},
      {"DaemonSet", "spec.template.spec"},
      {"ReplicaSet", "spec.template.spec"},
      {"ReplicationController", "spec.template.spec"},
      {"Job", "spec.template.spec"},
      {"CronJob", "spec.jobTemplate.spec.template.spec"},
      {"PodTemplate", "template.spec"},
  };
  EXPECT_EQ(paths, expected);  // and nothing for the ConfigMap
}

TEST(PodSpecs, ContainersInitAndEphemeralInOrder) {
  const std::vector<Object> manifests = objects(testing::testdata("workloads.yaml"));
  EXPECT_EQ(container_paths(manifests.front()),
            (std::vector<std::string>{"spec.containers[0]=main", "spec.initContainers[0]=init",
                                      "spec.ephemeralContainers[0]=debug"}));
}

TEST(PodSpecs, KindsAreRecognisedInAnyGroup) {
  EXPECT_EQ(container_paths(object(R"(
apiVersion: example.com/v1
kind: Deployment
metadata: {name: look-alike}
spec: {template: {spec: {containers: [{name: c, image: x}]}}}
)")),
            std::vector<std::string>{"spec.template.spec.containers[0]=c"});
}

TEST(PodSpecs, ToleratesMalformedShapes) {
  EXPECT_TRUE(pod_specs(object("{kind: Deployment, spec: {template: {spec: []}}}")).empty());
  EXPECT_TRUE(pod_specs(object("{kind: Deployment, spec: 3}")).empty());
  EXPECT_TRUE(pod_specs(object("{kind: 7, spec: {}}")).empty());
  EXPECT_TRUE(pod_specs(object("{metadata: {name: x}}")).empty());
  // Non-object entries are skipped but keep their index in later paths.
  EXPECT_EQ(container_paths(object("{kind: Pod, spec: {containers: [3, {image: x}], "
                                   "initContainers: {a: b}}}")),
            std::vector<std::string>{"spec.containers[1]="});
}

}  // namespace
}  // namespace sluice::policy
