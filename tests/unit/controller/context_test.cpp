#include "controller/context.h"

#include <gtest/gtest.h>

namespace sluice::controller {
namespace {

TEST(Keys, NamespaceSlashNameAndBack) {
  EXPECT_EQ(object_key("shop", "web"), "shop/web");
  EXPECT_EQ(object_key("", "policy"), "policy");
  EXPECT_EQ(object_key(Json::parse(R"({"metadata":{"name":"web","namespace":"shop"}})")),
            "shop/web");
  EXPECT_EQ(split_key("shop/web"), (std::pair<std::string, std::string>{"shop", "web"}));
  EXPECT_EQ(split_key("policy"), (std::pair<std::string, std::string>{"", "policy"}));
}

}  // namespace
}  // namespace sluice::controller
