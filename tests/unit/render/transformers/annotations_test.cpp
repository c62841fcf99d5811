#include "render/transformers/annotations.h"

#include <gtest/gtest.h>

#include "transformers/golden_test_support.h"

namespace sluice::render::transformers {
namespace {

TEST(AnnotationsTransformerTest, MatchesKustomizeGolden) {
  std::vector<Object> objects = testing::golden_input("annotations");
  add_common_annotations(objects, {{"owner", "team-a"}, {"note", "multi word: value"}});
  EXPECT_EQ(testing::print(objects), testing::golden_expected("annotations"));
}

}  // namespace
}  // namespace sluice::render::transformers
