#include "render/transformers/json_patch.h"

#include <string>

#include <gtest/gtest.h>

#include "core/error.h"

namespace sluice::render::transformers {
namespace {

Json document() {
  return Json::parse(R"({"data": {"a": "1", "n": null}, "list": ["x", "y"], "s": "text"})");
}

Json patched(const std::string& operations) {
  return apply_json_patch(document(), Json::parse(operations));
}

ErrorCode failure(const std::string& operations) {
  try {
    (void)patched(operations);
  } catch (const Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "applied: " << operations;
  return ErrorCode::kInternal;
}

TEST(JsonPatchTest, ReplaceOfAMissingMapKeyAddsIt) {
  EXPECT_EQ(patched(R"([{"op": "replace", "path": "/data/b", "value": "2"}])")["data"]["b"], "2");
  EXPECT_EQ(failure(R"([{"op": "replace", "path": "/nope/b", "value": "2"}])"),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(failure(R"([{"op": "replace", "path": "/list/2", "value": "z"}])"),
            ErrorCode::kInvalidArgument);
}

TEST(JsonPatchTest, ReplaceOfTheWholeDocumentTakesAMapOrList) {
  EXPECT_EQ(patched(R"([{"op": "replace", "path": "", "value": {"k": 1}}])"),
            Json::parse(R"({"k": 1})"));
  EXPECT_EQ(failure(R"([{"op": "replace", "path": "", "value": 1}])"), ErrorCode::kInvalidArgument);
}

TEST(JsonPatchTest, NegativeIndicesCountFromTheEnd) {
  EXPECT_EQ(patched(R"([{"op": "replace", "path": "/list/-1", "value": "z"}])")["list"],
            Json::parse(R"(["x", "z"])"));
  EXPECT_EQ(patched(R"([{"op": "remove", "path": "/list/-2"}])")["list"], Json::parse(R"(["y"])"));
  // For add, -1 is the position after the last element.
  EXPECT_EQ(patched(R"([{"op": "add", "path": "/list/-1", "value": "z"}])")["list"],
            Json::parse(R"(["x", "y", "z"])"));
  EXPECT_EQ(patched(R"([{"op": "add", "path": "/list/-3", "value": "z"}])")["list"],
            Json::parse(R"(["z", "x", "y"])"));
  EXPECT_EQ(failure(R"([{"op": "add", "path": "/list/-4", "value": "z"}])"),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(failure(R"([{"op": "add", "path": "/list/3", "value": "z"}])"),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(patched(R"([{"op": "add", "path": "/list/+0", "value": "z"}])")["list"][0], "z");
}

TEST(JsonPatchTest, RemoveAndMoveOfAMissingKeyFail) {
  EXPECT_EQ(failure(R"([{"op": "remove", "path": "/data/b"}])"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(failure(R"([{"op": "move", "from": "/data/b", "path": "/data/c"}])"),
            ErrorCode::kInvalidArgument);
  // A key holding null exists.
  EXPECT_FALSE(patched(R"([{"op": "remove", "path": "/data/n"}])")["data"].contains("n"));
  const Json moved = patched(R"([{"op": "move", "from": "/data/a", "path": "/list/0"}])");
  EXPECT_EQ(moved["list"], Json::parse(R"(["1", "x", "y"])"));
  EXPECT_FALSE(moved["data"].contains("a"));
}

TEST(JsonPatchTest, CopyOfAMissingKeyCopiesNull) {
  const Json copied = patched(R"([{"op": "copy", "from": "/data/b", "path": "/data/c"}])");
  ASSERT_TRUE(copied["data"].contains("c"));
  EXPECT_TRUE(copied["data"]["c"].is_null());
  EXPECT_EQ(patched(R"([{"op": "copy", "from": "/list", "path": "/data/l"}])")["data"]["l"],
            Json::parse(R"(["x", "y"])"));
}

TEST(JsonPatchTest, AddWithoutValueAddsNullAndNeedsAnExistingParent) {
  const Json added = patched(R"([{"op": "add", "path": "/data/b"}])");
  ASSERT_TRUE(added["data"].contains("b"));
  EXPECT_TRUE(added["data"]["b"].is_null());
  EXPECT_EQ(failure(R"([{"op": "add", "path": "/nope/b", "value": 1}])"),
            ErrorCode::kInvalidArgument);
  // A null, a scalar or a missing element on the way is no parent.
  EXPECT_EQ(failure(R"([{"op": "add", "path": "/data/n/b", "value": 1}])"),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(failure(R"([{"op": "add", "path": "/s/b", "value": 1}])"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(failure(R"([{"op": "add", "path": "/list/5/b", "value": 1}])"),
            ErrorCode::kInvalidArgument);
}

TEST(JsonPatchTest, TheFirstPathSegmentIsIgnored) {
  EXPECT_EQ(patched(R"([{"op": "add", "path": "data/q", "value": "z"}])")["q"], "z");
  EXPECT_EQ(failure(R"([{"op": "add", "path": "q", "value": "z"}])"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(failure(R"([{"op": "add", "path": "", "value": {}}])"), ErrorCode::kInvalidArgument);
}

TEST(JsonPatchTest, EscapedSegments) {
  const Json added = patched(R"([{"op": "add", "path": "/data/a~1b~0c~01", "value": "v"}])");
  EXPECT_EQ(added["data"]["a/b~c~1"], "v");
}

TEST(JsonPatchTest, TestOfAMissingOrNullValuePassesForNullOnly) {
  EXPECT_NO_THROW(patched(R"([{"op": "test", "path": "/data/b", "value": null}])"));
  EXPECT_NO_THROW(patched(R"([{"op": "test", "path": "/data/n", "value": null}])"));
  EXPECT_NO_THROW(patched(R"([{"op": "test", "path": "/list/1", "value": "y"}])"));
  EXPECT_EQ(failure(R"([{"op": "test", "path": "/data/b", "value": "x"}])"),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(failure(R"([{"op": "test", "path": "/data/b"}])"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(failure(R"([{"op": "test", "path": "/data/a", "value": null}])"),
            ErrorCode::kInvalidArgument);
}

TEST(JsonPatchTest, MalformedOperationsFail) {
  EXPECT_EQ(failure(R"([{"op": "frobnicate", "path": "/a"}])"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(failure(R"([{"op": "add", "value": 1}])"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(failure(R"([{"op": "add", "path": 5, "value": 1}])"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(failure(R"([{"op": "copy", "path": "/a"}])"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(failure(R"([{"op": "remove", "path": "/list/x"}])"), ErrorCode::kInvalidArgument);
}

TEST(JsonPatchTest, CopiesThatDoubleTheDocumentAreBounded) {
  std::string operations = R"([{"op": "add", "path": "/a", "value": [1, 2, 3, 4]})";
  for (int i = 0; i < 40; ++i) {
    operations += R"(, {"op": "copy", "from": "/a", "path": "/a/0"})";
  }
  operations += "]";
  EXPECT_EQ(failure(operations), ErrorCode::kResourceExhausted);
}

}  // namespace
}  // namespace sluice::render::transformers
