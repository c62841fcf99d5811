// Discovery and REST mapping against the real kube-apiserver of tests/env.
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "core/error.h"
#include "kube/client.h"
#include "kube/config.h"
#include "kube/discovery.h"
#include "test_env.h"

namespace sluice::testing {
namespace {

using kube::Client;
using kube::RestMapper;

class KubeDiscoveryTest : public EnvTest {
 protected:
  Client admin() const { return Client(kube::load_kubeconfig(env().var("KUBECONFIG"))); }
};

TEST_F(KubeDiscoveryTest, MapsCoreAndGroupKinds) {
  const Client client = admin();
  RestMapper mapper(client);
  const kube::Resource cm = mapper.resource_for({"", "v1", "ConfigMap"});
  EXPECT_EQ(cm.resource, "configmaps");
  EXPECT_TRUE(cm.namespaced);
  const kube::Resource namespaces = mapper.resource_for({"", "v1", "Namespace"});
  EXPECT_EQ(namespaces.resource, "namespaces");
  EXPECT_FALSE(namespaces.namespaced);
  const kube::Resource deployments = mapper.resource_for({"apps", "v1", "Deployment"});
  EXPECT_EQ(deployments.group, "apps");
  EXPECT_EQ(deployments.resource, "deployments");
  EXPECT_TRUE(deployments.namespaced);
  EXPECT_EQ(mapper.refresh_count(), 1);
  // The mapping is usable as is.
  EXPECT_EQ(client.get(namespaces, "", ns())["metadata"]["name"], ns());
  EXPECT_TRUE(client.list(deployments, ns()).items.empty());
}

TEST_F(KubeDiscoveryTest, UnknownKindIsNotFound) {
  RestMapper mapper(admin());
  try {
    mapper.resource_for({"nothing.sluice.test", "v1", "Nonexistent"});
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
    EXPECT_NE(e.message().find("nothing.sluice.test/v1, Kind=Nonexistent"), std::string::npos)
        << e.message();
  }
}

TEST_F(KubeDiscoveryTest, CrdCreatedAfterFirstUseIsFoundAfterARefresh) {
  const Client client = admin();
  RestMapper mapper(client, {.min_refresh_interval = std::chrono::milliseconds(200),
                             .clock = runtime::SystemClock::instance()});
  mapper.resource_for({"", "v1", "ConfigMap"});
  const std::string group = ns() + ".sluice.test";
  const GroupVersionKind gadget{group, "v1", "Gadget"};
  EXPECT_THROW(mapper.resource_for(gadget), Error);

  const kube::Resource crds{.group = "apiextensions.k8s.io",
                            .version = "v1",
                            .resource = "customresourcedefinitions",
                            .namespaced = false};
  const Json crd = {
      {"apiVersion", "apiextensions.k8s.io/v1"},
      {"kind", "CustomResourceDefinition"},
      {"metadata", {{"name", "gadgets." + group}}},
      {"spec",
       {{"group", group},
        {"scope", "Cluster"},
        {"names", {{"plural", "gadgets"}, {"singular", "gadget"}, {"kind", "Gadget"}}},
        {"versions",
         {{{"name", "v1"},
           {"served", true},
           {"storage", true},
           {"schema",
            {{"openAPIV3Schema",
              {{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}}}}}}}}}}};
  client.apply(crds, "", "gadgets." + group, crd);

  // The apiserver publishes a new CRD in discovery a moment after accepting it.
  const int refreshes_before = mapper.refresh_count();
  kube::Resource found;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    try {
      found = mapper.resource_for(gadget);
      break;
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kNotFound || std::chrono::steady_clock::now() > deadline) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
  }
  EXPECT_GT(mapper.refresh_count(), refreshes_before);
  EXPECT_EQ(found.group, group);
  EXPECT_EQ(found.resource, "gadgets");
  EXPECT_FALSE(found.namespaced);
  client.remove(crds, "", "gadgets." + group);
}

}  // namespace
}  // namespace sluice::testing
