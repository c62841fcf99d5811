#include "controller/status_patch.h"

#include <gtest/gtest.h>

namespace sluice::controller {
namespace {

Json merge(Json target, const Json& patch) {
  target.merge_patch(patch);
  return target;
}

TEST(StatusPatch, NothingWhenEqual) {
  const Json status = Json::parse(R"({"a":1,"b":{"c":[1,2]}})");
  EXPECT_TRUE(merge_diff(status, status).is_null());
}

TEST(StatusPatch, TheSmallestMergePatch) {
  const Json from = Json::parse(R"({"keep":1,"gone":2,"nested":{"x":1,"y":2},"list":[1,2]})");
  const Json to = Json::parse(R"({"keep":1,"nested":{"x":1,"y":3,"z":4},"list":[1],"new":"n"})");
  const Json patch = merge_diff(from, to);
  EXPECT_EQ(patch, Json::parse(R"({"gone":null,"nested":{"y":3,"z":4},"list":[1],"new":"n"})"));
  EXPECT_EQ(merge(from, patch), to);  // RFC 7386 applied to `from` gives `to`
}

TEST(StatusPatch, AnObjectReplacedByAScalarAndBack) {
  const Json from = Json::parse(R"({"a":{"b":1},"c":5})");
  const Json to = Json::parse(R"({"a":7,"c":{"d":1}})");
  EXPECT_EQ(merge(from, merge_diff(from, to)), to);
}

TEST(StatusPatch, StatusOfAnObject) {
  EXPECT_EQ(status_of(Json::parse(R"({"status":{"a":1}})")), Json::parse(R"({"a":1})"));
  EXPECT_EQ(status_of(Json::parse(R"({"spec":{}})")), Json::object());
  EXPECT_EQ(status_of(Json::parse(R"({"status":"junk"})")), Json::object());
}

Json object(const std::string& uid, const std::string& version) {
  return Json{{"metadata", {{"uid", uid}, {"resourceVersion", version}}}};
}

TEST(StatusPatch, TheLaterOfTheCacheAndTheLastWrite) {
  const Json cached = object("u1", "100");
  EXPECT_EQ(newer_of(cached, object("u1", "120")), object("u1", "120"));
  EXPECT_EQ(newer_of(cached, object("u1", "99")), cached);
  EXPECT_EQ(newer_of(cached, object("u1", "100")), cached);
  // Numbers, not strings: "99" < "100".
  EXPECT_EQ(newer_of(object("u1", "99"), cached), cached);
  EXPECT_EQ(newer_of(cached, object("u2", "120")), cached) << "another object of that name";
  EXPECT_EQ(newer_of(cached, Json()), cached) << "nothing written yet";
  EXPECT_EQ(newer_of(cached, object("u1", "12a")), cached);
  EXPECT_EQ(newer_of(object("u1", ""), object("u1", "5")), object("u1", ""));
}

}  // namespace
}  // namespace sluice::controller
