#include "render/transformers/patches.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "transformers/golden_test_support.h"

namespace sluice::render::transformers {
namespace {

void patch(std::vector<Object>& objects, const PatchTarget& target, std::string_view body) {
  apply_json6902(objects, select_targets(objects, target), parse_json6902(body));
}

TEST(PatchesTransformerTest, MatchesKustomizeGolden) {
  std::vector<Object> objects = testing::golden_input("patches");
  PatchTarget deployments;
  deployments.kind = "Deployment";
  deployments.name = "w.*";
  patch(objects, deployments,
        "- op: add\n  path: /metadata/annotations\n"
        "  value: {b: 0x1F, c: 1.0, e: \"yes\", g: 1e3, h: ~, j: 1.5}");
  PatchTarget labelled;
  labelled.kind = "ConfigMap";
  labelled.label_selector = "x in (1,2)";
  patch(objects, labelled,
        R"([{"op": "replace", "path": "/data/a", "value": "patched"},
            {"op": "copy", "from": "/data/a", "path": "/data/b"}])");
  PatchTarget annotated;
  annotated.version = "v1";
  annotated.annotation_selector = "!nothing";
  annotated.name = "no-ann";
  patch(objects, annotated, "- op: add\n  path: /data/new\n  value: from-file");
  EXPECT_EQ(testing::print(objects), testing::golden_expected("patches"));
}

TEST(PatchesTransformerTest, LabelSelectors) {
  const StringMap labels = {{"app", "web"}, {"tier", "front"}};
  EXPECT_TRUE(matches_label_selector("", labels));
  EXPECT_TRUE(matches_label_selector("app=web", labels));
  EXPECT_TRUE(matches_label_selector("app==web,tier", labels));
  EXPECT_TRUE(matches_label_selector("app!=db, !legacy", labels));
  EXPECT_TRUE(matches_label_selector("tier in (back, front)", labels));
  EXPECT_TRUE(matches_label_selector("env notin (prod)", labels));
  EXPECT_FALSE(matches_label_selector("app=db", labels));
  EXPECT_FALSE(matches_label_selector("!app", labels));
  EXPECT_FALSE(matches_label_selector("tier notin (front)", labels));
  EXPECT_THROW((void)matches_label_selector("app=(", labels), Error);
}

TEST(PatchesTransformerTest, TargetsAreAnchoredAndMatchTheOriginalName) {
  std::vector<Object> objects = testing::golden_input("patches");
  PatchTarget target;
  target.name = "we";  // anchored: does not match "web"
  EXPECT_TRUE(select_targets(objects, target).empty());
  target.name = "original";
  const std::vector<OriginalId> original(objects.size(), OriginalId{"original", ""});
  EXPECT_EQ(select_targets(objects, target, &original).size(), objects.size());
}

TEST(PatchesTransformerTest, TellsJsonPatchesFromStrategicMergePatches) {
  EXPECT_TRUE(is_json6902("  [{\"op\": \"remove\", \"path\": \"/a\"}]"));
  EXPECT_TRUE(is_json6902("- op: remove\n  path: /a\n"));
  EXPECT_FALSE(is_json6902("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"));
}

TEST(PatchesTransformerTest, RefusesFailingAndMalformedOperations) {
  std::vector<Object> objects = testing::golden_input("patches");
  EXPECT_THROW(patch(objects, {}, "- op: test\n  path: /kind\n  value: Nope"), Error);
  EXPECT_THROW(patch(objects, {}, "- op: remove\n  path: /no/such/field"), Error);
  EXPECT_THROW((void)parse_json6902("[]"), Error);
  EXPECT_THROW((void)parse_json6902("[1]"), Error);
}

}  // namespace
}  // namespace sluice::render::transformers
