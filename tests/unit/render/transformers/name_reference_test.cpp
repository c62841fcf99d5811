#include "render/transformers/name_reference.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/yaml_reader.h"
#include "render/transformers/namespace.h"
#include "render/transformers/prefix_suffix.h"
#include "transformers/golden_test_support.h"

namespace sluice::render::transformers {
namespace {

// The history kustomize keeps for a resource that was loaded as is and never transformed.
std::vector<NameHistory> untouched(const std::vector<Object>& objects) {
  std::vector<NameHistory> history;
  for (const Object& object : objects) history.push_back({{}, object.namespace_name(), {}, {}});
  return history;
}

// `namespace: tenant-a` then `namePrefix: p-`, recording what kustomize records: the namespace
// transformer stores every resource's name, the prefix the name it replaces.
TEST(NameReferenceTransformerTest, MatchesKustomizeGolden) {
  std::vector<Object> objects = testing::golden_input("name_reference");
  std::vector<NameHistory> history = untouched(objects);
  for (std::size_t i = 0; i < objects.size(); ++i) {
    history[i].previous_names.push_back(objects[i].name());
  }
  set_namespace(objects, "tenant-a");
  std::vector<std::string> before;
  for (const Object& object : objects) before.push_back(object.name());
  add_affix(objects, "p-", true, {{"", "", "", "metadata/name", false}}, {});
  for (std::size_t i = 0; i < objects.size(); ++i) {
    if (objects[i].name() == before[i]) continue;
    history[i].previous_names.push_back(before[i]);
    history[i].prefixes.push_back("p-");
  }
  fix_name_references(objects, history);
  EXPECT_EQ(testing::print(objects), testing::golden_expected("name_reference"));
}

constexpr const char* kTwoConfigMaps = R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: settings-a
  namespace: a
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings-b
  namespace: b
---
apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: b
spec:
  volumes:
  - name: v
    configMap:
      name: settings
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: reader
rules:
- resourceNames: [settings]
)";

TEST(NameReferenceTransformerTest, PrefersTheCandidateInTheReferrersNamespace) {
  std::vector<Object> objects = testing::objects_of(kTwoConfigMaps);
  std::vector<NameHistory> history = untouched(objects);
  history[0] = {{"settings"}, "a", {}, {"-a"}};
  history[1] = {{"settings"}, "b", {}, {"-b"}};
  fix_name_references(objects, history);
  EXPECT_EQ(objects[2].json()["spec"]["volumes"][0]["configMap"]["name"], "settings-b");
  // The cluster-scoped ClusterRole sees both; neither has its (empty) suffixes, so neither.
  EXPECT_EQ(objects[3].json()["rules"][0]["resourceNames"][0], "settings");
}

TEST(NameReferenceTransformerTest, AmbiguousReferralIsAnError) {
  std::vector<Object> objects = testing::objects_of(kTwoConfigMaps);
  std::vector<NameHistory> history = untouched(objects);
  history[0] = {{"settings"}, "a", {}, {}};
  history[1] = {{"settings"}, "b", {}, {}};
  try {
    fix_name_references(objects, history);
    FAIL() << "expected an ambiguity error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(e.message().find("found multiple possible referrals: "
                               "ConfigMap.v1.[noGrp]/settings-a.a, "
                               "ConfigMap.v1.[noGrp]/settings-b.b"),
              std::string::npos)
        << e.message();
    EXPECT_NE(e.message().find("'rules/resourceNames' field of 'ClusterRole"), std::string::npos)
        << e.message();
  }
}

TEST(NameReferenceTransformerTest, ResourcesWithoutPreviousNamesAreNeverReferrals) {
  std::vector<Object> objects = testing::objects_of(kTwoConfigMaps);
  const std::vector<Object> original = objects;
  fix_name_references(objects, untouched(objects));
  EXPECT_EQ(testing::print(objects), testing::print(original));
}

TEST(NameReferenceTransformerTest, SubjectGetsTheServiceAccountsNameAndNamespace) {
  std::vector<Object> objects = testing::objects_of(R"(apiVersion: v1
kind: ServiceAccount
metadata:
  name: x-sa
  namespace: prod
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: rb
  namespace: prod
subjects:
- kind: ServiceAccount
  name: sa
- kind: ServiceAccount
  name: sa
  namespace: elsewhere
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: r
)");
  std::vector<NameHistory> history = untouched(objects);
  history[0] = {{"sa", "sa"}, "", {"x-"}, {}};
  fix_name_references(objects, history);
  const Json& subjects = objects[1].json()["subjects"];
  EXPECT_EQ(subjects[0],
            Json({{"kind", "ServiceAccount"}, {"name", "x-sa"}, {"namespace", "prod"}}));
  // "elsewhere" is neither where the account started nor where it is now.
  EXPECT_EQ(subjects[1]["name"], "sa");
}

TEST(NameReferenceTransformerTest, MapFieldWithoutNameIsAnError) {
  std::vector<Object> objects = testing::objects_of(R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: crb
subjects:
- kind: Group
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: view
)");
  try {
    fix_name_references(objects, untouched(objects));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("no 'name' field"), std::string::npos) << e.message();
  }
}

// kustomize sorts its config like its legacy output order; which entry comes first decides
// between same-named workloads of different kinds (scaleTargetRef's kind is not consulted).
TEST(NameReferenceTransformerTest, DefaultConfigIsInKustomizesOrder) {
  const std::vector<NameBackReference>& config = default_name_references();
  auto position = [&](const std::string& kind) {
    return std::find_if(config.begin(), config.end(),
                        [&](const NameBackReference& entry) { return entry.kind == kind; }) -
           config.begin();
  };
  EXPECT_EQ(config.front().kind, "StorageClass");
  EXPECT_LT(position("ServiceAccount"), position("ConfigMap"));
  EXPECT_LT(position("Deployment"), position("StatefulSet"));
  EXPECT_LT(position("StatefulSet"), position("ReplicaSet"));
  EXPECT_LT(position("ReplicaSet"), position("ReplicationController"));
  EXPECT_EQ(config.size(), 16U);
}

}  // namespace
}  // namespace sluice::render::transformers
