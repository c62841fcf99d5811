#include "render/transformers/namespace.h"

#include <gtest/gtest.h>

#include "transformers/golden_test_support.h"

namespace sluice::render::transformers {
namespace {

TEST(NamespaceTransformerTest, MatchesKustomizeGolden) {
  std::vector<Object> objects = testing::golden_input("namespace");
  set_namespace(objects, "tenant-a");
  EXPECT_EQ(testing::print(objects), testing::golden_expected("namespace"));
}

TEST(NamespaceTransformerTest, EmptyNamespaceChangesNothing) {
  std::vector<Object> objects = testing::golden_input("namespace");
  const std::vector<Object> before = objects;
  set_namespace(objects, "");
  EXPECT_EQ(objects, before);
}

}  // namespace
}  // namespace sluice::render::transformers
