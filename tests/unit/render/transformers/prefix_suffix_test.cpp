#include "render/transformers/prefix_suffix.h"

#include <gtest/gtest.h>

#include "transformers/golden_test_support.h"

namespace sluice::render::transformers {
namespace {

TEST(PrefixSuffixTransformerTest, MatchesKustomizeGolden) {
  std::vector<Object> objects = testing::golden_input("prefix_suffix");
  const std::vector<FieldSpec> every_name = {{"", "", "", "metadata/name", false}};
  add_affix(objects, "team-", true, every_name, {});
  add_affix(objects, "-001", false, every_name, {});
  EXPECT_EQ(testing::print(objects), testing::golden_expected("prefix_suffix"));
}

TEST(PrefixSuffixTransformerTest, AffixesConfiguredFields) {
  std::vector<Object> objects = {
      Object(Json::parse(R"({"apiVersion": "a/v1", "kind": "Bee", "metadata": {"name": "b"},
                             "spec": {"id": "b", "count": 3, "peers": [{"id": "x"}, {"id": "y"}],
                                      "map": {"k": "v"}}})")),
      Object(Json::parse(R"({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n"},
                             "spec": {"id": "n"}})")),
  };
  const std::vector<FieldSpec> specs = {
      {"", "", "Wasp", "metadata/name", false}, {"", "", "", "spec/id", false},
      {"", "", "Bee", "spec/count", false},     {"", "", "Bee", "spec/peers/id", false},
      {"", "", "Bee", "spec/map", false},       {"", "", "Bee", "spec/absent", false},
      {"", "", "Bee", "spec/created", true},
  };
  std::size_t renames = 0;
  add_affix(objects, "p-", true, specs, {}, [&](Object&) { ++renames; });
  EXPECT_EQ(renames, 0U);
  const Json& bee = objects[0].json();
  EXPECT_EQ(bee["metadata"]["name"], "b");
  EXPECT_EQ(bee["spec"]["id"], "p-b");
  EXPECT_EQ(bee["spec"]["count"], "p-3");
  EXPECT_EQ(bee["spec"]["peers"][1]["id"], "p-y");
  EXPECT_EQ(bee["spec"]["map"], Json::parse(R"({"k": "v"})"));
  EXPECT_FALSE(bee["spec"].contains("absent"));
  EXPECT_EQ(bee["spec"]["created"], "p-");
  // Namespaces keep their fields, as their names.
  EXPECT_EQ(objects[1].json()["spec"]["id"], "n");
  add_affix(objects, "-s", false, {{"", "", "Bee", "spec/id", false}}, {});
  EXPECT_EQ(objects[0].json()["spec"]["id"], "p-b-s");
  // A spec applies when it selects the kind a resource had first as well as its current one.
  add_affix(objects, "q-", true, {{"", "", "Bee", "spec/id", false}}, {{"a", "v1", "Wasp"}});
  EXPECT_EQ(objects[0].json()["spec"]["id"], "p-b-s");
}

}  // namespace
}  // namespace sluice::render::transformers
