// Discovery parsing and RestMapper caching, on discovery documents recorded from the test
// environment's kube-apiserver v1.34.4 (testdata/discovery: `kubectl get --raw /api` etc.).
#include "kube/discovery.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>

#include <gtest/gtest.h>

#include "core/error.h"
#include "runtime/clock.h"

namespace sluice::kube {
namespace {

const std::filesystem::path kDiscovery = std::filesystem::path(SLUICE_TESTDATA_DIR) / "discovery";

Json recorded(const std::string& file) {
  std::ifstream in(kDiscovery / file);
  return Json::parse(in);
}

std::vector<ApiResource> recorded_resources() {
  auto all = parse_resource_list(recorded("api_v1.json"), "/api/v1");
  for (auto& r : parse_resource_list(recorded("apis_apps_v1.json"), "/apis/apps/v1")) {
    all.push_back(std::move(r));
  }
  return all;
}

TEST(DiscoveryTest, CoreVersions) {
  EXPECT_EQ(parse_core_versions(recorded("api.json"), "/api"), std::vector<std::string>{"v1"});
}

TEST(DiscoveryTest, GroupVersionsListPreferredFirst) {
  const auto versions = parse_group_versions(recorded("apis.json"), "/apis");
  const auto at = [&](const std::string& gv) {
    return std::find(versions.begin(), versions.end(), gv) - versions.begin();
  };
  ASSERT_LT(static_cast<std::size_t>(at("apps/v1")), versions.size());
  ASSERT_LT(static_cast<std::size_t>(at("apiextensions.k8s.io/v1")), versions.size());
  ASSERT_LT(static_cast<std::size_t>(at("coordination.k8s.io/v1")), versions.size());
  EXPECT_EQ(std::count(versions.begin(), versions.end(), "apps/v1"), 1);
}

TEST(DiscoveryTest, ResourceListSkipsSubresourcesAndKeepsScope) {
  const auto resources = parse_resource_list(recorded("api_v1.json"), "/api/v1");
  const auto find = [&](const std::string& name) {
    return std::find_if(resources.begin(), resources.end(),
                        [&](const ApiResource& r) { return r.resource.resource == name; });
  };
  ASSERT_NE(find("configmaps"), resources.end());
  EXPECT_EQ(find("configmaps")->gvk, (GroupVersionKind{"", "v1", "ConfigMap"}));
  EXPECT_TRUE(find("configmaps")->resource.namespaced);
  ASSERT_NE(find("namespaces"), resources.end());
  EXPECT_FALSE(find("namespaces")->resource.namespaced);
  EXPECT_NE(std::find(find("namespaces")->verbs.begin(), find("namespaces")->verbs.end(), "list"),
            find("namespaces")->verbs.end());
  EXPECT_EQ(find("pods/log"), resources.end());
  EXPECT_EQ(find("namespaces/status"), resources.end());
}

TEST(DiscoveryTest, MalformedDocumentNamesThePath) {
  try {
    parse_resource_list(Json{{"groupVersion", "v1"}, {"resources", "nope"}}, "/api/v1");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(e.message().find("/api/v1"), std::string::npos) << e.message();
  }
}

struct CountingDiscovery {
  std::shared_ptr<int> calls = std::make_shared<int>(0);
  std::shared_ptr<std::vector<ApiResource>> served =
      std::make_shared<std::vector<ApiResource>>(recorded_resources());
  RestMapper::Discover discover() const {
    return [calls = calls, served = served] {
      ++*calls;
      return *served;
    };
  }
};

TEST(RestMapperTest, MapsCoreAndGroupKindsWithOneDiscovery) {
  CountingDiscovery source;
  RestMapper mapper(source.discover());
  const Resource cm = mapper.resource_for({"", "v1", "ConfigMap"});
  EXPECT_EQ(cm.resource, "configmaps");
  EXPECT_TRUE(cm.namespaced);
  const Resource ns = mapper.resource_for({"", "v1", "Namespace"});
  EXPECT_EQ(ns.resource, "namespaces");
  EXPECT_FALSE(ns.namespaced);
  const Resource deploy = mapper.resource_for({"apps", "v1", "Deployment"});
  EXPECT_EQ(deploy.collection_path("x"), "/apis/apps/v1/namespaces/x/deployments");
  EXPECT_EQ(*source.calls, 1);
}

TEST(RestMapperTest, MissRefreshesOnceThenRateLimits) {
  CountingDiscovery source;
  auto clock = std::make_shared<runtime::ManualClock>();
  RestMapper mapper(source.discover(),
                    {.min_refresh_interval = std::chrono::seconds(10), .clock = clock});
  mapper.resource_for({"", "v1", "ConfigMap"});
  ASSERT_EQ(*source.calls, 1);

  // A kind that appears later (a CRD) is found once the interval since the last discovery has
  // passed; before that, misses fail from the cache without discovering.
  const GroupVersionKind widget{"example.com", "v1", "Widget"};
  source.served->push_back({.gvk = widget,
                            .resource = {.group = "example.com",
                                         .version = "v1",
                                         .resource = "widgets",
                                         .namespaced = true},
                            .verbs = {}});
  clock->advance(std::chrono::seconds(9));
  for (int i = 0; i < 100; ++i) {
    try {
      mapper.resource_for(widget);
      ADD_FAILURE() << "found before a refresh";
    } catch (const Error& e) {
      ASSERT_EQ(e.code(), ErrorCode::kNotFound);
      EXPECT_NE(e.message().find("example.com/v1, Kind=Widget"), std::string::npos) << e.message();
    }
  }
  EXPECT_EQ(*source.calls, 1);
  clock->advance(std::chrono::seconds(1));
  EXPECT_EQ(mapper.resource_for(widget).resource, "widgets");
  EXPECT_EQ(*source.calls, 2);

  // Still unknown after a refresh: kNotFound, and one discovery per interval at most.
  clock->advance(std::chrono::seconds(10));
  EXPECT_THROW(mapper.resource_for({"example.com", "v1", "Gadget"}), Error);
  EXPECT_THROW(mapper.resource_for({"example.com", "v1", "Gadget"}), Error);
  EXPECT_EQ(*source.calls, 3);
  EXPECT_EQ(mapper.refresh_count(), 3);
}

TEST(RestMapperTest, FailedDiscoveryIsRateLimitedToo) {
  int calls = 0;
  auto clock = std::make_shared<runtime::ManualClock>();
  RestMapper mapper(
      [&calls]() -> std::vector<ApiResource> {
        ++calls;
        throw Error(ErrorCode::kUnavailable, "GET /api: connection refused");
      },
      {.min_refresh_interval = std::chrono::seconds(10), .clock = clock});
  try {
    mapper.resource_for({"", "v1", "ConfigMap"});
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
  }
  EXPECT_THROW(mapper.resource_for({"", "v1", "ConfigMap"}), Error);
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace sluice::kube
