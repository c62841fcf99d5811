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

TEST(LabelsTransformerTest, LabelsEntriesMatchKustomizeGolden) {
  std::vector<Object> objects = testing::golden_input("labels_entries");
  LabelsEntry templates{{{"a", "1"}}, false, true, {}};
  LabelsEntry metadata_only{{{"b", "2"}}, false, false, {}};
  LabelsEntry selectors{{{"c", "3"}}, true, false, {}};
  LabelsEntry fields{{{"d", "4"}},
                     false,
                     false,
                     {{"", "", "Widget", "spec/custom/labels", true},
                      {"example.com", "", "", "spec/template/metadata/labels", false}}};
  add_labels(objects, {templates, metadata_only, selectors, fields});
  EXPECT_EQ(testing::print(objects), testing::golden_expected("labels_entries"));
}

TEST(LabelsTransformerTest, OwnFieldsComeFirstAndMustAgreeWithTheSameDefault) {
  LabelsEntry same{{{"a", "b"}}, false, false, {{"", "", "", "metadata/labels", true}}};
  EXPECT_EQ(labels_entry_field_specs(same).size(), 1U);
  LabelsEntry conflicting{{{"a", "b"}}, false, false, {{"", "", "", "metadata/labels", false}}};
  EXPECT_THROW((void)labels_entry_field_specs(conflicting), Error);
}

TEST(LabelsTransformerTest, RefusesASelectorThatIsNotAMap) {
  std::vector<Object> objects = {Object(Json::parse(
      R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"spec":{"selector":"x"}})"))};
  EXPECT_THROW(add_common_labels(objects, {{"a", "b"}}), Error);
}

}  // namespace
}  // namespace sluice::render::transformers
