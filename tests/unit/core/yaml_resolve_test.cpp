#include "core/yaml_resolve.h"

#include <cmath>

#include <gtest/gtest.h>

namespace sluice::yaml_resolve {
namespace {

TEST(YamlResolveTest, GoIntegerSyntax) {
  EXPECT_EQ(parse_go_int("0"), 0);
  EXPECT_EQ(parse_go_int("-0x10"), -16);
  EXPECT_EQ(parse_go_int("+7"), 7);
  EXPECT_EQ(parse_go_int("0777"), 511);
  EXPECT_EQ(parse_go_int("0B11"), 3);
  EXPECT_EQ(parse_go_int("-9223372036854775808"), INT64_MIN);
  EXPECT_EQ(parse_go_int("9223372036854775808"), std::nullopt);
  EXPECT_EQ(parse_go_int("08"), std::nullopt);
  EXPECT_EQ(parse_go_int("0x"), std::nullopt);
  EXPECT_EQ(parse_go_int(""), std::nullopt);
  EXPECT_EQ(parse_go_uint("18446744073709551615"), UINT64_MAX);
  EXPECT_EQ(parse_go_uint("18446744073709551616"), std::nullopt);
  EXPECT_EQ(parse_go_uint("+1"), std::nullopt);
}

TEST(YamlResolveTest, YamlFloatPattern) {
  for (const char* yes : {"1.5", ".5", "-1.", "1e3", "+1.5E-3", "08"}) {
    EXPECT_TRUE(looks_like_yaml_float(yes)) << yes;
  }
  for (const char* no : {"", ".", "e3", "1e", "1.5.5", "0x1p3", "inf", "1_0"}) {
    EXPECT_FALSE(looks_like_yaml_float(no)) << no;
  }
}

TEST(YamlResolveTest, PlainScalarsResolveLikeYamlV3) {
  EXPECT_EQ(resolve_plain("08"), 8.0);  // not octal, but a YAML float
  EXPECT_TRUE(resolve_plain("08").is_number_float());
  EXPECT_EQ(resolve_plain("1e400"), "1e400");  // out of range stays text, as in Go
  EXPECT_EQ(resolve_plain("+.inf"), std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(resolve_plain(".NaN").get<double>()));
  EXPECT_EQ(resolve_plain("-"), "-");
  EXPECT_EQ(resolve_plain("1:20"), "1:20");
  EXPECT_EQ(resolve_plain("Yes"), "Yes");
  EXPECT_EQ(resolve_plain("FALSE"), false);
  EXPECT_EQ(resolve_plain("nil"), "nil");
  EXPECT_EQ(resolve_plain("0x_1f"), 31);
}

}  // namespace
}  // namespace sluice::yaml_resolve

namespace sluice::yaml_resolve {
namespace {

TEST(YamlTimestampTest, NormalisesWhatGoParsesAsATimestamp) {
  EXPECT_EQ(parse_yaml_timestamp("2001-1-2"), "2001-01-02T00:00:00Z");
  EXPECT_EQ(parse_yaml_timestamp("2001-12-14t21:59:43.10-05:00"), "2001-12-14T21:59:43.1-05:00");
  EXPECT_EQ(parse_yaml_timestamp("2001-12-14T21:59:43+00:00"), "2001-12-14T21:59:43Z");
  EXPECT_EQ(parse_yaml_timestamp("2001-12-14 1:2:3"), "2001-12-14T01:02:03Z");
  EXPECT_EQ(parse_yaml_timestamp("2001-12-14   1:2:3"), "2001-12-14T01:02:03Z");
  EXPECT_EQ(parse_yaml_timestamp("2001-12-14T21:59:43.1234567891Z"),
            "2001-12-14T21:59:43.123456789Z");
  EXPECT_EQ(parse_yaml_timestamp("2004-02-29"), "2004-02-29T00:00:00Z");
}

TEST(YamlTimestampTest, LeavesEverythingElseAlone) {
  for (const char* text :
       {"2001-02-29", "2001-13-14", "20011-12-14", "2001-12-14x", "2001-12-14T24:00:00Z",
        "2001-12-14 21:59:43.10 -5", "2001-12-14T21:59:43", "1:20", "2001"}) {
    EXPECT_EQ(parse_yaml_timestamp(text), std::nullopt) << text;
  }
}

}  // namespace
}  // namespace sluice::yaml_resolve
