#include "cli/table.h"

#include <gtest/gtest.h>

namespace sluice::cli {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(TableTest, ColumnsAreAsWideAsTheirWidestCellPlusThreeAndTheLastIsNotPadded) {
  EXPECT_EQ(format_table({"NAME", "READY", "MESSAGE"},
                         {{"shop", "True", "applied"}, {"a-much-longer-name", "False", "x y"}}),
            "NAME                 READY   MESSAGE\n"
            "shop                 True    applied\n"
            "a-much-longer-name   False   x y\n");
}

TEST(TableTest, ColumnsAreAtLeastSixWide) {
  EXPECT_EQ(format_table({"NS", "X"}, {{"a", "1"}}), "NS    X\na     1\n");
}

TEST(TableTest, WidthsCountCodePointsNotBytes) {
  EXPECT_EQ(format_table({"A", "B"}, {{"\u00e9t\u00e9-\u00e9t\u00e9", "1"}, {"abc", "2"}}),
            "A         B\n\u00e9t\u00e9-\u00e9t\u00e9   1\nabc       2\n");
}

TEST(TableTest, MissingAndEmptyCellsArePadded) {
  EXPECT_EQ(format_table({"NAME", "REVISION", "AGE"}, {{"a", "", "5s"}, {"b"}}),
            "NAME   REVISION   AGE\n"
            "a                 5s\n"
            "b                 \n");
}

TEST(TableTest, HeaderAloneForNoRows) {
  EXPECT_EQ(format_table({"NAME", "AGE"}, {}), "NAME   AGE\n");
}

TEST(HumanDurationTest, MatchesKubectl) {
  // k8s.io/apimachinery/pkg/util/duration.HumanDuration's cases.
  const std::pair<std::chrono::nanoseconds, const char*> cases[] = {
      {seconds(-3), "<invalid>"},
      {seconds(-2), "<invalid>"},
      {std::chrono::milliseconds(-1500), "0s"},
      {seconds(-1), "0s"},
      {seconds(0), "0s"},
      {std::chrono::milliseconds(999), "0s"},
      {seconds(5), "5s"},
      {seconds(119), "119s"},
      {minutes(2), "2m"},
      {minutes(2) + seconds(5), "2m5s"},
      {minutes(9) + seconds(59), "9m59s"},
      {minutes(10), "10m"},
      {minutes(10) + seconds(30), "10m"},
      {minutes(179), "179m"},
      {hours(3), "3h"},
      {hours(3) + minutes(20), "3h20m"},
      {hours(7) + minutes(59), "7h59m"},
      {hours(8), "8h"},
      {hours(47) + minutes(59), "47h"},
      {hours(48), "2d"},
      {hours(53), "2d5h"},
      {hours(24 * 8), "8d"},
      {hours(24 * 729), "729d"},
      {hours(24 * 730), "2y"},
      {hours(24 * 740), "2y10d"},
      {hours(24 * 365 * 8), "8y"},
      {hours(24 * 365 * 9 + 24 * 20), "9y"},
  };
  for (const auto& [age, expected] : cases) {
    EXPECT_EQ(human_duration(age), expected) << age.count() << "ns";
  }
}

TEST(TimestampTest, AgeSinceCreation) {
  const auto now = std::chrono::system_clock::from_time_t(1767323045) + minutes(3);
  EXPECT_EQ(age_since("2026-01-02T03:04:05Z", now), "3m");
  EXPECT_EQ(age_since("2026-01-02T03:07:04Z", now), "1s");
  EXPECT_EQ(age_since("", now), "<unknown>");
  EXPECT_EQ(age_since("garbage", now), "<unknown>");
}

TEST(OneLineTest, LineBreaksBecomeSpaces) {
  EXPECT_EQ(one_line("a\nb\r\nc"), "a b  c");
}

}  // namespace
}  // namespace sluice::cli
