#include "render/transformers/prefix_suffix.h"

#include <gtest/gtest.h>

#include "transformers/golden_test_support.h"

namespace sluice::render::transformers {
namespace {

TEST(PrefixSuffixTransformerTest, MatchesKustomizeGolden) {
  std::vector<Object> objects = testing::golden_input("prefix_suffix");
  add_name_prefix_suffix(objects, "team-", "-001");
  EXPECT_EQ(testing::print(objects), testing::golden_expected("prefix_suffix"));
}

}  // namespace
}  // namespace sluice::render::transformers
