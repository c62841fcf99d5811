// InformerStore: watch events and relists (client-go's DeltaFIFO.Replace semantics) turned into
// store content and informer events; managedFields stripping; both storage formats.
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/error.h"
#include "kube/informer.h"

namespace sluice::kube {
namespace {

using Type = InformerEvent::Type;

Json cm(const std::string& name, const std::string& version, const std::string& value = "v") {
  return {{"metadata",
           {{"name", name},
            {"namespace", "ns"},
            {"resourceVersion", version},
            {"managedFields", Json::array({{{"manager", "kubectl"}}})}}},
          {"data", {{"k", value}}}};
}

WatchEvent event(WatchEventType type, Json object) {
  return WatchEvent{.type = type, .object = std::move(object)};
}

std::string name_of(const Json& object) {
  return object["metadata"]["name"].get<std::string>();
}

class InformerStoreTest : public ::testing::TestWithParam<StoreFormat> {};

TEST(InformerStoreBytes, CountsTheTextOfCompactStoresOnly) {
  InformerStore text(StoreFormat::kCompactText);
  EXPECT_EQ(text.text_bytes(), 0u);
  text.replace({cm("a", "1"), cm("b", "2")});
  Json stripped = cm("a", "1");
  stripped["metadata"].erase("managedFields");
  EXPECT_EQ(text.text_bytes(), 2 * stripped.dump().size());
  text.apply(event(WatchEventType::kDeleted, cm("b", "3")));
  EXPECT_EQ(text.text_bytes(), stripped.dump().size());

  InformerStore tree(StoreFormat::kTree);
  tree.replace({cm("a", "1")});
  EXPECT_EQ(tree.text_bytes(), 0u);
}

TEST_P(InformerStoreTest, ReplaceDiffsAgainstTheStore) {
  InformerStore store(GetParam());
  auto first = store.replace({cm("a", "1"), cm("b", "2"), cm("c", "3")});
  ASSERT_EQ(first.size(), 3u);
  for (const auto& e : first) EXPECT_EQ(e.type, Type::kAdded);

  // b unchanged, c changed, a gone, d new.
  auto second = store.replace({cm("b", "2"), cm("c", "9", "new"), cm("d", "10")});
  ASSERT_EQ(second.size(), 3u);
  EXPECT_EQ(second[0].type, Type::kUpdated);
  EXPECT_EQ(name_of(second[0].new_object), "c");
  EXPECT_EQ(second[0].old_object["data"]["k"], "v");
  EXPECT_EQ(second[0].new_object["data"]["k"], "new");
  EXPECT_EQ(second[1].type, Type::kAdded);
  EXPECT_EQ(name_of(second[1].new_object), "d");
  EXPECT_EQ(second[2].type, Type::kDeleted);
  EXPECT_EQ(name_of(second[2].old_object), "a");
  EXPECT_TRUE(second[2].new_object.is_null());

  EXPECT_EQ(store.size(), 3u);
  EXPECT_FALSE(store.get("ns", "a"));
  EXPECT_EQ((*store.get("ns", "c"))["data"]["k"], "new");
  std::vector<std::string> names;
  for (const auto& object : store.list()) names.push_back(name_of(object));
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"b", "c", "d"}));
}

TEST_P(InformerStoreTest, WatchEventsBecomeAddUpdateDelete) {
  InformerStore store(GetParam());
  auto added = store.apply(event(WatchEventType::kAdded, cm("a", "1")));
  ASSERT_TRUE(added);
  EXPECT_EQ(added->type, Type::kAdded);
  auto updated = store.apply(event(WatchEventType::kModified, cm("a", "2", "x")));
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->type, Type::kUpdated);
  EXPECT_EQ(updated->old_object["data"]["k"], "v");
  EXPECT_EQ(updated->new_object["data"]["k"], "x");
  auto deleted = store.apply(event(WatchEventType::kDeleted, cm("a", "3", "x")));
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->type, Type::kDeleted);
  EXPECT_EQ(deleted->old_object["metadata"]["resourceVersion"], "3");
  EXPECT_EQ(store.size(), 0u);
}

TEST_P(InformerStoreTest, RacesWithARelistNeverDuplicate) {
  InformerStore store(GetParam());
  store.replace({cm("a", "5")});
  // An ADDED for a key already listed at the same version: nothing new.
  EXPECT_FALSE(store.apply(event(WatchEventType::kAdded, cm("a", "5"))));
  // ADDED for a known key with a newer version: an update, not a second add.
  EXPECT_EQ(store.apply(event(WatchEventType::kAdded, cm("a", "6")))->type, Type::kUpdated);
  // MODIFIED for an unknown key: an add.
  EXPECT_EQ(store.apply(event(WatchEventType::kModified, cm("b", "7")))->type, Type::kAdded);
  // DELETED for an unknown key: nothing.
  EXPECT_FALSE(store.apply(event(WatchEventType::kDeleted, cm("zzz", "8"))));
  EXPECT_EQ(store.size(), 2u);
}

TEST_P(InformerStoreTest, StripsManagedFieldsByDefault) {
  InformerStore store(GetParam());
  store.replace({cm("a", "1")});
  store.apply(event(WatchEventType::kAdded, cm("b", "2")));
  EXPECT_FALSE(store.get("ns", "a")->at("metadata").contains("managedFields"));
  EXPECT_FALSE(store.get("ns", "b")->at("metadata").contains("managedFields"));
  InformerStore keeping(GetParam(), /*strip_managed_fields=*/false);
  keeping.replace({cm("a", "1")});
  EXPECT_TRUE(keeping.get("ns", "a")->at("metadata").contains("managedFields"));
}

TEST_P(InformerStoreTest, APagedRelistSwitchesAtTheEndAndAnAbandonedOneLeavesNoTrace) {
  InformerStore store(GetParam());
  store.replace({cm("a", "1"), cm("b", "1")});
  store.begin_replace();
  store.add_to_replace({cm("a", "2", "new")});
  // A list that fails after its first page: the store still has the old content.
  EXPECT_EQ((*store.get("ns", "a"))["data"]["k"], "v");
  store.begin_replace();  // the retry starts over
  store.add_to_replace({cm("b", "1")});
  EXPECT_EQ(store.size(), 2u);
  store.add_to_replace({cm("c", "3"), cm("c", "3")});  // listed twice: reported once
  auto changes = store.finish_replace();
  ASSERT_EQ(changes.size(), 2u);
  const InformerEvent added = store.event_for(changes[0]);
  EXPECT_EQ(added.type, Type::kAdded);
  EXPECT_EQ(name_of(added.new_object), "c");
  const InformerEvent deleted = store.event_for(changes[1]);
  EXPECT_EQ(deleted.type, Type::kDeleted);
  EXPECT_EQ(name_of(deleted.old_object), "a");
  EXPECT_EQ(deleted.old_object["data"]["k"], "v");  // the first attempt's page left no trace
  EXPECT_EQ(store.size(), 2u);
  EXPECT_FALSE(store.get("ns", "a"));
}

INSTANTIATE_TEST_SUITE_P(Formats, InformerStoreTest,
                         ::testing::Values(StoreFormat::kCompactText, StoreFormat::kTree),
                         [](const ::testing::TestParamInfo<StoreFormat>& format) {
                           return format.param == StoreFormat::kTree ? "Tree" : "CompactText";
                         });

TEST(InformerStoreKeyTest, KeysByNamespaceAndName) {
  EXPECT_EQ(InformerStore::key_of(cm("a", "1")), "ns/a");
  EXPECT_EQ(InformerStore::key_of(Json{{"metadata", {{"name", "cluster-thing"}}}}),
            "cluster-thing");
  EXPECT_THROW(InformerStore::key_of(Json{{"metadata", Json::object()}}), Error);
  InformerStore store;
  store.apply(event(WatchEventType::kAdded, Json{{"metadata", {{"name", "n1"}}}}));
  EXPECT_TRUE(store.get("", "n1"));
}

}  // namespace
}  // namespace sluice::kube
