#include "core/duration.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace sluice {
namespace {

using namespace std::chrono_literals;

TEST(DurationTest, ParsesGoSyntax) {
  EXPECT_EQ(parse_duration("0"), 0s);
  EXPECT_EQ(parse_duration("90s"), 90s);
  EXPECT_EQ(parse_duration("1m30s"), 90s);
  EXPECT_EQ(parse_duration("1.5h"), 90min);
  EXPECT_EQ(parse_duration("300ms"), 300ms);
  EXPECT_EQ(parse_duration("2h45m0.5s"), 2h + 45min + 500ms);
  EXPECT_EQ(parse_duration("1us"), 1us);
  EXPECT_EQ(parse_duration("1\xC2\xB5s"), 1us);
  EXPECT_EQ(parse_duration("-5m"), -5min);
  EXPECT_EQ(parse_duration(".5s"), 500ms);
  EXPECT_EQ(parse_duration("1.000000001s"), 1s + 1ns);
}

TEST(DurationTest, RejectsMalformedText) {
  for (const char* bad : {"", "5", "s", "1x", "1m 30s", "1.s5", "--1s", "9999999999h", "."}) {
    EXPECT_THROW(parse_duration(bad), Error) << bad;
  }
}

TEST(DurationTest, FormatsLikeGo) {
  EXPECT_EQ(format_duration(0s), "0s");
  EXPECT_EQ(format_duration(90s), "1m30s");
  EXPECT_EQ(format_duration(1h), "1h0m0s");
  EXPECT_EQ(format_duration(1500ms), "1.5s");
  EXPECT_EQ(format_duration(300ms), "300ms");
  EXPECT_EQ(format_duration(1500us), "1.5ms");
  EXPECT_EQ(format_duration(42ns), "42ns");
  EXPECT_EQ(format_duration(-90s), "-1m30s");
  EXPECT_EQ(format_duration(Duration::min()), "-2562047h47m16.854775808s");
}

TEST(DurationTest, FormatThenParseRoundTrips) {
  for (const Duration d : {Duration(1s), Duration(61min), Duration(2500ms), Duration(7ns)}) {
    EXPECT_EQ(parse_duration(format_duration(d)), d);
  }
}

}  // namespace
}  // namespace sluice
