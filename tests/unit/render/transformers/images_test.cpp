#include "render/transformers/images.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "transformers/golden_test_support.h"

namespace sluice::render::transformers {
namespace {

TEST(ImagesTransformerTest, MatchesKustomizeGolden) {
  std::vector<Object> objects = testing::golden_input("images");
  set_images(objects, {{"nginx", "", "1.25", "", ""},
                       {"registry.example.com:5000/team/app", "other/app", "", "sha256:fff", ""},
                       {"busybox", "", "", "", "-patched"},
                       {"my.reg:5000/tools", "my.reg:5000/tools2", "v2", "sha256:eee", ""}});
  EXPECT_EQ(testing::print(objects), testing::golden_expected("images"));
}

TEST(ImagesTransformerTest, SplitsLikeKustomize) {
  const auto split = [](std::string_view image) {
    const ImageParts parts = split_image(image);
    return parts.name + "|" + parts.tag + "|" + parts.digest;
  };
  EXPECT_EQ(split("nginx"), "nginx||");
  EXPECT_EQ(split("nginx:1.0"), "nginx|1.0|");
  EXPECT_EQ(split("nginx@sha256:ab"), "nginx||sha256:ab");
  EXPECT_EQ(split("nginx:1@sha256:ab"), "nginx|1|sha256:ab");
  EXPECT_EQ(split("reg:5000/team/app"), "reg:5000/team/app||");
  EXPECT_EQ(split("reg:5000/team/app:v1@sha256:ab"), "reg:5000/team/app|v1|sha256:ab");
}

TEST(ImagesTransformerTest, RefusesAnImageThatIsAMap) {
  std::vector<Object> objects = {Object(Json::parse(
      R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},
          "spec":{"containers":[{"image":{"a":"b"}}]}})"))};
  EXPECT_THROW(set_images(objects, {{"x", "", "1", "", ""}}), Error);
}

}  // namespace
}  // namespace sluice::render::transformers
