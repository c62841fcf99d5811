#include "render/transformers/replicas.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "transformers/golden_test_support.h"

namespace sluice::render::transformers {
namespace {

TEST(ReplicasTransformerTest, MatchesKustomizeGolden) {
  std::vector<Object> objects = testing::golden_input("replicas");
  set_replicas(objects, {{"web", 3}, {"db", 2}, {"rs", 0}, {"rc", 4}});
  EXPECT_EQ(testing::print(objects), testing::golden_expected("replicas"));
}

TEST(ReplicasTransformerTest, MatchesAPreviousName) {
  std::vector<Object> objects = testing::golden_input("replicas");
  objects[0].set_name("prod-web");
  const std::vector<std::vector<std::string>> previous = {{"web"}};
  set_replicas(objects, {{"web", 7}}, &previous);
  EXPECT_EQ(objects[0].json()["spec"]["replicas"], 7);
}

TEST(ReplicasTransformerTest, RefusesANameThatMatchesNothing) {
  std::vector<Object> objects = testing::golden_input("replicas");
  try {
    set_replicas(objects, {{"nope", 1}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.message().rfind("resource with name nope does not match", 0), 0U);
  }
}

}  // namespace
}  // namespace sluice::render::transformers
