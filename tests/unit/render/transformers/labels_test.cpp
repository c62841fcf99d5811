#include "render/transformers/labels.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "transformers/golden_test_support.h"

namespace sluice::render::transformers {
namespace {

TEST(LabelsTransformerTest, MatchesKustomizeGolden) {
  std::vector<Object> objects = testing::golden_input("labels");
  add_common_labels(objects, {{"app.kubernetes.io/name", "shop"}, {"tier", "backend"}});
  EXPECT_EQ(testing::print(objects), testing::golden_expected("labels"));
}

TEST(LabelsTransformerTest, RefusesASelectorThatIsNotAMap) {
  std::vector<Object> objects = {Object(Json::parse(
      R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"spec":{"selector":"x"}})"))};
  EXPECT_THROW(add_common_labels(objects, {{"a", "b"}}), Error);
}

}  // namespace
}  // namespace sluice::render::transformers
