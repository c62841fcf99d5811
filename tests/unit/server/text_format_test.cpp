#include "server/text_format.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace sluice::server::text_format {
namespace {

TEST(TextFormat, MetricNames) {
  for (const char* good : {"a", "_x", "sluice_reconciles_total", "ns:rule:rate5m", "A1"}) {
    EXPECT_TRUE(is_valid_metric_name(good)) << good;
  }
  for (const char* bad : {"", "1a", "a-b", "a b", "é", "a.b"}) {
    EXPECT_FALSE(is_valid_metric_name(bad)) << bad;
  }
}

TEST(TextFormat, LabelNames) {
  for (const char* good : {"a", "_x", "namespace", "le", "A_1"}) {
    EXPECT_TRUE(is_valid_label_name(good)) << good;
  }
  // Colons are for metric names only; "__" starts Prometheus' own labels.
  for (const char* bad : {"", "1a", "a:b", "__name__", "__x", "a-b"}) {
    EXPECT_FALSE(is_valid_label_name(bad)) << bad;
  }
}

TEST(TextFormat, Utf8) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain"));
  EXPECT_TRUE(is_valid_utf8("gr\xc3\xbc\xc3\x9f \xe2\x82\xac \xf0\x9f\x9a\x80"));  // grüß € 🚀
  EXPECT_TRUE(is_valid_utf8("\xef\xbf\xbd"));  // U+FFFD itself is fine
  EXPECT_FALSE(is_valid_utf8("\xff"));
  EXPECT_FALSE(is_valid_utf8("ab\xc3"));        // cut short
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));      // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));  // surrogate
}

TEST(TextFormat, ValuesReadBackByPrometheus) {
  EXPECT_EQ(format_value(0), "0");
  EXPECT_EQ(format_value(-0.0), "0");
  EXPECT_EQ(format_value(1), "1");
  EXPECT_EQ(format_value(-42), "-42");
  EXPECT_EQ(format_value(1e6), "1000000");  // no exponent for integers
  EXPECT_EQ(format_value(123456789012345), "123456789012345");
  EXPECT_EQ(format_value(1e15), "1e+15");  // beyond 15 digits the short form wins
  EXPECT_EQ(format_value(0.005), "0.005");
  EXPECT_EQ(format_value(0.1), "0.1");
  EXPECT_EQ(format_value(2.5), "2.5");
  EXPECT_EQ(format_value(1.5e-7), "1.5e-07");
  EXPECT_EQ(format_value(1e20), "1e+20");
  EXPECT_EQ(format_value(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_value(std::nan("")), "NaN");
}

TEST(TextFormat, LabelValueEscapes) {
  std::string out;
  append_label_value(out, "a\\b\"c\nd\te");
  EXPECT_EQ(out, R"(a\\b\"c\nd)"
                 "\te");  // tabs and others stay as they are
}

TEST(TextFormat, HelpEscapesLeaveQuotes) {
  std::string out;
  append_help(out, "say \"hi\" \\ then\nmore");
  EXPECT_EQ(out, R"(say "hi" \\ then\nmore)");
}

TEST(TextFormat, Samples) {
  std::string out;
  append_sample(out, "up", {}, {}, {}, {}, 1);
  append_sample(out, "x_bucket", {}, {}, "le", "+Inf", 3);
  append_sample(out, "x", {"a", "b"}, {"1", "q\""}, {}, {}, 0.5);
  append_sample(out, "x_bucket", {"a"}, {"1"}, "le", "0.1", 2);
  EXPECT_EQ(out,
            "up 1\n"
            "x_bucket{le=\"+Inf\"} 3\n"
            "x{a=\"1\",b=\"q\\\"\"} 0.5\n"
            "x_bucket{a=\"1\",le=\"0.1\"} 2\n");
}

}  // namespace
}  // namespace sluice::server::text_format
