#include "core/sorted_flat_map.h"

#include <map>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "core/json.h"

namespace sluice {
namespace {

using Map = SortedFlatMap<std::string, int>;

TEST(SortedFlatMapTest, IteratesInKeyOrderWhateverTheInsertionOrder) {
  Map map;
  map.emplace("spec", 1);
  map.emplace("apiVersion", 2);
  map.emplace("metadata", 3);
  map["kind"] = 4;
  std::string keys;
  for (const auto& [key, value] : map) keys += key + ",";
  EXPECT_EQ(keys, "apiVersion,kind,metadata,spec,");
}

TEST(SortedFlatMapTest, EmplaceKeepsTheFirstValueLikeStdMap) {
  Map map;
  EXPECT_TRUE(map.emplace("a", 1).second);
  const auto [it, inserted] = map.emplace("a", 2);
  EXPECT_FALSE(inserted);
  EXPECT_EQ(it->second, 1);
  EXPECT_EQ(map.size(), 1U);
}

TEST(SortedFlatMapTest, FindCountAtAndEraseByKey) {
  Map map{{"b", 2}, {"a", 1}, {"c", 3}};
  EXPECT_EQ(map.begin()->first, "a");
  EXPECT_EQ(map.find("b")->second, 2);
  EXPECT_EQ(map.find("z"), map.end());
  EXPECT_EQ(map.count("c"), 1U);
  EXPECT_EQ(map.count("0"), 0U);
  EXPECT_EQ(map.at("a"), 1);
  EXPECT_THROW((void)map.at("missing"), std::out_of_range);
  EXPECT_EQ(map.erase(std::string("b")), 1U);
  EXPECT_EQ(map.erase(std::string("b")), 0U);
  map.erase(map.begin());
  ASSERT_EQ(map.size(), 1U);
  EXPECT_EQ(map.begin()->first, "c");
}

// The property the YAML writer depends on: the same sequence of inserts and erases leaves the
// same keys, in the same order, as std::map.
TEST(SortedFlatMapTest, SmallMapsGrowByAKeyOrTwoLargeOnesGeometrically) {
  Map small;
  for (int i = 0; i < 4; ++i) small.emplace(std::to_string(i), i);
  small.shrink_to_fit();  // as the YAML reader leaves every object it reads
  small.emplace("label", 4);
  EXPECT_EQ(small.capacity(), 6U);  // std::vector would double to 8

  Map large;
  int reallocations = 0;
  const void* storage = nullptr;
  for (int i = 0; i < 10'000; ++i) {
    large.emplace(std::to_string(i), i);
    if (large.data() != storage) ++reallocations;
    storage = large.data();
  }
  EXPECT_LT(reallocations, 30);
  EXPECT_EQ(large.size(), 10'000U);
}

TEST(SortedFlatMapTest, AgreesWithStdMapOnRandomOperations) {
  std::mt19937 random(2611);
  Map flat;
  std::map<std::string, int> reference;
  for (int step = 0; step < 5000; ++step) {
    const std::string key = std::to_string(random() % 300);
    if (random() % 4 == 0) {
      EXPECT_EQ(flat.erase(key), reference.erase(key));
    } else {
      flat[key] = step;
      reference[key] = step;
    }
  }
  ASSERT_EQ(flat.size(), reference.size());
  auto expected = reference.begin();
  for (const auto& [key, value] : flat) {
    EXPECT_EQ(key, expected->first);
    EXPECT_EQ(value, expected->second);
    ++expected;
  }
}

TEST(SortedFlatMapTest, JsonObjectsDumpWithSortedKeysAndPatchLikeNlohmannDefaults) {
  Json document = Json::parse(R"({"spec":{"replicas":1},"kind":"Deployment","apiVersion":"v1"})");
  EXPECT_EQ(document.dump(), R"({"apiVersion":"v1","kind":"Deployment","spec":{"replicas":1}})");
  const Json patched = document.patch(Json::parse(
      R"([{"op":"add","path":"/metadata","value":{"name":"web"}},{"op":"remove","path":"/kind"}])"));
  EXPECT_EQ(patched.dump(),
            R"({"apiVersion":"v1","metadata":{"name":"web"},"spec":{"replicas":1}})");
  document.merge_patch(Json::parse(R"({"spec":{"replicas":null,"paused":true}})"));
  EXPECT_EQ(document["spec"].dump(), R"({"paused":true})");
}

}  // namespace
}  // namespace sluice
