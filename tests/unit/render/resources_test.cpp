#include "render/resources.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "test_helpers.h"

namespace sluice::render {
namespace {

TEST(ResourcesTest, ListKindsAreExpandedIntoTheirItems) {
  const std::vector<Object> objects = parse_resources(
      "apiVersion: v1\nkind: ConfigMapList\nitems:\n"
      "- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n"
      "- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}\n---\n"
      "apiVersion: v1\nkind: Secret\nmetadata: {name: c}\n");
  ASSERT_EQ(objects.size(), 3u);
  EXPECT_EQ(objects[1].name(), "b");
  EXPECT_EQ(objects[2].kind(), "Secret");
}

TEST(ResourcesTest, EveryResourceNeedsAKindAndAName) {
  EXPECT_THROW(parse_resources("metadata: {name: a}\n"), Error);
  EXPECT_THROW(parse_resources("kind: ConfigMap\nmetadata: {generateName: a-}\n"), Error);
  EXPECT_THROW(parse_resources("- a\n"), Error);
}

TEST(ResourcesTest, ATopLevelKeyThatSpellsAHiddenKeyIsRefused) {
  try {
    parse_resources("kind: ConfigMap\nmetadata: {name: a}\n\"\\x01previousIds\": \"zz:9\"\n");
    FAIL() << "accepted a reserved key";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("reserved for sluice's build state"), std::string::npos)
        << e.what();
  }
  // Elsewhere than at the top level such a key is plain data.
  EXPECT_EQ(parse_resources("kind: ConfigMap\nmetadata: {name: a}\ndata: {\"\\x01k\": v}\n").size(),
            1U);
}

TEST(ResourcesTest, TheAccumulatorRefusesADuplicateIdEvenAfterARename) {
  Accumulator accumulated;
  accumulated.append(parse_resources("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"));
  const Error duplicate = testing::error_of([&] {
    accumulated.append(parse_resources("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"));
  });
  EXPECT_NE(duplicate.message().find("already registered id"), std::string::npos);
  // A transformer renames it: the old id is free again, the new one taken.
  accumulated.objects()[0].set_name("b");
  accumulated.append(parse_resources("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"));
  EXPECT_THROW(
      accumulated.append(parse_resources("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n")),
      Error);
  EXPECT_EQ(std::move(accumulated).take().size(), 2u);
}

TEST(ResourcesTest, LocalConfigsAreDroppedUnlessMarkedFalse) {
  std::vector<Object> objects;
  for (const char* value : {"\"true\"", "true", "\"\"", "\"yes\"", "false", "\"false\""}) {
    std::vector<Object> one =
        parse_resources(std::string("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm") +
                        std::to_string(objects.size()) +
                        "\n  annotations:\n    config.kubernetes.io/local-config: " + value + "\n");
    objects.push_back(std::move(one.front()));
  }
  objects.push_back(
      parse_resources("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: plain}\n").front());
  drop_local_configs(objects);
  ASSERT_EQ(objects.size(), 3U);
  EXPECT_EQ(objects[0].name(), "cm4");
  EXPECT_EQ(objects[1].name(), "cm5");
  EXPECT_EQ(objects[2].name(), "plain");
}

}  // namespace
}  // namespace sluice::render
