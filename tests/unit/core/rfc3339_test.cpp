#include "core/rfc3339.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

// A parse into a point in time, as the CLI's AGE column reads creationTimestamp.
std::optional<std::chrono::system_clock::time_point> parse_timestamp(std::string_view text) {
  const std::optional<UnixTime> parsed = parse_rfc3339(text);
  return parsed ? to_time_point(*parsed) : std::nullopt;
}

TEST(Rfc3339Test, ParsesAsGo) {
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00Z"), (UnixTime{0, 0}));
  EXPECT_EQ(parse_rfc3339("2024-05-01T12:00:00Z"), (UnixTime{1714564800, 0}));
  EXPECT_EQ(parse_rfc3339("2024-05-01T14:00:00+02:00"), (UnixTime{1714564800, 0}));
  EXPECT_EQ(parse_rfc3339("2024-05-01T11:30:00-00:30"), (UnixTime{1714564800, 0}));
  EXPECT_EQ(parse_rfc3339("2024-05-01T12:00:00.5Z"), (UnixTime{1714564800, 500000000}));
  // Digits past the ninth are ignored, not rounded.
  EXPECT_EQ(parse_rfc3339("2024-05-01T12:00:00.1234567899Z"), (UnixTime{1714564800, 123456789}));
  EXPECT_EQ(parse_rfc3339("2024-02-29T00:00:00Z"), (UnixTime{1709164800, 0}));
  EXPECT_EQ(parse_rfc3339("0000-01-01T00:00:00Z"), (UnixTime{-62167219200, 0}));
  EXPECT_EQ(parse_rfc3339("9999-12-31T23:59:59Z"), (UnixTime{253402300799, 0}));
  // What Go's general parser takes beyond the canonical form.
  EXPECT_EQ(parse_rfc3339("2024-05-01T1:00:00Z"), (UnixTime{1714525200, 0}));
  EXPECT_EQ(parse_rfc3339("2024-05-01T12:00:00,5Z"), (UnixTime{1714564800, 500000000}));
  EXPECT_EQ(parse_rfc3339("2024-05-01T12:00:00+24:00"), (UnixTime{1714478400, 0}));
  EXPECT_EQ(parse_rfc3339("2024-05-01T12:00:00+23:60"), (UnixTime{1714478400, 0}));
  EXPECT_EQ(parse_rfc3339("2024-05-01T12:00:00-24:00"), (UnixTime{1714651200, 0}));
  for (const char* bad : {"",
                          "2024-05-01",
                          "2024-05-01 12:00:00Z",
                          "2024-05-01t12:00:00Z",
                          "2024-05-01T12:00:00",
                          "2024-05-01T12:00:00z",
                          "2023-02-29T00:00:00Z",
                          "2024-13-01T00:00:00Z",
                          "2024-05-01T24:00:00Z",
                          "2024-05-01T12:60:00Z",
                          "2024-05-01T12:00:60Z",
                          "2024-05-01T12:00:00+24:61",
                          "2024-05-01T12:00:00+25:00",
                          "2024-05-01T123:00:00Z",
                          "2024-05-01T12:00:00Zjunk",
                          "2024-05-01T12:00:00+2:00",
                          "2024-05-01T12:00:00+0200",
                          "2024-05-01T12:00:00.Z",
                          "2024-05-01T12:00:00Z ",
                          "+024-05-01T12:00:00Z"}) {
    EXPECT_EQ(parse_rfc3339(bad), std::nullopt) << bad;
  }
}

TEST(Rfc3339Test, ParsesToAPointInTime) {
  const auto base = std::chrono::system_clock::from_time_t(1767323045);  // 2026-01-02T03:04:05Z
  EXPECT_EQ(parse_timestamp("2026-01-02T03:04:05Z"), base);
  EXPECT_EQ(parse_timestamp("2026-01-02T03:04:05.5Z"), base + std::chrono::milliseconds(500));
  EXPECT_EQ(parse_timestamp("2026-01-02T05:04:05+02:00"), base);
  EXPECT_EQ(parse_timestamp("2026-01-02T01:34:05-01:30"), base);
  for (const char* bad : {"", "2026-01-02", "2026-01-02T03:04:05", "2026-13-02T03:04:05Z",
                          "2026-01-02T03:04:05Zjunk", "2026-01-02T03:04:05.Z", "yesterday"}) {
    EXPECT_FALSE(parse_timestamp(bad).has_value()) << bad;
  }
}

TEST(Rfc3339Test, FormatsNanosecondsAndReadsThemBack) {
  const auto time = std::chrono::system_clock::from_time_t(1767323045) +
                    std::chrono::duration_cast<std::chrono::system_clock::duration>(
                        std::chrono::nanoseconds(123456789));
  const std::string text = format_rfc3339(time, 9);
  EXPECT_EQ(text, "2026-01-02T03:04:05.123456789Z");
  EXPECT_EQ(parse_timestamp(text), time);
  EXPECT_EQ(format_rfc3339(std::chrono::system_clock::from_time_t(1767323045), 9),
            "2026-01-02T03:04:05.000000000Z");
}

TEST(Rfc3339Test, FormatsWholeSecondsAndMicroseconds) {
  const auto time =
      std::chrono::system_clock::from_time_t(1767323045) + std::chrono::microseconds(6);
  EXPECT_EQ(format_rfc3339(time), "2026-01-02T03:04:05Z");
  EXPECT_EQ(format_rfc3339(time, 6), "2026-01-02T03:04:05.000006Z");
  EXPECT_EQ(format_rfc3339(std::chrono::system_clock::now()).size(), 20U);
}

TEST(Rfc3339Test, TimesSystemClockCannotHoldAreNoTimePoint) {
  EXPECT_EQ(to_time_point(*parse_rfc3339("9999-12-31T23:59:59Z")), std::nullopt);
  EXPECT_EQ(to_time_point(*parse_rfc3339("0000-01-01T00:00:00Z")), std::nullopt);
  EXPECT_EQ(unix_time(*to_time_point(UnixTime{1714564800, 5})), (UnixTime{1714564800, 5}));
}

}  // namespace
}  // namespace sluice
