#include "server/http_message.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "test_helpers.h"

namespace sluice::server {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(HttpMessage, ParseQueryDecodesInOrder) {
  EXPECT_EQ(parse_query(""), Pairs{});
  EXPECT_EQ(parse_query("verbose"), (Pairs{{"verbose", ""}}));
  EXPECT_EQ(parse_query("a=1&b=&c"), (Pairs{{"a", "1"}, {"b", ""}, {"c", ""}}));
  EXPECT_EQ(parse_query("x=a+b%20c%2B&x=%41%e2%82%ac&&y=1=2"),
            (Pairs{{"x", "a b c+"}, {"x", "A\xe2\x82\xac"}, {"y", "1=2"}}));
  EXPECT_EQ(parse_query("na%6De=v"), (Pairs{{"name", "v"}}));
}

TEST(HttpMessage, ParseQueryRefusesBadEscapes) {
  for (const char* bad : {"a=%", "a=%4", "a=%zz", "%g0=1"}) {
    EXPECT_EQ(sluice::testing::error_of([&] { parse_query(bad); }).code(),
              ErrorCode::kInvalidArgument)
        << bad;
  }
}

TEST(HttpMessage, RequestLookups) {
  HttpRequest request;
  request.query = {{"exclude", "a"}, {"verbose", ""}, {"exclude", "b"}};
  request.headers = {{"Content-Type", "text/plain"}, {"X-Hub", "1"}, {"x-hub", "2"}};
  EXPECT_TRUE(request.has_query("verbose"));
  EXPECT_FALSE(request.has_query("Verbose"));  // query names are case-sensitive
  EXPECT_EQ(request.query_value("exclude"), "a");
  EXPECT_EQ(request.query_value("verbose"), "");
  EXPECT_EQ(request.query_value("missing"), std::nullopt);
  EXPECT_EQ(request.query_values("exclude"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(request.header("content-type"), "text/plain");
  EXPECT_EQ(request.header("X-HUB"), "1, 2");
  EXPECT_EQ(request.header("Accept"), std::nullopt);
}

}  // namespace
}  // namespace sluice::server
